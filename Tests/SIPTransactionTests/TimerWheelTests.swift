import Testing
@testable import SIPTransaction

@Suite("TimerWheel")
struct TimerWheelTests {
    @Test("fires at the first advance at or past the deadline, in deadline order")
    func firesInOrder() {
        var wheel = TimerWheel<String>(resolution: 10, slotCount: 8, startingAt: 0)
        wheel.schedule("c", at: 35)
        wheel.schedule("a", at: 10)
        wheel.schedule("b", at: 21)
        do { let r = wheel.advance(to: 9); #expect(r == []) }
        do { let r = wheel.advance(to: 20); #expect(r == ["a"]) }
        do { let r = wheel.advance(to: 29); #expect(r == []) }
        do { let r = wheel.advance(to: 40); #expect(r == ["b", "c"]) }
        #expect(wheel.count == 0)
    }

    @Test("deadlines beyond one turn of the wheel wait for their turn")
    func longDeadlines() {
        var wheel = TimerWheel<Int>(resolution: 10, slotCount: 4, startingAt: 0)
        wheel.schedule(1, at: 10)
        wheel.schedule(2, at: 50)     // same slot as 10 one turn later
        wheel.schedule(3, at: 1000)
        do { let r = wheel.advance(to: 10); #expect(r == [1]) }
        do { let r = wheel.advance(to: 49); #expect(r == []) }
        do { let r = wheel.advance(to: 50); #expect(r == [2]) }
        do { let r = wheel.advance(to: 990); #expect(r == []) }
        do { let r = wheel.advance(to: 5000); #expect(r == [3]) }
    }

    @Test("a jump past many turns fires everything due at once")
    func bigJump() {
        var wheel = TimerWheel<Int>(resolution: 1, slotCount: 16, startingAt: 100)
        for i in 0 ..< 50 { wheel.schedule(i, at: 100 + Int64(i) * 7) }
        let fired = wheel.advance(to: 100 + 49 * 7)
        #expect(fired == Array(0 ..< 50))
    }

    @Test("cancelled timers never fire; cancelling twice reports false")
    func cancel() {
        var wheel = TimerWheel<Int>(resolution: 5, slotCount: 8, startingAt: 0)
        let a = wheel.schedule(1, at: 20)
        wheel.schedule(2, at: 20)
        do { let r = wheel.cancel(a); #expect(r) }
        do { let r = wheel.cancel(a); #expect(!r) }
        do { let r = wheel.advance(to: 100); #expect(r == [2]) }
    }

    @Test("a deadline already past fires at the next tick")
    func pastDeadline() {
        var wheel = TimerWheel<Int>(resolution: 10, slotCount: 8, startingAt: 100)
        wheel.schedule(7, at: 50)
        do { let r = wheel.advance(to: 105); #expect(r == []) }
        do { let r = wheel.advance(to: 110); #expect(r == [7]) }
    }

    @Test("a handle of a fired or cancelled timer never cancels the timer that reuses its entry")
    func staleHandles() {
        var wheel = TimerWheel<Int>(resolution: 10, slotCount: 8, startingAt: 0)
        let fired = wheel.schedule(1, at: 10)
        do { let r = wheel.advance(to: 10); #expect(r == [1]) }
        let cancelled = wheel.schedule(2, at: 30)
        do { let r = wheel.cancel(cancelled); #expect(r) }
        // Both entries are free now; the next timers take them over.
        wheel.schedule(3, at: 40)
        wheel.schedule(4, at: 40)
        do { let r = wheel.cancel(fired); #expect(!r) }
        do { let r = wheel.cancel(cancelled); #expect(!r) }
        #expect(wheel.count == 2)
        do { let r = wheel.advance(to: 40); #expect(r == [3, 4]) }
        #expect(wheel.count == 0)
    }

    @Test("cancelling from the middle, head and tail of a slot keeps the others")
    func cancelWithinASlot() {
        var wheel = TimerWheel<Int>(resolution: 10, slotCount: 4, startingAt: 0)
        let handles = (0 ..< 5).map { wheel.schedule($0, at: 20) }
        wheel.cancel(handles[2])
        wheel.cancel(handles[4])
        wheel.cancel(handles[0])
        do { let r = wheel.advance(to: 20); #expect(r == [1, 3]) }
    }

    @Test("the next due tick is found within the look-ahead, nil beyond it")
    func nextDue() {
        var wheel = TimerWheel<Int>(resolution: 10, slotCount: 16, startingAt: 0)
        #expect(wheel.nextDueTime(within: 100) == nil)
        wheel.schedule(1, at: 35)
        #expect(wheel.nextDueTime(within: 100) == 40)
        #expect(wheel.nextDueTime(within: 2) == nil)
        // One turn later in the same slot: not due at the first pass.
        wheel.schedule(2, at: 35 + 160)
        _ = wheel.advance(to: 40)
        #expect(wheel.nextDueTime(within: 16) == 200)
    }
}
