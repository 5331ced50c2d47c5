/// Deadlines on a hashed timing wheel: `slotCount` slots of `resolution` milliseconds each;
/// a deadline further away than one turn waits in its slot for later turns. Entries live in
/// one pool, each slot a doubly linked list through it, freed entries reused: scheduling and
/// cancelling cost O(1) and, once the pool has grown to the load, allocate nothing; `advance`
/// visits only the slots whose time has come. Pure value: the owner supplies the time and a
/// lock.
public struct TimerWheel<Payload> {
    public struct Handle: Hashable, Sendable {
        public let id: UInt64
        @usableFromInline let index: Int32

        @inlinable
        init(id: UInt64, index: Int32) {
            self.id = id
            self.index = index
        }
    }

    // Inlinable (with the state it touches) so that callers in other modules get code
    // specialised for their payload: unspecialised, every call looked up generic metadata.
    @usableFromInline
    struct Entry {
        /// 0 while the entry is free.
        @usableFromInline var id: UInt64
        @usableFromInline var tick: Int64
        @usableFromInline var deadline: Int64
        @usableFromInline var payload: Payload?
        @usableFromInline var next: Int32
        @usableFromInline var previous: Int32

        @inlinable
        init(id: UInt64, tick: Int64, deadline: Int64, payload: Payload?, next: Int32, previous: Int32) {
            self.id = id
            self.tick = tick
            self.deadline = deadline
            self.payload = payload
            self.next = next
            self.previous = previous
        }
    }

    public let resolution: Int64
    /// First entry of each slot's list (-1: empty).
    @usableFromInline var heads: [Int32]
    @usableFromInline var entries: [Entry] = []
    /// Free entries, linked through `next` (-1: none).
    @usableFromInline var freeHead: Int32 = -1
    @usableFromInline var entryCount = 0
    @usableFromInline var currentTick: Int64
    @usableFromInline var nextID: UInt64 = 1

    /// `startingAt`: the clock's time now (milliseconds).
    @inlinable
    public init(resolution: Int64 = 10, slotCount: Int = 1024, startingAt now: Int64) {
        self.resolution = max(1, resolution)
        self.heads = Array(repeating: -1, count: max(1, slotCount))
        self.currentTick = now / self.resolution
    }

    @inlinable
    public var count: Int { entryCount }

    @inlinable
    func slot(of tick: Int64) -> Int { Int(tick % Int64(heads.count)) }

    /// Fires at the first `advance(to:)` whose time is at or past `deadline` (a deadline in
    /// the past fires at the next tick).
    @inlinable @discardableResult
    public mutating func schedule(_ payload: Payload, at deadline: Int64) -> Handle {
        // Rounded up, so a slot's entries are all due when its tick is reached.
        var tick = (deadline + resolution - 1) / resolution
        if tick <= currentTick { tick = currentTick + 1 }
        let slot = slot(of: tick)
        let id = nextID
        nextID &+= 1
        let head = heads[slot]
        let entry = Entry(id: id, tick: tick, deadline: deadline, payload: payload, next: head, previous: -1)
        let index: Int32
        if freeHead >= 0 {
            index = freeHead
            freeHead = entries[Int(index)].next
            entries[Int(index)] = entry
        } else {
            index = Int32(entries.count)
            entries.append(entry)
        }
        if head >= 0 { entries[Int(head)].previous = index }
        heads[slot] = index
        entryCount += 1
        return Handle(id: id, index: index)
    }

    /// False when the timer already fired or was cancelled.
    @inlinable @discardableResult
    public mutating func cancel(_ handle: Handle) -> Bool {
        let index = Int(handle.index)
        guard entries.indices.contains(index), entries[index].id == handle.id else { return false }
        release(index)
        return true
    }

    /// Unlinks entry `index` from its slot and frees it.
    @inlinable
    mutating func release(_ index: Int) {
        let next = entries[index].next
        let previous = entries[index].previous
        if previous >= 0 {
            entries[Int(previous)].next = next
        } else {
            heads[slot(of: entries[index].tick)] = next
        }
        if next >= 0 { entries[Int(next)].previous = previous }
        entries[index].id = 0
        entries[index].payload = nil
        entries[index].previous = -1
        entries[index].next = freeHead
        freeHead = Int32(index)
        entryCount -= 1
    }

    /// The earliest tick time (milliseconds) at which something is due, looking at most
    /// `limit` ticks ahead; nil when nothing is due that soon.
    @inlinable
    public func nextDueTime(within limit: Int) -> Int64? {
        guard entryCount > 0 else { return nil }
        var tick = currentTick + 1
        for _ in 0 ..< min(limit, heads.count) {
            var i = heads[slot(of: tick)]
            while i >= 0 {
                if entries[Int(i)].tick <= tick { return tick * resolution }
                i = entries[Int(i)].next
            }
            tick += 1
        }
        return nil
    }

    /// Removes and returns every payload due at `now`, earliest deadline first.
    @inlinable
    public mutating func advance(to now: Int64) -> [Payload] {
        let target = now / resolution
        guard target > currentTick else { return [] }
        var due: [(deadline: Int64, id: UInt64, payload: Payload)] = []
        let steps = min(target - currentTick, Int64(heads.count))
        var tick = currentTick + 1
        for _ in 0 ..< steps {
            var i = heads[slot(of: tick)]
            while i >= 0 {
                let index = Int(i)
                i = entries[index].next
                if entries[index].tick <= target, let payload = entries[index].payload {
                    due.append((entries[index].deadline, entries[index].id, payload))
                    release(index)
                }
            }
            tick += 1
        }
        currentTick = target
        if due.isEmpty { return [] }
        if due.count > 1 {
            due.sort { $0.deadline < $1.deadline || ($0.deadline == $1.deadline && $0.id < $1.id) }
        }
        return due.map { $0.payload }
    }
}
