import SIPCore

/// The rest of Kamailio's `core` statistics group (kex/core_stats.c), beside the counters the
/// router keeps in CoreStatistics: forwarded requests and replies, bad URIs, unsupported
/// methods, received requests per method and received replies per class, per code and per
/// class and method (`rcv_replies_2xx_invite`; REGISTER is spelt `reg`). Registering them
/// makes `$stat(name)` and the statistics commands know every name from the start.
/// A class: the router reaches it per message, and a struct of nine references would be
/// copied (retained and released) each time.
public final class KamailioCoreStatistics: Sendable {
    public let forwardedRequests: StatCounter
    public let forwardedReplies: StatCounter
    public let badURIs: StatCounter
    public let unsupportedMethods: StatCounter

    // Indexed by the parsed method's slot (`methodSlot`), so counting builds no string and
    // hashes nothing per message. Handles: loading one from a table retains nothing (the
    // registry keeps the counters).
    private let requestsByMethod: [StatCounterHandle?]
    private let replyClasses: [StatCounterHandle]          // 1xx … 6xx
    private let earlyReplies: StatCounter                  // 18x
    private let repliesByCode: [(code: Int, counter: StatCounterHandle)]
    private let repliesByMethodAndClass: [[StatCounterHandle]?]

    static let requestMethods: [(SIPMethod, String)] = [
        (.invite, "invite"), (.cancel, "cancel"), (.ack, "ack"), (.bye, "bye"), (.info, "info"),
        (.register, "register"), (.subscribe, "subscribe"), (.notify, "notify"), (.message, "message"),
        (.options, "options"), (.prack, "prack"), (.update, "update"), (.refer, "refer"), (.publish, "publish"),
    ]
    static let replyCodes = [401, 404, 407, 480, 486]
    /// Methods with per-class reply counters, under the name Kamailio gives them.
    static let replyMethods: [(SIPMethod, String)] = [
        (.invite, "invite"), (.cancel, "cancel"), (.bye, "bye"), (.register, "reg"),
        (.message, "message"), (.prack, "prack"), (.update, "update"), (.refer, "refer"),
    ]

    public init(_ registry: StatisticsRegistry) {
        func counter(_ name: String) -> StatCounter { registry.counter(group: "core", name: name) }
        forwardedRequests = counter("fwd_requests")
        forwardedReplies = counter("fwd_replies")
        badURIs = counter("bad_URIs_rcvd")
        unsupportedMethods = counter("unsupported_methods")
        var byMethod = [StatCounterHandle?](repeating: nil, count: Self.methodSlots)
        for (method, name) in Self.requestMethods {
            byMethod[Self.methodSlot(method)] = counter("rcv_requests_" + name).handle
        }
        requestsByMethod = byMethod
        replyClasses = (1...6).map { counter("rcv_replies_\($0)xx").handle }
        earlyReplies = counter("rcv_replies_18x")
        repliesByCode = Self.replyCodes.map { ($0, counter("rcv_replies_\($0)").handle) }
        var byMethodAndClass = [[StatCounterHandle]?](repeating: nil, count: Self.methodSlots)
        for (method, name) in Self.replyMethods {
            byMethodAndClass[Self.methodSlot(method)] = (1...6).map { counter("rcv_replies_\($0)xx_" + name).handle }
        }
        repliesByMethodAndClass = byMethodAndClass
    }

    private static let methodSlots = 15

    @inline(__always)
    private static func methodSlot(_ method: SIPMethod) -> Int {
        switch method {
        case .invite: return 0
        case .ack: return 1
        case .bye: return 2
        case .cancel: return 3
        case .register: return 4
        case .options: return 5
        case .info: return 6
        case .prack: return 7
        case .subscribe: return 8
        case .notify: return 9
        case .refer: return 10
        case .message: return 11
        case .update: return 12
        case .publish: return 13
        case .other: return 14
        }
    }

    /// A received request, counted under its method (an extension method Kamailio does not
    /// know counts as unsupported). rcv_requests itself is the router's.
    @inline(__always)
    public func countReceivedRequest(_ message: SIPMessage) {
        if let counter = requestsByMethod[Self.methodSlot(message.method)] {
            counter.increment()
        } else if message.kind == .request, !Self.isKnownExtension(message) {
            unsupportedMethods.increment()
        }
    }

    /// A received reply, counted by class, by code and by class and CSeq method.
    @inline(__always)
    public func countReceivedReply(_ message: SIPMessage) {
        let code = message.statusCode
        let index = code / 100 - 1
        guard replyClasses.indices.contains(index) else { return }
        replyClasses[index].increment()
        if (180...189).contains(code) { earlyReplies.increment() }
        for entry in repliesByCode where entry.code == code { entry.counter.increment() }
        repliesByMethodAndClass[Self.methodSlot(message.method)]?[index].increment()
    }

    /// KDMQ has a method id of its own in Kamailio, so it is not "unsupported".
    private static func isKnownExtension(_ message: SIPMessage) -> Bool {
        message.methodIs(raw: "KDMQ")
    }
}
