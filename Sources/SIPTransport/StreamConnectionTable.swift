import NIOConcurrencyHelpers
import NIOCore
import SIPCore

/// The open stream connections by peer and by id, inbound and outbound alike, so a message
/// to a peer reuses whatever connection already leads there (RFC 3261 §18.1.1, §18.2.2) and a
/// reply can find the connection its request came on by the id Tern put in its Via.
final class StreamConnectionTable: @unchecked Sendable {
    enum State {
        /// An outbound connect under way: sends queue behind it.
        case connecting(EventLoopFuture<Channel>)
        case open(Channel)
    }

    struct Entry {
        var id: Int
        var target: SendTarget
        var state: State
    }

    private let lock = NIOLock()
    private var byPeer: [SendTarget: Entry] = [:]
    private var byID: [Int: SendTarget] = [:]
    private var lastID = 0

    /// A fresh connection id (never 0, so a Via `i=` value is never empty).
    func makeID() -> Int {
        lock.withLock {
            lastID = lastID == Int(Int32.max) ? 1 : lastID + 1
            return lastID
        }
    }

    func entry(for target: SendTarget) -> Entry? {
        lock.withLock { byPeer[target] }
    }

    func entry(id: Int) -> Entry? {
        lock.withLock {
            guard let target = byID[id], let entry = byPeer[target], entry.id == id else { return nil }
            return entry
        }
    }

    /// Records a connect under way unless another thread got there first; returns the entry
    /// that now stands for the peer.
    func claimConnecting(_ target: SendTarget, id: Int, future: EventLoopFuture<Channel>) -> Entry {
        lock.withLock {
            if let existing = byPeer[target], Self.isUsable(existing) { return existing }
            let entry = Entry(id: id, target: target, state: .connecting(future))
            if let old = byPeer[target] { byID[old.id] = nil }
            byPeer[target] = entry
            byID[id] = target
            return entry
        }
    }

    /// A connection became active (accepted, or an outbound connect completed). A newer
    /// connection to the same peer takes the peer slot; the old one stays reachable by id.
    func opened(_ channel: Channel, target: SendTarget, id: Int) {
        lock.withLock {
            byPeer[target] = Entry(id: id, target: target, state: .open(channel))
            byID[id] = target
        }
    }

    func closed(id: Int, target: SendTarget) {
        lock.withLock {
            if byID[id] == target { byID[id] = nil }
            if let entry = byPeer[target], entry.id == id { byPeer[target] = nil }
        }
    }

    func forget(_ entry: Entry) {
        closed(id: entry.id, target: entry.target)
    }

    var count: Int { lock.withLock { byPeer.count } }

    private static func isUsable(_ entry: Entry) -> Bool {
        switch entry.state {
        case .connecting: return true
        case .open(let channel): return channel.isActive
        }
    }
}
