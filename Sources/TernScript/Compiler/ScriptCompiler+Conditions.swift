import SIPCore

/// Conditions on message properties (spec §2.9): `method == "INVITE"`, `uri == myself`,
/// `src_ip == 10.0.0.0/8`, `proto == UDP`, `status =~ "^2"` ... Constants are resolved once:
/// a method name becomes the parsed method enum, so the comparison allocates nothing.
extension ScriptCompiler {
    func compileKeywordCondition(_ op: BinaryOperator, _ lhs: Expression, _ rhs: Expression,
                                 at location: SourceLocation) throws(Diagnostic) -> CompiledExpression {
        var keyword: ConditionKeyword
        var other: Expression
        var op = op
        switch (lhs, rhs) {
        case (.keyword(let k, _), _):
            keyword = k
            other = rhs
        case (_, .keyword(let k, _)):
            keyword = k
            other = lhs
            // `5060 < src_port` is `src_port > 5060`.
            switch op {
            case .greater: op = .less
            case .less: op = .greater
            case .greaterEqual: op = .lessEqual
            case .lessEqual: op = .greaterEqual
            default: break
            }
        default:
            throw .error("'myself' can only be compared with uri, from_uri, to_uri, src_ip or dst_ip", at: location)
        }
        if case .keyword(let k2, let at) = other {
            throw .error("cannot compare '\(keyword.rawValue)' with '\(k2.rawValue)'", at: at)
        }
        switch keyword {
        case .method:
            return try compileMethodCondition(op, other, at: location)
        case .uri, .fromURI, .toURI:
            return try compileURICondition(keyword, op, other, at: location)
        case .status:
            try requireOperator(op, [.equal, .notEqual, .match], keyword, at: location)
            if case .myself(let at) = other { throw .error("'status' cannot be compared with myself", at: at) }
            return try compileTextCondition(op, other, caseInsensitive: false) { ctx in
                ctx.message.kind == .response ? String(ctx.message.statusCode) : ""
            }
        case .sourceIP, .destinationIP:
            return try compileIPCondition(keyword, op, other, at: location)
        case .sourcePort, .destinationPort, .messageLength:
            try requireOperator(op, [.equal, .notEqual, .greater, .less, .greaterEqual, .lessEqual, .intEqual, .intNotEqual], keyword, at: location)
            let value: (ScriptContext) -> Int
            switch keyword {
            case .sourcePort: value = { $0.receive.source.port }
            case .destinationPort: value = { $0.receive.local.port }
            default: value = { $0.message.bytes.count }
            }
            let x = try compileExpression(other)
            if case .string(let s)? = x.constant, ScriptArgument.parseInteger(s) == nil {
                throw .error("'\(keyword.rawValue)' is compared with a number, not \"\(s)\"", at: other.location)
            }
            let rhs = x.int
            let compare: (Int, Int) -> Bool
            switch op {
            case .equal, .intEqual: compare = (==)
            case .notEqual, .intNotEqual: compare = (!=)
            case .greater: compare = (>)
            case .less: compare = (<)
            case .greaterEqual: compare = (>=)
            default: compare = (<=)
            }
            return .ofInt { compare(value($0), rhs($0)) ? 1 : 0 }
        case .proto:
            try requireOperator(op, [.equal, .notEqual], keyword, at: location)
            let negated = op == .notEqual
            switch other {
            case .identifier(let name, let at), .string(let name, let at):
                guard let p = TransportProtocol(name: name) else {
                    throw .error("unknown protocol '\(name)'", at: at, hint: "use UDP, TCP, TLS, SCTP, WS or WSS")
                }
                return .ofInt { ($0.receive.proto == p) != negated ? 1 : 0 }
            default:
                let x = try compileExpression(other)
                let s = x.string
                return .ofInt { ctx in
                    (TransportProtocol(name: s(ctx)) == ctx.receive.proto) != negated ? 1 : 0
                }
            }
        case .af:
            try requireOperator(op, [.equal, .notEqual], keyword, at: location)
            let negated = op == .notEqual
            let family: Int
            switch other {
            case .identifier(let name, let at):
                guard case .int(let f) = try identifierValue(name, at: at) else { throw .error("unknown address family", at: at) }
                family = f
            case .int(let f, _):
                family = f
            default:
                throw .error("'af' is compared with INET or INET6", at: other.location)
            }
            let wantIPv6 = family == 10
            return .ofInt { ($0.receive.source.isIPv6 == wantIPv6) != negated ? 1 : 0 }
        case .sendIP, .sendPort, .sendProto, .sendAF, .toIP, .toPort:
            throw .error("'\(keyword.rawValue)' is not supported yet", at: location)
        }
    }

    private func requireOperator(_ op: BinaryOperator, _ allowed: [BinaryOperator], _ keyword: ConditionKeyword,
                                 at location: SourceLocation) throws(Diagnostic) {
        guard allowed.contains(op) else {
            throw .error("operator '\(op.rawValue)' cannot be used with '\(keyword.rawValue)'", at: location,
                         hint: "use \(allowed.map { "'\($0.rawValue)'" }.joined(separator: ", "))")
        }
    }

    // MARK: - method

    private func compileMethodCondition(_ op: BinaryOperator, _ other: Expression, at location: SourceLocation) throws(Diagnostic) -> CompiledExpression {
        try requireOperator(op, [.equal, .notEqual, .match], .method, at: location)
        if case .myself(let at) = other { throw .error("'method' cannot be compared with myself", at: at) }
        if op == .match {
            return try compileTextCondition(op, other, caseInsensitive: true) { ctx in
                let m = ctx.message
                return m.method.name ?? m.string(m.methodRange)
            }
        }
        let negated = op == .notEqual
        var constant: String?
        switch other {
        case .string(let s, _), .identifier(let s, _): constant = s
        case .int(let i, let at): throw .error("'method' is compared with a method name, not \(i)", at: at)
        default: break
        }
        if let name = constant {
            // Methods compare case-insensitively here (spec §2.9).
            let upper = name.uppercased()
            let wanted = SIPMethod(name: upper)
            let bytes = Array(upper.utf8)
            return .ofInt { ctx in
                let m = ctx.message
                let equal: Bool
                if wanted != .other, m.method != .other {
                    equal = m.method == wanted
                } else {
                    equal = ScriptCompiler.equalsIgnoringCase(m.bytes, m.methodRange, bytes)
                }
                return equal != negated ? 1 : 0
            }
        }
        let x = try compileExpression(other)
        let s = x.string
        return .ofInt { ctx in
            let m = ctx.message
            let equal = ScriptCompiler.equalsIgnoringCase(m.bytes, m.methodRange, Array(s(ctx).utf8))
            return equal != negated ? 1 : 0
        }
    }

    static func equalsIgnoringCase(_ bytes: [UInt8], _ range: Range<Int>, _ wanted: [UInt8]) -> Bool {
        guard range.count == wanted.count, range.lowerBound >= 0, range.upperBound <= bytes.count else { return false }
        var i = 0
        for b in bytes[range] {
            let x = (b >= 0x61 && b <= 0x7A) ? b - 0x20 : b
            let y = (wanted[i] >= 0x61 && wanted[i] <= 0x7A) ? wanted[i] - 0x20 : wanted[i]
            if x != y { return false }
            i += 1
        }
        return true
    }

    // MARK: - uri, from_uri, to_uri

    private func compileURICondition(_ keyword: ConditionKeyword, _ op: BinaryOperator, _ other: Expression,
                                     at location: SourceLocation) throws(Diagnostic) -> CompiledExpression {
        try requireOperator(op, [.equal, .notEqual, .match], keyword, at: location)
        if case .myself(let at) = other {
            guard op != .match else { throw .error("'=~' cannot be used with myself", at: at) }
            let negated = op == .notEqual
            let myself = self.myself
            let test: (ScriptContext) -> Bool
            func isOurs(_ bytes: [UInt8], _ uri: SIPURI) -> Bool {
                let port = uri.port ?? (uri.scheme == .sips ? 5061 : 5060)
                return myself.matches(host: bytes[uri.host], port: port)
            }
            switch keyword {
            case .uri:
                test = { ctx in ctx.withCurrentRequestURI { bytes, uri in isOurs(bytes, uri) } ?? false }
            case .fromURI:
                test = { ctx in (try? ctx.message.from()).map { isOurs(ctx.message.bytes, $0.uri) } ?? false }
            default:
                test = { ctx in (try? ctx.message.to()).map { isOurs(ctx.message.bytes, $0.uri) } ?? false }
            }
            return .ofInt { test($0) != negated ? 1 : 0 }
        }
        let text: (ScriptContext) -> String
        switch keyword {
        case .uri:
            text = { $0.currentRequestURIText ?? "" }
        case .fromURI:
            text = { ctx in (try? ctx.message.from()).map { ctx.message.string($0.uri.whole) } ?? "" }
        default:
            text = { ctx in (try? ctx.message.to()).map { ctx.message.string($0.uri.whole) } ?? "" }
        }
        return try compileTextCondition(op, other, caseInsensitive: true, text)
    }

    /// `==`, `!=` or `=~` between a message property given as text and an expression.
    private func compileTextCondition(_ op: BinaryOperator, _ other: Expression, caseInsensitive: Bool,
                                      _ text: @escaping (ScriptContext) -> String) throws(Diagnostic) -> CompiledExpression {
        let x: CompiledExpression
        switch other {
        case .identifier(let w, _): x = .constant(.string(w))
        default: x = try compileExpression(other)
        }
        if op == .match {
            if let c = x.constant {
                let regex = try compileRegex(c.stringValue, at: other.location)
                return .ofInt { regex.matches(text($0)) ? 1 : 0 }
            }
            let pattern = x.string
            return .ofInt { ctx in
                guard let regex = try? POSIXRegex(pattern(ctx), caseInsensitive: true) else { return 0 }
                return regex.matches(text(ctx)) ? 1 : 0
            }
        }
        let negated = op == .notEqual
        let rhs = x.string
        if caseInsensitive {
            return .ofInt { ctx in
                let a = text(ctx), b = rhs(ctx)
                let equal = a.utf8.count == b.utf8.count && a.lowercased() == b.lowercased()
                return equal != negated ? 1 : 0
            }
        }
        return .ofInt { (text($0) == rhs($0)) != negated ? 1 : 0 }
    }

    // MARK: - src_ip, dst_ip

    private func compileIPCondition(_ keyword: ConditionKeyword, _ op: BinaryOperator, _ other: Expression,
                                    at location: SourceLocation) throws(Diagnostic) -> CompiledExpression {
        try requireOperator(op, [.equal, .notEqual], keyword, at: location)
        let negated = op == .notEqual
        let address: (ScriptContext) -> SocketAddressText = keyword == .sourceIP ? { $0.receive.source } : { $0.receive.local }
        if case .myself = other {
            let myself = self.myself
            return .ofInt { ctx in myself.matches(host: address(ctx).ip, port: nil) != negated ? 1 : 0 }
        }
        // A constant network: 1.2.3.4, 10.0.0.0/8, 10.0.0.0/255.0.0.0, [::1], or the same in quotes.
        if let (network, bits) = try constantNetwork(other) {
            return .ofInt { ctx in
                guard let ip = IPAddress(text: address(ctx).ip) else { return negated ? 1 : 0 }
                return ip.matches(network, prefixBits: bits) != negated ? 1 : 0
            }
        }
        let x = try compileExpression(other)
        let rhs = x.string
        return .ofInt { ctx in
            let a = address(ctx).ip
            let b = rhs(ctx)
            let equal: Bool
            if let x = IPAddress(text: a), let y = IPAddress(text: b) { equal = x == y } else { equal = a == b }
            return equal != negated ? 1 : 0
        }
    }

    private func constantNetwork(_ e: Expression) throws(Diagnostic) -> (IPAddress, Int)? {
        func parse(_ text: String, at location: SourceLocation) throws(Diagnostic) -> (IPAddress, Int)? {
            var addressText = text
            var bitsText: String?
            if let slash = text.firstIndex(of: "/") {
                addressText = String(text[..<slash])
                bitsText = String(text[text.index(after: slash)...])
            }
            guard let ip = IPAddress(text: addressText) else { return nil }
            guard let bitsText else { return (ip, ip.bytes.count * 8) }
            if let bits = Int(bitsText), bits >= 0, bits <= ip.bytes.count * 8 { return (ip, bits) }
            if let mask = IPAddress(text: bitsText), mask.bytes.count == ip.bytes.count, let bits = mask.prefixLength {
                return (ip, bits)
            }
            throw .error("bad network mask '/\(bitsText)'", at: location)
        }
        switch e {
        case .ipv4(let t, let l), .ipv6(let t, let l), .string(let t, let l):
            return try parse(t, at: l)
        case .binary(.divide, .ipv4(let t, let l), .int(let bits, _), _), .binary(.divide, .ipv6(let t, let l), .int(let bits, _), _):
            return try parse(t + "/" + String(bits), at: l)
        case .binary(.divide, .ipv4(let t, let l), .ipv4(let mask, _), _):
            return try parse(t + "/" + mask, at: l)
        default:
            return nil
        }
    }
}
