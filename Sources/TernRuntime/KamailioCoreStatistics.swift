import SIPCore

/// The rest of Kamailio's `core` statistics group (kex/core_stats.c), beside the counters the
/// router keeps in CoreStatistics: forwarded requests and replies, bad URIs, unsupported
/// methods, received requests per method and received replies per class, per code and per
/// class and method (`rcv_replies_2xx_invite`; REGISTER is spelt `reg`). Registering them
/// makes `$stat(name)` and the statistics commands know every name from the start.
public struct KamailioCoreStatistics: Sendable {
    public let forwardedRequests: StatCounter
    public let forwardedReplies: StatCounter
    public let badURIs: StatCounter
    public let unsupportedMethods: StatCounter

    private let requestsByMethod: [String: StatCounter]
    private let replyClasses: [StatCounter]          // 1xx … 6xx
    private let earlyReplies: StatCounter            // 18x
    private let repliesByCode: [Int: StatCounter]
    private let repliesByMethodAndClass: [String: [StatCounter]]

    static let requestMethods = [
        "invite", "cancel", "ack", "bye", "info", "register", "subscribe", "notify", "message",
        "options", "prack", "update", "refer", "publish",
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
        var byMethod: [String: StatCounter] = [:]
        for m in Self.requestMethods { byMethod[m] = counter("rcv_requests_" + m) }
        requestsByMethod = byMethod
        replyClasses = (1...6).map { counter("rcv_replies_\($0)xx") }
        earlyReplies = counter("rcv_replies_18x")
        var byCode: [Int: StatCounter] = [:]
        for code in Self.replyCodes { byCode[code] = counter("rcv_replies_\(code)") }
        repliesByCode = byCode
        var byMethodAndClass: [String: [StatCounter]] = [:]
        for (_, name) in Self.replyMethods {
            byMethodAndClass[name] = (1...6).map { counter("rcv_replies_\($0)xx_" + name) }
        }
        repliesByMethodAndClass = byMethodAndClass
    }

    /// A received request, counted under its method (an extension method Kamailio does not
    /// know counts as unsupported). rcv_requests itself is the router's.
    public func countReceivedRequest(_ message: SIPMessage) {
        if let name = Self.statisticName(message.method), let counter = requestsByMethod[name] {
            counter.increment()
        } else if message.kind == .request, !Self.isKnownExtension(message) {
            unsupportedMethods.increment()
        }
    }

    /// A received reply, counted by class, by code and by class and CSeq method.
    public func countReceivedReply(_ message: SIPMessage) {
        let code = message.statusCode
        let index = code / 100 - 1
        guard replyClasses.indices.contains(index) else { return }
        replyClasses[index].increment()
        if (180...189).contains(code) { earlyReplies.increment() }
        repliesByCode[code]?.increment()
        if let name = Self.replyMethods.first(where: { $0.0 == message.method })?.1 {
            repliesByMethodAndClass[name]?[index].increment()
        }
    }

    /// The lower-case method name of the counter, without building a string per message.
    private static func statisticName(_ method: SIPMethod) -> String? {
        switch method {
        case .invite: return "invite"
        case .cancel: return "cancel"
        case .ack: return "ack"
        case .bye: return "bye"
        case .info: return "info"
        case .register: return "register"
        case .subscribe: return "subscribe"
        case .notify: return "notify"
        case .message: return "message"
        case .options: return "options"
        case .prack: return "prack"
        case .update: return "update"
        case .refer: return "refer"
        case .publish: return "publish"
        case .other: return nil
        }
    }

    /// KDMQ has a method id of its own in Kamailio, so it is not "unsupported".
    private static func isKnownExtension(_ message: SIPMessage) -> Bool {
        message.methodIs(raw: "KDMQ")
    }
}
