/// Deadlines on a hashed timing wheel: `slotCount` slots of `resolution` milliseconds each;
/// a deadline further away than one turn waits in its slot for later turns. Scheduling and
/// cancelling cost O(1) (cancel: O(entries in the slot)); `advance` visits only the slots
/// whose time has come. Pure value: the owner supplies the time and a lock.
public struct TimerWheel<Payload> {
    public struct Handle: Hashable, Sendable {
        public let id: UInt64

        @inlinable
        init(id: UInt64) { self.id = id }
    }

    // Inlinable (with the state it touches) so that callers in other modules get code
    // specialised for their payload: unspecialised, every call looked up generic metadata.
    @usableFromInline
    struct Entry {
        @usableFromInline var id: UInt64
        @usableFromInline var tick: Int64
        @usableFromInline var deadline: Int64
        @usableFromInline var payload: Payload

        @inlinable
        init(id: UInt64, tick: Int64, deadline: Int64, payload: Payload) {
            self.id = id
            self.tick = tick
            self.deadline = deadline
            self.payload = payload
        }
    }

    public let resolution: Int64
    @usableFromInline var slots: [[Entry]]
    @usableFromInline var slotOfEntry: [UInt64: Int] = [:]
    @usableFromInline var currentTick: Int64
    @usableFromInline var nextID: UInt64 = 1

    /// `startingAt`: the clock's time now (milliseconds).
    @inlinable
    public init(resolution: Int64 = 10, slotCount: Int = 1024, startingAt now: Int64) {
        self.resolution = max(1, resolution)
        self.slots = Array(repeating: [], count: max(1, slotCount))
        self.currentTick = now / self.resolution
    }

    @inlinable
    public var count: Int { slotOfEntry.count }

    /// Fires at the first `advance(to:)` whose time is at or past `deadline` (a deadline in
    /// the past fires at the next tick).
    @inlinable @discardableResult
    public mutating func schedule(_ payload: Payload, at deadline: Int64) -> Handle {
        // Rounded up, so a slot's entries are all due when its tick is reached.
        var tick = (deadline + resolution - 1) / resolution
        if tick <= currentTick { tick = currentTick + 1 }
        let slot = Int(tick % Int64(slots.count))
        let id = nextID
        nextID += 1
        slots[slot].append(Entry(id: id, tick: tick, deadline: deadline, payload: payload))
        slotOfEntry[id] = slot
        return Handle(id: id)
    }

    /// False when the timer already fired or was cancelled.
    @inlinable @discardableResult
    public mutating func cancel(_ handle: Handle) -> Bool {
        guard let slot = slotOfEntry.removeValue(forKey: handle.id) else { return false }
        if let index = slots[slot].firstIndex(where: { $0.id == handle.id }) {
            slots[slot].remove(at: index)
        }
        return true
    }

    /// Removes and returns every payload due at `now`, earliest deadline first.
    @inlinable
    public mutating func advance(to now: Int64) -> [Payload] {
        let target = now / resolution
        guard target > currentTick else { return [] }
        var due: [Entry] = []
        let steps = min(target - currentTick, Int64(slots.count))
        var tick = currentTick + 1
        for _ in 0 ..< steps {
            let slot = Int(tick % Int64(slots.count))
            if !slots[slot].isEmpty {
                var keep: [Entry] = []
                for entry in slots[slot] {
                    if entry.tick <= target {
                        due.append(entry)
                        slotOfEntry.removeValue(forKey: entry.id)
                    } else {
                        keep.append(entry)
                    }
                }
                slots[slot] = keep
            }
            tick += 1
        }
        currentTick = target
        if due.isEmpty { return [] }
        due.sort { $0.deadline < $1.deadline || ($0.deadline == $1.deadline && $0.id < $1.id) }
        return due.map { $0.payload }
    }
}
