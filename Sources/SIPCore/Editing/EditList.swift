// Changes to a received message recorded as byte-range edits against the original bytes
// (deletions, insertions, replacements) and applied in one pass when the message is sent.
// Several inserts at one offset come out in the order they were made, and before a deletion
// or replacement that starts at that offset. Overlapping edits merge as Kamailio's lumps do;
// an edit outside the message is reported as `EditListError`, never a crash.

public struct EditListError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case outOfBounds(Range<Int>, count: Int)
    }

    public var kind: Kind

    public init(kind: Kind) {
        self.kind = kind
    }

    public var description: String {
        switch kind {
        case .outOfBounds(let r, let count): return "edit \(r) outside message of \(count) bytes"
        }
    }
}

public struct EditList: Sendable {
    struct Edit: Sendable {
        var range: Range<Int>   // empty for an insertion
        var bytes: [UInt8]
        var sequence: Int
    }

    var edits: [Edit] = []

    public init() {}

    public var isEmpty: Bool { edits.isEmpty }
    public var count: Int { edits.count }

    public mutating func delete(_ range: Range<Int>) {
        guard !range.isEmpty else { return }
        edits.append(Edit(range: range, bytes: [], sequence: edits.count))
    }

    public mutating func insert(_ bytes: [UInt8], at offset: Int) {
        edits.append(Edit(range: offset ..< offset, bytes: bytes, sequence: edits.count))
    }

    public mutating func insert(_ text: String, at offset: Int) {
        insert(Array(text.utf8), at: offset)
    }

    /// Replacing an empty range is an insertion.
    public mutating func replace(_ range: Range<Int>, with bytes: [UInt8]) {
        edits.append(Edit(range: range, bytes: bytes, sequence: edits.count))
    }

    public mutating func replace(_ range: Range<Int>, with text: String) {
        replace(range, with: Array(text.utf8))
    }

    /// True when an edit already touches `range` (an insertion strictly inside it, or a
    /// deletion/replacement overlapping it).
    public func touches(_ range: Range<Int>) -> Bool {
        edits.contains { e in
            e.range.isEmpty
                ? (e.range.lowerBound > range.lowerBound && e.range.lowerBound < range.upperBound)
                : e.range.overlaps(range)
        }
    }

    /// Net number of bytes the edits add (negative when they remove) within `range`: edits that
    /// start inside it, insertions at its end included.
    public func lengthDelta(within range: Range<Int>) -> Int {
        var delta = 0
        for e in edits where e.range.lowerBound >= range.lowerBound && e.range.lowerBound <= range.upperBound {
            if e.range.lowerBound == range.upperBound && !e.range.isEmpty { continue }
            delta += e.bytes.count - e.range.count
        }
        return delta
    }

    /// The edits in application order: by offset, insertions (in the order made) before the
    /// deletion or replacement starting at the same offset.
    func sorted() -> [Edit] {
        edits.sorted { a, b in
            if a.range.lowerBound != b.range.lowerBound { return a.range.lowerBound < b.range.lowerBound }
            let aInsert = a.range.isEmpty
            let bInsert = b.range.isEmpty
            if aInsert != bInsert { return aInsert }
            return a.sequence < b.sequence
        }
    }

    /// Applies the edits to `original[window]` (the whole buffer by default) in one pass.
    /// Edits may overlap, as Kamailio's lumps may: a deletion's part that an earlier edit
    /// already removed is not removed twice, and every edit's new bytes are kept, in order
    /// (`remove_hf` twice removes the header once; two replaces of one header leave both
    /// new texts).
    public func apply(to original: [UInt8], window: Range<Int>? = nil) throws(EditListError) -> [UInt8] {
        let window = window ?? 0 ..< original.count
        guard window.lowerBound >= 0, window.upperBound <= original.count else {
            throw EditListError(kind: .outOfBounds(window, count: original.count))
        }
        let ordered = sorted()
        var added = 0
        for e in ordered {
            guard e.range.lowerBound >= window.lowerBound, e.range.upperBound <= window.upperBound else {
                throw EditListError(kind: .outOfBounds(e.range, count: original.count))
            }
            added += e.bytes.count
        }
        var out: [UInt8] = []
        out.reserveCapacity(window.count + added)
        var cursor = window.lowerBound
        for e in ordered {
            if e.range.lowerBound > cursor {
                out.append(contentsOf: original[cursor ..< e.range.lowerBound])
            }
            out.append(contentsOf: e.bytes)
            cursor = Swift.max(cursor, e.range.upperBound)
        }
        out.append(contentsOf: original[cursor ..< window.upperBound])
        return out
    }
}
