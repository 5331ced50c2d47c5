/// Suggestions for misspelled names, by edit distance.
enum DidYouMean {
    /// The closest candidate, if it is close enough to be a plausible typo of `name`.
    static func suggestion<S: Sequence>(for name: String, among candidates: S) -> String? where S.Element == String {
        let target = Array(name.lowercased().utf8)
        let limit = max(1, min(3, target.count / 3 + 1))
        let exact = Array(name.utf8)
        // Ties go to the candidate closer with case counted (`$nul` → `$null`, not `$fUl`),
        // then to the first in alphabetical order.
        var best: (String, Int, Int)?
        for candidate in candidates {
            let c = Array(candidate.lowercased().utf8)
            if abs(c.count - target.count) > limit { continue }
            let d = distance(target, c, limit: limit)
            guard d <= limit else { continue }
            let cased = distance(exact, Array(candidate.utf8), limit: limit + 3)
            if let (name, distance, casedDistance) = best,
                d > distance || (d == distance && (cased > casedDistance || (cased == casedDistance && candidate >= name)))
            {
                continue
            }
            best = (candidate, d, cased)
        }
        return best?.0
    }

    static func hint(for name: String, among candidates: some Sequence<String>, prefix: String = "") -> String? {
        guard let s = suggestion(for: name, among: candidates) else { return nil }
        return "did you mean '\(prefix)\(s)'?"
    }

    /// Levenshtein distance with adjacent transpositions counted as one edit; stops early once
    /// every path exceeds `limit`.
    static func distance(_ a: [UInt8], _ b: [UInt8], limit: Int) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prevPrev = [Int](repeating: 0, count: b.count + 1)
        var prev = Array(0...b.count)
        var cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            var rowMin = cur[0]
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    v = min(v, prevPrev[j - 2] + 1)
                }
                cur[j] = v
                rowMin = min(rowMin, v)
            }
            if rowMin > limit { return rowMin }
            prevPrev = prev
            prev = cur
        }
        return prev[b.count]
    }
}
