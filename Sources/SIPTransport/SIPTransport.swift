// SIPTransport owns the sockets: UDP listeners whose worker threads block on the shared
// socket and run the routing inline, TCP listeners on SwiftNIO event loops that frame the
// byte stream and hand whole messages to a worker pool, and the send path back to peers.
// It knows nothing of scripts or transactions: every framed message goes to an
// `InboundWorker`, one per worker thread, that the runtime supplies.

import SIPCore

/// One thread's message handler. The transport creates one per worker thread through the
/// factory and calls it only from that thread, so it may keep per-worker state without locks.
public protocol InboundWorker: AnyObject {
    /// Handles one framed message. Returns false when a stream connection must be closed
    /// (garbage that cannot be answered); ignored for datagrams.
    func handle(_ bytes: [UInt8], from receive: ReceiveInfo) -> Bool
}

/// What a worker thread does, for `ps`-style listings.
public enum WorkerRole: Sendable, CustomStringConvertible {
    case udpReceiver(child: Int, socket: String)
    case tcpReceiver(child: Int)

    public var description: String {
        switch self {
        case .udpReceiver(let child, let socket): return "udp receiver child=\(child) sock=\(socket)"
        case .tcpReceiver(let child): return "tcp receiver child=\(child)"
        }
    }
}

public protocol InboundWorkerFactory: Sendable {
    func makeWorker(role: WorkerRole) -> InboundWorker
}
