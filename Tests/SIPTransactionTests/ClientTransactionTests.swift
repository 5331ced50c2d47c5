import Testing
@testable import SIPTransaction

/// Runs a machine against a TimerWheel and a ManualClock: every action is recorded with the
/// time it happened, timers are armed on the wheel, and `run(until:)` fires them in order.
struct MachineDriver<Machine, Event> {
    var machine: Machine
    let feed: (inout Machine, Event) -> [TransactionAction]
    let timerEvent: (TransactionTimer) -> Event
    let clock = ManualClock()
    var wheel = TimerWheel<TransactionTimer>(resolution: 1, slotCount: 256, startingAt: 0)
    var handles: [TransactionTimer: TimerWheel<TransactionTimer>.Handle] = [:]
    var log: [(time: Int64, action: TransactionAction)] = []

    init(_ machine: Machine, feed: @escaping (inout Machine, Event) -> [TransactionAction],
         timerEvent: @escaping (TransactionTimer) -> Event) {
        self.machine = machine
        self.feed = feed
        self.timerEvent = timerEvent
    }

    mutating func send(_ event: Event) {
        let actions = feed(&machine, event)
        let now = clock.nowMilliseconds()
        for action in actions {
            log.append((now, action))
            switch action {
            case .startTimer(let t, let after):
                if let old = handles[t] { wheel.cancel(old) }
                handles[t] = wheel.schedule(t, at: now + after)
            case .cancelTimer(let t):
                if let old = handles.removeValue(forKey: t) { wheel.cancel(old) }
            default:
                break
            }
        }
    }

    /// Moves the clock 1 ms at a time to `end`, firing due timers.
    mutating func run(until end: Int64) {
        while clock.nowMilliseconds() < end {
            clock.advance(by: 1)
            for timer in wheel.advance(to: clock.nowMilliseconds()) {
                handles.removeValue(forKey: timer)
                send(timerEvent(timer))
            }
        }
    }

    func times(of predicate: (TransactionAction) -> Bool) -> [Int64] {
        log.filter { predicate($0.action) }.map(\.time)
    }

    var sendTimes: [Int64] { times { if case .send = $0 { return true } else { return false } } }
}

let request: [UInt8] = Array("INVITE sip:b@x SIP/2.0\r\n\r\n".utf8)

func inviteClientDriver(reliable: Bool = false, timers: TransactionTimerValues = TransactionTimerValues(),
                        proceedingTimeout: Int64? = nil, restart: Bool = true) -> MachineDriver<InviteClientTransaction, InviteClientTransaction.Event> {
    MachineDriver(
        InviteClientTransaction(request: request, reliable: reliable, timers: timers,
                                proceedingTimeout: proceedingTimeout, restartTimeoutOnProvisional: restart),
        feed: { $0.handle($1) }, timerEvent: { .timer($0) })
}

func nonInviteClientDriver(reliable: Bool = false, timers: TransactionTimerValues = TransactionTimerValues())
    -> MachineDriver<NonInviteClientTransaction, NonInviteClientTransaction.Event> {
    MachineDriver(NonInviteClientTransaction(request: request, reliable: reliable, timers: timers),
                  feed: { $0.handle($1) }, timerEvent: { .timer($0) })
}

@Suite("INVITE client transaction (RFC 3261 §17.1.1, RFC 6026)")
struct InviteClientTransactionTests {
    @Test("UDP: Timer A retransmits at T1, 2·T1 … capped at T2; Timer B times out at 64·T1")
    func retransmissionsAndTimeout() {
        var d = inviteClientDriver()
        d.send(.start)
        d.run(until: 40_000)
        // 0, +500, +1000, +2000, +4000, then every 4000 (T2) until B at 32000.
        #expect(d.sendTimes == [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500])
        #expect(d.times { $0 == .timeout } == [32_000])
        #expect(d.machine.state == .terminated)
        #expect(d.log.last?.action == .terminated)
    }

    @Test("reliable transport: no Timer A, Timer B still runs")
    func reliableSendsOnce() {
        var d = inviteClientDriver(reliable: true)
        d.send(.start)
        d.run(until: 40_000)
        #expect(d.sendTimes == [0])
        #expect(d.times { $0 == .timeout } == [32_000])
    }

    @Test("configured T1/T2 and fr_timer replace the RFC values")
    func configuredTimers() {
        var timers = TransactionTimerValues(t1: 100, t2: 400)
        timers.inviteTimeout = 1500
        var d = inviteClientDriver(timers: timers)
        d.send(.start)
        d.run(until: 3000)
        #expect(d.sendTimes == [0, 100, 300, 700, 1100])
        #expect(d.times { $0 == .timeout } == [1500])
    }

    @Test("1xx stops retransmissions; fr_inv_timer then limits Proceeding, restarted on each 1xx")
    func proceedingTimeout() {
        var d = inviteClientDriver(proceedingTimeout: 2000)
        d.send(.start)
        d.run(until: 700)
        d.send(.response(code: 100))
        #expect(d.machine.state == .proceeding)
        d.run(until: 1700)
        d.send(.response(code: 180))
        d.run(until: 40_000)
        #expect(d.sendTimes == [0, 500])
        #expect(d.times { $0 == .timeout } == [3700])
        #expect(d.times { $0 == .deliverResponse(code: 180) } == [1700])
        // Timer C semantics: the branch waited on for the 487 of the CANCEL, then gives up.
        #expect(d.times { $0 == .terminated } == [3700 + 32_000])
    }

    @Test("after the Proceeding timeout the final reply (487) is still taken and ACKed")
    func finalAfterProceedingTimeout() {
        var d = inviteClientDriver(proceedingTimeout: 1000)
        d.send(.start)
        d.send(.response(code: 180))
        d.run(until: 1200)
        #expect(d.machine.state == .proceeding && d.machine.proceedingTimedOut)
        d.send(.response(code: 487))
        #expect(d.machine.state == .completed)
        #expect(d.times { $0 == .sendACK } == [1200])
        #expect(d.times { $0 == .timeout } == [1000])
    }

    @Test("restart_fr_on_each_reply = 0: only a first or higher provisional restarts fr_inv")
    func noRestartOnRepeatedProvisional() {
        var d = inviteClientDriver(proceedingTimeout: 2000, restart: false)
        d.send(.start)
        d.send(.response(code: 180))
        d.run(until: 1500)
        d.send(.response(code: 180))
        d.run(until: 10_000)
        #expect(d.times { $0 == .timeout } == [2000])
    }

    @Test("2xx: Accepted, every further 2xx delivered, ended by Timer M")
    func acceptedState() {
        var d = inviteClientDriver()
        d.send(.start)
        d.send(.response(code: 200))
        #expect(d.machine.state == .accepted)
        d.run(until: 1000)
        d.send(.response(code: 200))
        d.send(.response(code: 486))
        #expect(d.times { $0 == .deliverResponse(code: 200) } == [0, 1000])
        #expect(d.times { $0 == .deliverResponse(code: 486) }.isEmpty)
        d.run(until: 40_000)
        #expect(d.sendTimes == [0])
        #expect(d.times { $0 == .terminated } == [32_000])
    }

    @Test("non-2xx final: ACK, retransmitted finals ACKed again but not delivered, Timer D ends it")
    func completedState() {
        var d = inviteClientDriver()
        d.send(.start)
        d.send(.response(code: 486))
        #expect(d.machine.state == .completed)
        d.run(until: 300)
        d.send(.response(code: 486))
        #expect(d.times { $0 == .sendACK } == [0, 300])
        #expect(d.times { $0 == .deliverResponse(code: 486) } == [0])
        d.run(until: 40_000)
        #expect(d.sendTimes == [0])
        #expect(d.times { $0 == .terminated } == [32_000])
    }

    @Test("reliable non-2xx final terminates at once")
    func reliableCompleted() {
        var d = inviteClientDriver(reliable: true)
        d.send(.start)
        d.send(.response(code: 404))
        #expect(d.machine.state == .terminated)
        #expect(d.log.map(\.action).contains(.sendACK))
    }

    @Test("transport error terminates with the error")
    func transportError() {
        var d = inviteClientDriver()
        d.send(.start)
        d.send(.transportError)
        #expect(d.machine.state == .terminated)
        #expect(d.log.map(\.action).suffix(2) == [.transportError, .terminated])
        d.run(until: 40_000)
        #expect(d.sendTimes == [0])
    }

    @Test("stop: no more retransmissions, replies still delivered, Timer B still times out")
    func stopped() {
        var d = inviteClientDriver()
        d.send(.start)
        d.send(.stop)
        d.run(until: 1000)
        d.send(.response(code: 180))
        d.send(.response(code: 487))
        #expect(d.machine.state == .completed)
        #expect(d.sendTimes == [0])
        var silent = inviteClientDriver()
        silent.send(.start)
        silent.send(.stop)
        silent.run(until: 40_000)
        #expect(silent.sendTimes == [0])
        #expect(silent.times { $0 == .timeout } == [32_000])
    }
}

@Suite("non-INVITE client transaction (RFC 3261 §17.1.2)")
struct NonInviteClientTransactionTests {
    @Test("Timer E doubles to T2, Timer F times out at 64·T1")
    func retransmissions() {
        var d = nonInviteClientDriver()
        d.send(.start)
        d.run(until: 40_000)
        #expect(d.sendTimes == [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500])
        #expect(d.times { $0 == .timeout } == [32_000])
    }

    @Test("in Proceeding the request is retransmitted every T2")
    func proceedingRetransmitsAtT2() {
        var d = nonInviteClientDriver()
        d.send(.start)
        d.run(until: 600)
        d.send(.response(code: 100))
        #expect(d.machine.state == .proceeding)
        d.run(until: 13_000)
        #expect(d.sendTimes == [0, 500, 4600, 8600, 12600])
    }

    @Test("final reply: delivered once, retransmissions absorbed, Timer K = T4")
    func completed() {
        var d = nonInviteClientDriver()
        d.send(.start)
        d.send(.response(code: 200))
        d.send(.response(code: 200))
        #expect(d.times { $0 == .deliverResponse(code: 200) } == [0])
        d.run(until: 10_000)
        #expect(d.times { $0 == .terminated } == [5000])
        #expect(d.sendTimes == [0])
    }

    @Test("reliable: one send, final terminates at once")
    func reliable() {
        var d = nonInviteClientDriver(reliable: true)
        d.send(.start)
        d.send(.response(code: 404))
        #expect(d.machine.state == .terminated)
        #expect(d.sendTimes == [0])
    }
}
