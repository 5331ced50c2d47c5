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

    // Keyed by the parsed method, so counting builds no string per message.
    private let requestsByMethod: [SIPMethod: StatCounter]
    private let replyClasses: [StatCounter]          // 1xx … 6xx
    private let earlyReplies: StatCounter            // 18x
    private let repliesByCode: [Int: StatCounter]
    private let repliesByMethodAndClass: [SIPMethod: [StatCounter]]

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
        var byMethod: [SIPMethod: StatCounter] = [:]
        for (method, name) in Self.requestMethods { byMethod[method] = counter("rcv_requests_" + name) }
        requestsByMethod = byMethod
        replyClasses = (1...6).map { counter("rcv_replies_\($0)xx") }
        earlyReplies = counter("rcv_replies_18x")
        var byCode: [Int: StatCounter] = [:]
        for code in Self.replyCodes { byCode[code] = counter("rcv_replies_\(code)") }
        repliesByCode = byCode
        var byMethodAndClass: [SIPMethod: [StatCounter]] = [:]
        for (method, name) in Self.replyMethods {
            byMethodAndClass[method] = (1...6).map { counter("rcv_replies_\($0)xx_" + name) }
        }
        repliesByMethodAndClass = byMethodAndClass
    }

    /// A received request, counted under its method (an extension method Kamailio does not
    /// know counts as unsupported). rcv_requests itself is the router's.
    public func countReceivedRequest(_ message: SIPMessage) {
        if let counter = requestsByMethod[message.method] {
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
        repliesByMethodAndClass[message.method]?[index].increment()
    }

    /// KDMQ has a method id of its own in Kamailio, so it is not "unsupported".
    private static func isKnownExtension(_ message: SIPMessage) -> Bool {
        message.methodIs(raw: "KDMQ")
    }
}
