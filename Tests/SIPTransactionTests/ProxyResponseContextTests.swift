import Testing
@testable import SIPTransaction

@Suite("proxy response context (RFC 3261 §16.7)")
struct ProxyResponseContextTests {
    func context(branches: Int, invite: Bool = true) -> ProxyResponseContext {
        var c = ProxyResponseContext(isInvite: invite)
        for _ in 0 ..< branches { _ = c.addBranch() }
        return c
    }

    @Test("100 is dropped, other 1xx go upstream until a final did")
    func provisionals() {
        var c = context(branches: 2)
        do { let d = c.receive(code: 100, on: 0); #expect(d == .drop) }
        do { let d = c.receive(code: 180, on: 0); #expect(d == .forward) }
        do { let d = c.receive(code: 183, on: 1); #expect(d == .forward) }
        #expect(c.relayedProvisional)
        do { let d = c.receive(code: 200, on: 1); #expect(d == .forwardAndCancel([0])) }
        do { let d = c.receive(code: 180, on: 0); #expect(d == .drop) }
    }

    @Test("2xx goes at once and cancels pending branches; later 2xx of an INVITE still go")
    func twoHundreds() {
        var c = context(branches: 3)
        do { let d = c.receive(code: 486, on: 0); #expect(d == .store(cancel: [])) }
        do { let d = c.receive(code: 200, on: 1); #expect(d == .forwardAndCancel([2])) }
        #expect(c.branches[2].cancelled)
        do { let d = c.receive(code: 200, on: 2); #expect(d == .forward) }
        do { let d = c.receive(code: 487, on: 2); #expect(d == .drop) }
        #expect(c.upstreamFinal == 200)
    }

    @Test("non-INVITE: the first 2xx goes, nothing after it")
    func nonInvite2xx() {
        var c = context(branches: 2, invite: false)
        do { let d = c.receive(code: 200, on: 0); #expect(d == .forward) }
        do { let d = c.receive(code: 200, on: 1); #expect(d == .drop) }
    }

    @Test("all negative: completed with the best (lowest class, 6xx first)", arguments: [
        ([486, 503], 486), ([503, 404], 404), ([302, 404], 302), ([500, 603, 404], 603),
        ([404, 407, 480], 407), ([415, 480], 415), ([408, 503], 408),
    ])
    func bestReply(codes: [Int], best: Int) {
        var c = context(branches: codes.count, invite: false)
        var last: ProxyResponseContext.Decision = .drop
        for (i, code) in codes.enumerated() { last = c.receive(code: code, on: i) }
        guard case .completed(let branch, let code) = last else {
            Issue.record("not completed: \(last)")
            return
        }
        #expect(code == best)
        #expect(codes[branch] == best)
    }

    @Test("6xx to an INVITE cancels the others and wins once they answer")
    func sixHundred() {
        var c = context(branches: 3)
        do { let d = c.receive(code: 600, on: 1); #expect(d == .store(cancel: [0, 2])) }
        do { let d = c.receive(code: 487, on: 0); #expect(d == .store(cancel: [])) }
        do { let d = c.receive(code: 487, on: 2); #expect(d == .completed(branch: 1, code: 600)) }
    }

    @Test("disable_6xx_block: a 6xx does not cancel")
    func sixHundredUnblocked() {
        var c = context(branches: 2)
        c.disable6xxBlock = true
        do { let d = c.receive(code: 603, on: 0); #expect(d == .store(cancel: [])) }
    }

    @Test("timeouts count as 408, branch knows it timed out and whether it was replied")
    func timeouts() {
        var c = context(branches: 2)
        do { let d = c.receive(code: 180, on: 0); #expect(d == .forward) }
        do { let d = c.receive(code: 408, on: 0, timeout: true); #expect(d == .store(cancel: [])) }
        do { let d = c.receive(code: 408, on: 1, timeout: true); #expect(d == .completed(branch: 0, code: 408)) }
        #expect(c.branches[0].timedOut && c.branches[0].replied)
        #expect(c.branches[1].timedOut && !c.branches[1].replied)
    }

    @Test("serial forking: a branch added after completion is waited for; dropped replies are no candidates")
    func serialForking() {
        var c = context(branches: 1)
        do { let d = c.receive(code: 486, on: 0); #expect(d == .completed(branch: 0, code: 486)) }
        let second = c.addBranch()
        #expect(c.hasPendingBranches)
        c.dropFinalReplies()
        do { let d = c.receive(code: 503, on: second); #expect(d == .completed(branch: 1, code: 503)) }
        #expect(ProxyResponseContext.upstreamCode(for: 503) == 500)
    }

    @Test("challenges from every 401/407 branch are aggregated")
    func challenges() {
        var c = context(branches: 3, invite: false)
        _ = c.receive(code: 401, on: 0)
        _ = c.receive(code: 404, on: 1)
        _ = c.receive(code: 407, on: 2)
        #expect(c.challengeBranches() == [0, 2])
    }

    @Test("after a local final reply negative replies are dropped")
    func afterLocalReply() {
        var c = context(branches: 1)
        c.noteUpstreamFinal(500)
        do { let d = c.receive(code: 486, on: 0); #expect(d == .drop) }
        do { let d = c.receive(code: 180, on: 0); #expect(d == .drop) }
    }
}
