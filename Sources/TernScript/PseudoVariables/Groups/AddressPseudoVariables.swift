import SIPCore

/// From and To: URI, user, host, display name (with its quotes), tag, user length. Writing
/// `$fu $fU $fd $fn` (and the To ones) records an edit of the header, applied when the message
/// is sent; reads keep showing the received header, as in Kamailio. A second write to the same
/// part of a header in one message is refused with an error (the edits would overlap).
enum AddressPseudoVariables {
    enum Side: Sendable {
        case from, to

        var header: HeaderName { self == .from ? .from : .to }
        var name: String { self == .from ? "From" : "To" }

        func parsed(_ m: SIPMessage) -> NameAddr? {
            self == .from ? try? m.from() : try? m.to()
        }
    }

    enum Part: Sendable { case uri, user, domain, display }

    static var all: [PseudoVariableDeclaration] {
        var out: [PseudoVariableDeclaration] = []
        for (side, p) in [(Side.from, "f"), (Side.to, "t")] {
            let long = side == .from ? "from" : "to"
            out += CorePseudoVariables.writable(["\(p)u", long], view: { ctx in
                side.parsed(ctx.message).map { .bytes(ctx.message.bytes, $0.uri.whole) } ?? .null
            }, set: { ctx, v in write(ctx, side, .uri, v) })
            out += CorePseudoVariables.writable(["\(p)U", "\(long).user"], view: { ctx in
                side.parsed(ctx.message).map { CorePseudoVariables.nonEmpty(ctx.message.bytes, $0.uri.user) } ?? .null
            }, set: { ctx, v in write(ctx, side, .user, v) })
            out += CorePseudoVariables.writable(["\(p)d", "\(long).domain"], view: { ctx in
                side.parsed(ctx.message).map { CorePseudoVariables.nonEmpty(ctx.message.bytes, $0.uri.host) } ?? .null
            }, set: { ctx, v in write(ctx, side, .domain, v) })
            out += CorePseudoVariables.writable(["\(p)n"], view: { ctx in
                side.parsed(ctx.message).map { CorePseudoVariables.nonEmpty(ctx.message.bytes, $0.displayName) } ?? .null
            }, set: { ctx, v in write(ctx, side, .display, v) })
            out += CorePseudoVariables.viewed(["\(p)t"]) { ctx in
                side.parsed(ctx.message).map { CorePseudoVariables.nonEmpty(ctx.message.bytes, $0.tag) } ?? .null
            }
            out += CorePseudoVariables.computed(["\(p)Ul"]) { ctx in
                side.parsed(ctx.message).map { .int($0.uri.user?.count ?? 0) } ?? .null
            }
        }
        return out
    }

    /// Records the edit for one write, or logs why it cannot be made.
    static func write(_ ctx: ScriptContext, _ side: Side, _ part: Part, _ value: ScriptValue) {
        let m = ctx.message
        guard let na = side.parsed(m) else {
            ctx.worker.logger.error("cannot set a part of the \(side.name) header: the message has no valid \(side.name) header")
            return
        }
        let text: [UInt8]?
        switch value {
        case .null: text = nil
        case .string(let s): text = Array(s.utf8)
        case .int:
            ctx.worker.logger.error("\(side.name) header: a string is needed, not a number")
            return
        }
        var edits: [(Range<Int>, [UInt8])] = []
        switch part {
        case .uri:
            guard let text else {
                ctx.worker.logger.warning("the \(side.name) header URI cannot be deleted")
                return
            }
            edits = [(na.uri.whole, text)]
        case .domain:
            guard let text else {
                ctx.worker.logger.warning("the \(side.name) header URI domain cannot be deleted")
                return
            }
            edits = [(na.uri.host, text)]
        case .user:
            if let user = na.uri.user, !user.isEmpty {
                if let text, !text.isEmpty {
                    edits = [(user, text)]
                } else {
                    // The user and the '@' after it (a password goes with them).
                    var end = na.uri.password?.upperBound ?? user.upperBound
                    if end < m.bytes.count, m.bytes[end] == UInt8(ascii: "@") { end += 1 }
                    edits = [(user.lowerBound..<end, [])]
                }
            } else {
                guard let text, !text.isEmpty else { return }
                edits = [(na.uri.host.lowerBound..<na.uri.host.lowerBound, text + [UInt8(ascii: "@")])]
            }
        case .display:
            if let display = na.displayName, !display.isEmpty {
                if let text, !text.isEmpty {
                    edits = [(display, text)]
                } else {
                    var end = display.upperBound
                    if end < m.bytes.count, m.bytes[end] == UInt8(ascii: " ") { end += 1 }
                    edits = [(display.lowerBound..<end, [])]
                }
            } else {
                guard let text, !text.isEmpty else { return }
                if na.hasAngleBrackets {
                    edits = [(na.whole.lowerBound..<na.whole.lowerBound, text + [UInt8(ascii: " ")])]
                } else {
                    // `From: sip:a@b;tag=1` needs brackets once it has a display name.
                    let u = na.uri.whole
                    edits = [(u.lowerBound..<u.lowerBound, text + Array(" <".utf8)), (u.upperBound..<u.upperBound, [UInt8(ascii: ">")])]
                }
            }
        }
        for (range, _) in edits where !range.isEmpty && ctx.edits.touches(range) {
            ctx.worker.logger.error("the \(side.name) header was already changed in this message; this change is ignored")
            return
        }
        for (range, bytes) in edits {
            if range.isEmpty { ctx.edits.insert(bytes, at: range.lowerBound) } else { ctx.edits.replace(range, with: bytes) }
        }
    }
}
