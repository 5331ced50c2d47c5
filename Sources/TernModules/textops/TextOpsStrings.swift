// textops string helpers: in_list, in_list_prefix, cmp_str, cmp_istr, starts_with, ends_with,
// str_find, str_ifind, search_str and regex_substring. Comparisons return Kamailio's values:
// 1 equal, -1 first greater (or no match), -2 first smaller.
import TernScript

enum TextOpsStrings {
    static var functions: [FunctionDeclaration] {
        [
            listFunction("in_list") { subject, element in subject.elementsEqual(element) },
            listFunction("in_list_prefix") { subject, element in
                !element.isEmpty && element.count <= subject.count && subject.starts(with: element)
            },
            twoStrings("cmp_str") { a, b in comparison(compare(a, b)) },
            twoStrings("cmp_istr") { a, b in comparison(compare(a.map(asciiLower), b.map(asciiLower))) },
            twoStrings("starts_with") { s, prefix in
                guard s.count >= prefix.count else { return -1 }
                return comparison(compare(Array(s.prefix(prefix.count)), prefix))
            },
            twoStrings("ends_with") { s, suffix in
                guard s.count >= suffix.count else { return -1 }
                return comparison(compare(Array(s.suffix(suffix.count)), suffix))
            },
            twoStrings("str_find") { text, needle in
                // 1-based position of the first occurrence.
                guard needle.count <= text.count else { return -1 }
                if needle.isEmpty { return text.isEmpty ? 1 : -1 }
                return TextOpsReplace.find(needle, in: text, 0 ..< text.count).map { $0 + 1 } ?? -1
            },
            twoStrings("str_ifind") { text, needle in
                guard needle.count <= text.count else { return -1 }
                let t = text.map(asciiLower)
                let n = needle.map(asciiLower)
                if n.isEmpty { return 1 }
                return TextOpsReplace.find(n, in: t, 0 ..< t.count).map { $0 + 1 } ?? -1
            },
            FunctionDeclaration(name: "search_str", argumentCounts: 2...2, routeTypes: .any) { args, _ throws(Diagnostic) in
                let text = try args[0].formatString()
                let pattern = try args[1].formatString()
                let constant = pattern.constantValue.flatMap { try? POSIXRegex.moduleArgument($0) }
                return { ctx in
                    let p = constant?.pattern ?? pattern.evaluate(ctx)
                    if p.isEmpty { return 2 }
                    let t = text.evaluate(ctx)
                    if t.isEmpty { return -2 }
                    guard let regex = constant ?? (try? POSIXRegex.moduleArgument(p)) else {
                        ctx.worker.logger.error("search_str: bad regular expression '\(p)'")
                        return -2
                    }
                    var whole = t
                    return whole.withUTF8 { regex.firstMatchRange(in: $0, 0 ..< $0.count) } != nil ? 1 : -1
                }
            },
            FunctionDeclaration(
                name: "regex_substring", argumentCounts: 5...5, routeTypes: TextOpsRoutes.requestReplyFailureBranch,
                argumentKinds: [.format, .format, .format, .format, .pseudoVariable]
            ) { args, _ throws(Diagnostic) in
                try regexSubstring(args)
            },
        ]
    }

    /// C `strncmp`-style ordering of two byte strings.
    static func compare(_ a: [UInt8], _ b: [UInt8]) -> Int {
        for (x, y) in zip(a, b) where x != y { return x < y ? -1 : 1 }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }

    private static func comparison(_ order: Int) -> Int {
        order == 0 ? 1 : (order > 0 ? -1 : -2)
    }

    private static func twoStrings(_ name: String, _ body: @escaping @Sendable ([UInt8], [UInt8]) -> Int) -> FunctionDeclaration {
        FunctionDeclaration(name: name, argumentCounts: 2...2, routeTypes: .any) { args, _ throws(Diagnostic) in
            let a = try args[0].formatString()
            let b = try args[1].formatString()
            return { ctx in body(Array(a.evaluate(ctx).utf8), Array(b.evaluate(ctx).utf8)) }
        }
    }

    /// in_list(subject, list, separator): the list is split at the one-character separator and
    /// each element trimmed of white space.
    private static func listFunction(_ name: String, _ test: @escaping @Sendable ([UInt8], ArraySlice<UInt8>) -> Bool) -> FunctionDeclaration {
        FunctionDeclaration(name: name, argumentCounts: 3...3, routeTypes: .any, argumentKinds: [.format, .format, .literal]) { args, _ throws(Diagnostic) in
            let subject = try args[0].formatString()
            let list = try args[1].formatString()
            guard let separatorText = args[2].literalText, separatorText.utf8.count == 1, let separator = separatorText.utf8.first else {
                throw .error("\(name): the separator must be a single character", at: args[2].location)
            }
            return { ctx in
                let s = Array(subject.evaluate(ctx).utf8)
                guard !s.isEmpty else {
                    ctx.worker.logger.error("\(name): the subject is empty")
                    return -1
                }
                let l = Array(list.evaluate(ctx).utf8)
                for element in l.split(separator: separator, omittingEmptySubsequences: false) where test(s, trimmed(element)) {
                    return 1
                }
                return -1
            }
        }
    }

    private static func trimmed(_ s: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        func blank(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 13 || b == 10 }
        var t = s
        while let f = t.first, blank(f) { t = t.dropFirst() }
        while let l = t.last, blank(l) { t = t.dropLast() }
        return t
    }

    /// regex_substring(input, regex, index, count, $dst): group `index` of the first match
    /// (case-sensitive ERE) into $dst. -2 when nothing matches, -1 for a bad index or an empty group.
    private static func regexSubstring(_ args: [ScriptArgument]) throws(Diagnostic) -> CompiledCall {
        let input = try args[0].formatString()
        let pattern = try args[1].formatString()
        let index = args[2]
        let count = args[3]
        let target = try args[4].pseudoVariable()
        var constant: POSIXRegex?
        if let p = pattern.constantValue {
            do {
                constant = try POSIXRegex(p, caseInsensitive: false, newlineSensitive: false)
            } catch {
                throw .error("regex_substring: bad regular expression '\(p)': \(error.message)", at: args[1].location)
            }
        }
        return { ctx in
            guard let i = index.evaluateInt(ctx), let n = count.evaluateInt(ctx), i >= 0, i <= n - 1 else { return -1 }
            guard let regex = constant ?? (try? POSIXRegex(pattern.evaluate(ctx), caseInsensitive: false, newlineSensitive: false)) else {
                return -1
            }
            let text = Array(input.evaluate(ctx).utf8)
            guard let groups = text.withUnsafeBufferPointer({ regex.firstMatch(in: $0, 0 ..< $0.count, groups: n - 1) }) else { return -2 }
            guard i < groups.count, let group = groups[i], !group.isEmpty else { return -1 }
            _ = target.set(ctx, .string(String(decoding: text[group], as: UTF8.self)))
            return 1
        }
    }
}
