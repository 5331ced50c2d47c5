/// The response context of a forking proxy (RFC 3261 §16.7, with Kamailio tm's choices): the
/// branches of one server transaction, what each has answered, and for every received reply
/// whether it goes upstream now, is kept as a candidate, or is dropped.
///
/// - 2xx go upstream at once (every 2xx of an INVITE, RFC 6026); 1xx other than 100 go
///   upstream while no final reply has been sent.
/// - Final negative replies are kept; when every branch is final the best one is chosen:
///   6xx first, then the lowest class (3xx, 4xx, 5xx), within 4xx 401/407/415/420/484
///   preferred; a branch that timed out counts as 408.
/// - A 6xx to an INVITE cancels the other branches (unless disabled).
/// - When every branch is done the owner runs failure_route, which may add branches (serial
///   forking: the context is waiting again), or sends the chosen reply upstream (503 → 500).
public struct ProxyResponseContext: Sendable {
    public struct Branch: Sendable, Equatable {
        /// Last status code received on the branch (0: none yet).
        public var lastCode = 0
        /// Final status code (received, or 408 for a timeout); nil while pending.
        public var finalCode: Int?
        public var timedOut = false
        /// A reply (any) arrived on the branch.
        public var replied = false
        /// CANCEL was sent (or is to be sent) on the branch.
        public var cancelled = false
        /// The final reply was dropped by `t_drop_replies` and is no candidate.
        public var dropped = false

        public var isPending: Bool { finalCode == nil }
    }

    /// What to do with one received (or faked) reply.
    public enum Decision: Sendable, Equatable {
        /// Relay this reply upstream now.
        case forward
        /// Relay this reply upstream now, and cancel these still-pending branches.
        case forwardAndCancel([Int])
        /// Keep it; other branches are still pending (cancel these, if any: after a 6xx).
        case store(cancel: [Int])
        /// Drop it (100 Trying, a late reply after a final went upstream).
        case drop
        /// Every branch has a final reply and none went upstream: the best is `branch` with
        /// `code` (run failure_route, else relay it).
        case completed(branch: Int, code: Int)
    }

    public let isInvite: Bool
    public private(set) var branches: [Branch] = []
    /// The final code sent upstream (relayed or local); nil while none.
    public private(set) var upstreamFinal: Int?
    /// A provisional reply >100 was relayed.
    public private(set) var relayedProvisional = false
    /// disable_6xx_block: a 6xx is treated as any other negative reply.
    public var disable6xxBlock = false

    public init(isInvite: Bool) {
        self.isInvite = isInvite
    }

    public var hasPendingBranches: Bool { branches.contains { $0.isPending } }

    public var pendingBranches: [Int] { branches.indices.filter { branches[$0].isPending } }

    /// Adds a branch (also from failure_route: serial forking) and returns its index.
    public mutating func addBranch() -> Int {
        branches.append(Branch())
        return branches.count - 1
    }

    /// The whole transaction was answered locally or upstream (t_reply): later negative
    /// replies are dropped, later 2xx still go through.
    public mutating func noteUpstreamFinal(_ code: Int) {
        if upstreamFinal == nil || (200 ..< 300).contains(code) { upstreamFinal = code }
    }

    public mutating func markCancelled(_ branch: Int) {
        guard branches.indices.contains(branch) else { return }
        branches[branch].cancelled = true
    }

    /// t_drop_replies: the final replies received so far are no candidates any more.
    public mutating func dropFinalReplies(lastOnly: Bool = false) {
        if lastOnly {
            if let i = branches.indices.last(where: { branches[$0].finalCode != nil }) { branches[i].dropped = true }
        } else {
            for i in branches.indices where branches[i].finalCode != nil { branches[i].dropped = true }
        }
    }

    /// A reply received on `branch` (or a faked one: `timeout` marks a Timer B/F expiry, code 408).
    public mutating func receive(code: Int, on branch: Int, timeout: Bool = false) -> Decision {
        guard branches.indices.contains(branch) else { return .drop }
        branches[branch].lastCode = code
        if !timeout { branches[branch].replied = true }
        if code < 200 {
            guard branches[branch].isPending, upstreamFinal == nil, code > 100 else { return .drop }
            relayedProvisional = true
            return .forward
        }
        let wasPending = branches[branch].isPending
        if wasPending {
            branches[branch].finalCode = code
            branches[branch].timedOut = timeout
        }
        if code < 300 {
            // Every 2xx goes upstream; the first one cancels the rest (§16.7 step 10).
            guard isInvite || upstreamFinal == nil else { return .drop }
            let first = upstreamFinal.map { !(200 ..< 300).contains($0) } ?? true
            upstreamFinal = code
            let cancel = first && isInvite ? cancelPending() : []
            return cancel.isEmpty ? .forward : .forwardAndCancel(cancel)
        }
        guard wasPending, upstreamFinal == nil else { return .drop }
        var cancel: [Int] = []
        if code >= 600, isInvite, !disable6xxBlock {
            cancel = cancelPending()
        }
        if hasPendingBranches { return .store(cancel: cancel) }
        guard let best = bestFinal() else { return .store(cancel: []) }
        return .completed(branch: best.branch, code: best.code)
    }

    /// The reply the transaction would send upstream now: the best final among the branches
    /// (dropped ones excluded). Nil when there is none.
    public func bestFinal() -> (branch: Int, code: Int)? {
        var best: (branch: Int, code: Int)?
        for (i, b) in branches.enumerated() {
            guard let code = b.finalCode, code >= 300, !b.dropped else { continue }
            if let current = best {
                if Self.priority(code) < Self.priority(current.code) { best = (i, code) }
            } else {
                best = (i, code)
            }
        }
        return best
    }

    /// Branches whose 401/407 challenges go into the chosen 401/407 (aggregate_challenges).
    public func challengeBranches() -> [Int] {
        branches.indices.filter { i in
            let b = branches[i]
            return !b.dropped && (b.finalCode == 401 || b.finalCode == 407)
        }
    }

    /// The code sent upstream for a chosen reply (RFC 3261 §16.7 step 6: a 503 becomes 500).
    public static func upstreamCode(for code: Int) -> Int { code == 503 ? 500 : code }

    /// Lower is better: 6xx, then 3xx, 4xx (preferred ones first), 5xx; a local 408 ranks as
    /// any 4xx.
    static func priority(_ code: Int) -> Int {
        switch code {
        case 600 ..< 700: return code - 600
        case 300 ..< 400: return 1000 + code
        case 401, 407, 415, 420, 484: return 2000 + code
        case 400 ..< 500: return 3000 + code
        case 500 ..< 600: return 4000 + code
        default: return 9000 + code
        }
    }

    /// Marks the pending branches not yet cancelled as cancelled and returns them (the owner
    /// sends their CANCELs).
    private mutating func cancelPending() -> [Int] {
        let cancel = branches.indices.filter { branches[$0].isPending && !branches[$0].cancelled }
        for i in cancel { branches[i].cancelled = true }
        return cancel
    }
}
