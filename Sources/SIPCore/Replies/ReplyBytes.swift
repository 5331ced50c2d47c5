// The output buffer of SIPReplyBuilder: a reply is some thirty short pieces, and appending
// each to an Array costs a generic sequence copy; here each piece is one bounds check and a
// memcpy into a buffer that grows by doubling, copied into the Array once at the end.

/// Used as one local value (never copied): `finish()` frees the buffer it allocated.
struct ReplyBytes {
    /// What a reply builder may take on the stack (`init(storage:)`); larger replies start
    /// on the heap.
    static let stackCapacity = 1024

    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var count = 0
    /// False while writing into the caller's storage, which is not ours to free.
    private var ownsBase: Bool

    init(capacity: Int) {
        self.capacity = Swift.max(capacity, 64)
        base = .allocate(capacity: self.capacity)
        ownsBase = true
    }

    /// Writes into `storage` (typically a stack buffer) until it is full, then moves to the heap.
    init(storage: UnsafeMutableBufferPointer<UInt8>) {
        if let start = storage.baseAddress, storage.count > 0 {
            base = start
            capacity = storage.count
            ownsBase = false
        } else {
            capacity = 64
            base = .allocate(capacity: capacity)
            ownsBase = true
        }
    }

    @inline(__always)
    private mutating func ensure(_ more: Int) {
        if count &+ more > capacity { grow(count &+ more) }
    }

    private mutating func grow(_ needed: Int) {
        var grown = Swift.max(capacity &* 2, 64)
        while grown < needed { grown &*= 2 }
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        if capacity > 0 {
            moved.update(from: base, count: count)
            if ownsBase { base.deallocate() }
        }
        base = moved
        capacity = grown
        ownsBase = true
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        ensure(1)
        base[count] = byte
        count &+= 1
    }

    @inline(__always)
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        ensure(bytes.count)
        (base + count).update(from: source, count: bytes.count)
        count &+= bytes.count
    }

    @inline(__always)
    mutating func append(_ s: StaticString) {
        append(UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    @inline(__always)
    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0) }
    }

    @inline(__always)
    mutating func append(_ s: String) {
        var s = s
        s.withUTF8 { append($0) }
    }

    /// The bytes written, as the Array the send path takes; the buffer is freed.
    mutating func finish() -> [UInt8] {
        // Not Array(unsafeUninitializedCapacity:): unspecialised, it looks up the storage
        // class's generic metadata on every call.
        let bytes = Array(UnsafeBufferPointer(start: base, count: count))
        if ownsBase { base.deallocate() }
        ownsBase = false
        capacity = 0
        count = 0
        return bytes
    }
}
