import Testing
@testable import SIPTransaction

private let trying: [UInt8] = Array("SIP/2.0 100 Trying\r\n\r\n".utf8)
private let busy: [UInt8] = Array("SIP/2.0 486 Busy\r\n\r\n".utf8)
private let ok: [UInt8] = Array("SIP/2.0 200 OK\r\n\r\n".utf8)

func inviteServerDriver(reliable: Bool = false) -> MachineDriver<InviteServerTransaction, InviteServerTransaction.Event> {
    MachineDriver(InviteServerTransaction(reliable: reliable, timers: TransactionTimerValues()),
                  feed: { $0.handle($1) }, timerEvent: { .timer($0) })
}

func nonInviteServerDriver(reliable: Bool = false) -> MachineDriver<NonInviteServerTransaction, NonInviteServerTransaction.Event> {
    MachineDriver(NonInviteServerTransaction(reliable: reliable, timers: TransactionTimerValues()),
                  feed: { $0.handle($1) }, timerEvent: { .timer($0) })
}

@Suite("INVITE server transaction (RFC 3261 §17.2.1, RFC 6026)")
struct InviteServerTransactionTests {
    @Test("a retransmitted INVITE gets the last provisional again; none before one was sent")
    func retransmissionInProceeding() {
        var d = inviteServerDriver()
        d.send(.retransmission)
        #expect(d.log.isEmpty)
        d.send(.sendResponse(code: 100, bytes: trying))
        d.send(.retransmission)
        #expect(d.log.map(\.action) == [.send(trying), .send(trying)])
    }

    @Test("non-2xx final retransmitted by Timer G (T1 doubling to T2) until Timer H")
    func finalRetransmission() {
        var d = inviteServerDriver()
        d.send(.sendResponse(code: 486, bytes: busy))
        d.run(until: 40_000)
        #expect(d.sendTimes == [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500])
        #expect(d.times { $0 == .ackTimeout } == [32_000])
        #expect(d.machine.state == .terminated)
    }

    @Test("ACK stops retransmission; Confirmed absorbs ACKs for T4")
    func ackConfirms() {
        var d = inviteServerDriver()
        d.send(.sendResponse(code: 486, bytes: busy))
        d.run(until: 1000)
        d.send(.ack)
        #expect(d.machine.state == .confirmed)
        d.send(.ack)
        d.send(.retransmission)
        d.run(until: 40_000)
        #expect(d.sendTimes == [0, 500])
        #expect(d.times { $0 == .terminated } == [6000])
    }

    @Test("a retransmitted INVITE in Completed gets the final reply again")
    func retransmissionInCompleted() {
        var d = inviteServerDriver()
        d.send(.sendResponse(code: 486, bytes: busy))
        d.run(until: 200)
        d.send(.retransmission)
        #expect(d.sendTimes == [0, 200])
    }

    @Test("relayed 2xx: Accepted, a retransmitted INVITE gets the 2xx again (as Kamailio), further 2xx sent, no retransmission, Timer L ends it")
    func accepted() {
        var d = inviteServerDriver()
        d.send(.sendResponse(code: 200, bytes: ok))
        #expect(d.machine.state == .accepted)
        d.run(until: 700)
        d.send(.retransmission)
        d.send(.sendResponse(code: 200, bytes: ok))
        d.run(until: 40_000)
        #expect(d.sendTimes == [0, 700, 700])
        #expect(d.times { $0 == .terminated } == [32_000])
        #expect(!d.machine.sentLocalSuccess)
    }

    @Test("local 2xx: retransmitted T1 doubling to T2 until the ACK, then Accepted lingers for Timer L")
    func localSuccessUntilACK() {
        var d = inviteServerDriver()
        d.send(.sendLocal(code: 200, bytes: ok))
        #expect(d.machine.state == .accepted)
        #expect(d.machine.sentLocalSuccess)
        d.run(until: 12_000)
        #expect(d.sendTimes == [0, 500, 1500, 3500, 7500, 11500])
        d.send(.ack)
        d.send(.ack)
        d.run(until: 60_000)
        #expect(d.sendTimes == [0, 500, 1500, 3500, 7500, 11500])
        #expect(d.times { $0 == .ackTimeout }.isEmpty)
        #expect(d.times { $0 == .terminated } == [12_000 + 32_000])
    }

    @Test("local 2xx never acknowledged: retransmissions stop at Timer H (64·T1), then Timer L")
    func localSuccessWithoutACK() {
        var d = inviteServerDriver()
        d.send(.sendLocal(code: 200, bytes: ok))
        d.run(until: 70_000)
        #expect(d.sendTimes == [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500])
        #expect(d.times { $0 == .ackTimeout } == [32_000])
        #expect(d.times { $0 == .terminated } == [64_000])
    }

    @Test("local 2xx over a reliable transport is sent once; local non-2xx behaves as a relayed one")
    func localReliableAndNegative() {
        var r = inviteServerDriver(reliable: true)
        r.send(.sendLocal(code: 200, bytes: ok))
        r.run(until: 10_000)
        #expect(r.sendTimes == [0])
        r.send(.ack)
        r.run(until: 50_000)
        #expect(r.times { $0 == .terminated } == [10_000 + 32_000])
        var n = inviteServerDriver()
        n.send(.sendLocal(code: 486, bytes: busy))
        #expect(n.machine.state == .completed)
        #expect(!n.machine.sentLocalSuccess)
    }

    @Test("a 2xx after a negative final still goes out, and the negative one stops repeating")
    func successAfterNegativeFinal() {
        var d = inviteServerDriver()
        d.send(.sendResponse(code: 408, bytes: busy))
        d.run(until: 1000)
        d.send(.sendResponse(code: 200, bytes: ok))
        d.run(until: 5000)
        #expect(d.log.compactMap { if case .send(let b) = $0.action { return b } else { return nil } }
            == [busy, busy, ok])
        #expect(d.sendTimes == [0, 500, 1000])
        var c = inviteServerDriver()
        c.send(.sendResponse(code: 486, bytes: busy))
        c.send(.ack)
        #expect(c.machine.state == .confirmed)
        c.send(.sendResponse(code: 200, bytes: ok))
        #expect(c.sendTimes == [0, 0])
    }

    @Test("reliable: no Timer G, ACK terminates at once")
    func reliable() {
        var d = inviteServerDriver(reliable: true)
        d.send(.sendResponse(code: 486, bytes: busy))
        d.run(until: 10_000)
        #expect(d.sendTimes == [0])
        d.send(.ack)
        #expect(d.machine.state == .terminated)
    }
}

@Suite("non-INVITE server transaction (RFC 3261 §17.2.2)")
struct NonInviteServerTransactionTests {
    @Test("Trying absorbs retransmissions; Completed resends the final; Timer J = 64·T1")
    func lifecycle() {
        var d = nonInviteServerDriver()
        d.send(.retransmission)
        #expect(d.log.isEmpty)
        d.send(.sendResponse(code: 200, bytes: ok))
        d.run(until: 100)
        d.send(.retransmission)
        d.run(until: 40_000)
        #expect(d.sendTimes == [0, 100])
        #expect(d.times { $0 == .terminated } == [32_000])
    }

    @Test("a linger time (Kamailio's wt_timer) replaces 64·T1 for Timers J, L and M")
    func lingerTime() {
        var timers = TransactionTimerValues()
        timers.lingerTime = 5000
        var d = MachineDriver(NonInviteServerTransaction(reliable: false, timers: timers),
                              feed: { $0.handle($1) }, timerEvent: { .timer($0) })
        d.send(.sendResponse(code: 200, bytes: ok))
        d.run(until: 10_000)
        #expect(d.times { $0 == .terminated } == [5000])
        var i = MachineDriver(InviteServerTransaction(reliable: false, timers: timers),
                              feed: { $0.handle($1) }, timerEvent: { .timer($0) })
        i.send(.sendResponse(code: 200, bytes: ok))
        i.run(until: 10_000)
        #expect(i.times { $0 == .terminated } == [5000])
    }

    @Test("a provisional moves to Proceeding and is what a retransmission gets")
    func proceeding() {
        var d = nonInviteServerDriver()
        d.send(.sendResponse(code: 100, bytes: trying))
        d.send(.retransmission)
        #expect(d.machine.state == .proceeding)
        #expect(d.log.map(\.action) == [.send(trying), .send(trying)])
    }

    @Test("reliable: final terminates at once")
    func reliable() {
        var d = nonInviteServerDriver(reliable: true)
        d.send(.sendResponse(code: 404, bytes: busy))
        #expect(d.machine.state == .terminated)
    }
}
