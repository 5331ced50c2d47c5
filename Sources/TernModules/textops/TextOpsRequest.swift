// textops functions about the request as a whole: is_method, is_privacy, append_to_reply,
// append_time (Date for local replies) and append_time_to_request.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SIPCore
import TernScript

enum TextOpsRequest {
    static var functions: [FunctionDeclaration] {
        [
            FunctionDeclaration(name: "is_method", argumentCounts: 1...1, routeTypes: .any, argumentKinds: [.literal]) { args, _ throws(Diagnostic) in
                guard let text = args[0].literalText else {
                    throw .error("is_method: the method list must be a constant string", at: args[0].location)
                }
                let test: MethodTest
                do throws(MethodTest.BadList) {
                    test = try MethodTest(text)
                } catch {
                    throw .error("is_method: \(error.message)", at: args[0].location)
                }
                return { ctx in test.matches(ctx.message) ? 1 : -1 }
            },
            FunctionDeclaration(name: "is_privacy", argumentCounts: 1...1, routeTypes: .any, argumentKinds: [.literal]) { args, _ throws(Diagnostic) in
                guard let text = args[0].literalText, let wanted = PrivacyValues.single(Array(text.utf8)) else {
                    throw .error("is_privacy: '\(args[0].literalText ?? "")' is not a privacy value (header, session, user, none, critical, id, history)",
                                 at: args[0].location)
                }
                return { ctx in
                    guard let values = PrivacyValues.of(ctx.message) else { return -1 }
                    return values & wanted != 0 ? 1 : -1
                }
            },
            FunctionDeclaration(name: "append_to_reply", argumentCounts: 1...1, routeTypes: TextOpsRoutes.requestFailureBranch) { args, _ throws(Diagnostic) in
                let text = try args[0].formatString()
                return { ctx in
                    ctx.replyHeaders += Array(text.evaluate(ctx).utf8)
                    return 1
                }
            },
            FunctionDeclaration(name: "append_time", argumentCounts: 0...0, routeTypes: TextOpsRoutes.requestFailureBranch) { _, _ throws(Diagnostic) in
                { ctx in
                    ctx.replyHeaders += dateHeader(time(nil))
                    return 1
                }
            },
            FunctionDeclaration(name: "append_time_to_request", argumentCounts: 0...0, routeTypes: .any) { _, _ throws(Diagnostic) in
                { ctx in
                    // After the first header line.
                    guard !ctx.message.headers.isEmpty else { return -1 }
                    ctx.edits.insert(dateHeader(time(nil)), at: ctx.message.headerLineRange(0).upperBound)
                    return 1
                }
            },
        ]
    }

    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Date: Tue, 15 Nov 1994 08:12:31 GMT` + CRLF (RFC 3261 §20.17), in English whatever the locale.
    static func dateHeader(_ now: time_t) -> [UInt8] {
        var t = now
        var parts = tm()
        guard gmtime_r(&t, &parts) != nil else { return [] }
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let day = days[Int(parts.tm_wday) % 7]
        let month = months[Int(parts.tm_mon) % 12]
        let text = "Date: \(day), \(two(parts.tm_mday)) \(month) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT\r\n"
        return Array(text.utf8)
    }
}

/// is_method's argument: one method, or several separated by `|` (all of them methods Kamailio
/// knows). Known names are compared with the message's method as written (methods are
/// case-sensitive on the wire); an extension method given alone matches case-insensitively.
struct MethodTest: Sendable {
    struct BadList: Error {
        var message: String
    }

    static let knownMethods = [
        "INVITE", "CANCEL", "ACK", "BYE", "INFO", "REGISTER", "SUBSCRIBE", "NOTIFY", "MESSAGE", "OPTIONS",
        "PRACK", "UPDATE", "REFER", "PUBLISH", "KDMQ", "GET", "POST", "PUT", "DELETE",
    ]

    let known: [[UInt8]]
    let other: [UInt8]?

    init(_ text: String) throws(BadList) {
        let names = text.split(whereSeparator: { $0 == "|" || $0 == "," }).map { $0.trimmingCharacters(in: " \t") }
        guard !names.isEmpty, !names.contains(where: \.isEmpty) else { throw BadList(message: "empty method name") }
        var known: [[UInt8]] = []
        var unknown: [String] = []
        for name in names {
            if let m = MethodTest.knownMethods.first(where: { $0 == name.uppercased() }) {
                known.append(Array(m.utf8))
            } else {
                unknown.append(name)
            }
        }
        if names.count > 1 || text.contains("|") {
            guard unknown.isEmpty else {
                throw BadList(message: "unknown method '\(unknown[0])' in a list (only methods Kamailio knows may be listed)")
            }
            other = nil
        } else {
            other = unknown.first.map { Array($0.utf8) }
        }
        self.known = known
    }

    /// For replies the CSeq method is tested.
    func matches(_ message: SIPMessage) -> Bool {
        let method = message.bytes[message.methodRange]
        if let other {
            guard !MethodTest.knownMethods.contains(where: { method.elementsEqual($0.utf8) }) else { return false }
            return method.count == other.count && zip(method, other).allSatisfy { asciiLower($0) == asciiLower($1) }
        }
        return known.contains { method.elementsEqual($0) }
    }
}

/// Privacy header values (RFC 3323) as bits, read from the first Privacy header.
enum PrivacyValues {
    private static let names: [(String, UInt32)] = [
        ("critical", 1 << 0), ("header", 1 << 1), ("history", 1 << 2), ("id", 1 << 3), ("none", 1 << 4),
        ("session", 1 << 5), ("user", 1 << 6),
    ]
    private static let none: UInt32 = 1 << 4

    /// The bit of one value written alone (the config argument).
    static func single(_ text: [UInt8]) -> UInt32? {
        let lower = text.map(asciiLower)
        return names.first { lower.elementsEqual($0.0.utf8) }?.1
    }

    /// The values of the first Privacy header, separated by `;`; nil when there is none or it
    /// is malformed (`none` may not be combined with others).
    static func of(_ message: SIPMessage) -> UInt32? {
        guard let field = message.firstHeader(.privacy) else { return nil }
        var values: UInt32 = 0
        let parts = message.bytes[field.valueRange].split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: false)
        for part in parts {
            var p = part
            while let f = p.first, f == 32 || f == 9 || f == 13 || f == 10 { p = p.dropFirst() }
            while let l = p.last, l == 32 || l == 9 || l == 13 || l == 10 { p = p.dropLast() }
            guard let bit = single(Array(p)) else { return nil }
            values |= bit
        }
        if values & none != 0 && values != none { return nil }
        return values
    }
}
