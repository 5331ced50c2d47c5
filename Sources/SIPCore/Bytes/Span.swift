// A byte range stored in 8 bytes, with a sentinel for "absent". Views keep their ranges as
// spans so a parsed Via or From is ~100 bytes of plain data: copied without a memcpy call or
// reference counting. Public properties expose them as Range<Int>.

struct Span: Sendable, Equatable {
    var lo: UInt32
    var hi: UInt32

    static let absent = Span(lo: .max, hi: .max)

    @inline(__always)
    init(lo: UInt32, hi: UInt32) {
        self.lo = lo
        self.hi = hi
    }

    @inline(__always)
    init(_ r: Range<Int>) {
        lo = UInt32(clamping: r.lowerBound)
        hi = Swift.max(lo, UInt32(clamping: r.upperBound))
    }

    @inline(__always)
    init(_ r: Range<Int>?) {
        if let r { self.init(r) } else { self = .absent }
    }

    @inline(__always)
    var isAbsent: Bool { lo == .max }

    @inline(__always)
    var range: Range<Int> { Int(lo) ..< Int(hi) }

    @inline(__always)
    var optional: Range<Int>? { lo == .max ? nil : Int(lo) ..< Int(hi) }
}

/// An optional small integer (port, TTL) in 4 bytes.
struct OptionalInt32: Sendable, Equatable {
    var raw: Int32

    @inline(__always)
    init(_ value: Int?) {
        raw = value.map { Int32(clamping: $0) } ?? Int32.min
    }

    @inline(__always)
    var value: Int? { raw == Int32.min ? nil : Int(raw) }
}
