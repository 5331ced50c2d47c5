#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SIPCore
import SIPTransport

/// A transaction's lock, and the sends decided while it is held. The machines run under the
/// lock, but what they send (the relayed request, a reply upstream, an ACK) goes out when the
/// outermost hold ends: a reply for the transaction arriving on another worker meanwhile
/// waits for the decision only, not for a send system call. Kamailio's tm also sends after
/// releasing its reply lock. The sends of one hold keep their order.
final class TMTransactionLock: @unchecked Sendable {
    /// Something to send once the lock is released.
    enum Outgoing {
        /// Upstream, on the transaction's reply channel.
        case reply([UInt8])
        /// Close the reply channel (after the replies queued before it).
        case closeReply
        /// Downstream: a branch's request, retransmission, ACK or CANCEL.
        case request([UInt8], to: SendTarget, from: ListenAddress?)
    }

    // A recursive pthread mutex of its own (failure_route may t_relay or t_reply on the
    // transaction it runs for): one allocation per transaction, the attributes made once.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private static let recursive: UnsafeMutablePointer<pthread_mutexattr_t> = {
        let attributes = UnsafeMutablePointer<pthread_mutexattr_t>.allocate(capacity: 1)
        pthread_mutexattr_init(attributes)
        pthread_mutexattr_settype(attributes, Int32(PTHREAD_MUTEX_RECURSIVE))
        return attributes
    }()
    // The engine outlives its transactions; unowned(unsafe): no reference counting on an
    // object every worker shares.
    private unowned(unsafe) let core: TMCore
    private let replyChannel: ReplyChannel
    /// Holds by the owning thread (the lock is recursive); only the holder touches it.
    @exclusivity(unchecked) private var depth = 0
    // One hold sends one or two messages (100 Trying and the INVITE); room for them inline
    // spares an array per hold.
    @exclusivity(unchecked) private var first: Outgoing?
    @exclusivity(unchecked) private var second: Outgoing?
    @exclusivity(unchecked) private var more: [Outgoing] = []

    init(core: TMCore, replyChannel: ReplyChannel) {
        self.core = core
        self.replyChannel = replyChannel
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, Self.recursive)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    @inline(__always)
    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        acquire()
        depth += 1
        defer { release() }
        return try body()
    }

    /// glibc has no adaptive recursive mutex: try a few times before sleeping, since the
    /// usual contender (a reply arriving on another worker) waits for a decision only.
    @inline(__always)
    private func acquire() {
        for _ in 0 ..< 100 where pthread_mutex_trylock(mutex) == 0 { return }
        pthread_mutex_lock(mutex)
    }

    /// Queues `item` while the calling thread holds the lock (the machines run only under it),
    /// sends it now otherwise.
    func send(_ item: Outgoing) {
        guard depth > 0 else {
            deliver(item)
            return
        }
        if first == nil {
            first = item
        } else if second == nil {
            second = item
        } else {
            more.append(item)
        }
    }

    private func release() {
        depth -= 1
        guard depth == 0, first != nil else {
            pthread_mutex_unlock(mutex)
            return
        }
        // Moved out, not copied: the queued bytes are handed over without a retain.
        var a: Outgoing?
        var b: Outgoing?
        var rest: [Outgoing] = []
        swap(&a, &first)
        swap(&b, &second)
        if !more.isEmpty { swap(&rest, &more) }
        pthread_mutex_unlock(mutex)
        if let a { deliver(a) }
        if let b { deliver(b) }
        for item in rest { deliver(item) }
    }

    private func deliver(_ item: Outgoing) {
        switch item {
        case .reply(let bytes):
            replyChannel.send(bytes)
        case .closeReply:
            replyChannel.close()
        case .request(let bytes, let target, let local):
            if !core.services.sendPath.send(bytes, to: target, from: local) {
                core.logger.debug("tm: sending to \(target) failed")
            }
        }
    }
}
