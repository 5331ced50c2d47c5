import SIPCore

/// Headers by name (compact forms match, names ignore case; `*` is any header):
/// `$hdr(Name)` the first value, `$(hdr(Name)[n])` the n-th line (negative from the end),
/// `$(hdr(Name)[*])` every line joined with "," (no blank, Kamailio 5.6.3), `$hdrc(Name)` the
/// number of lines. `$hfl`/`$hflc` do the same per value for Via, Route, Record-Route and
/// Contact, whose lines may hold several comma-separated values.
enum HeaderPseudoVariables {
    static var all: [PseudoVariableDeclaration] { [header, headerCount, headerFieldList, headerFieldListCount] }

    /// The lookup for a written name, or one computed per message for `$hdr($var(h))`.
    static func lookup(_ binding: PseudoVariableBinding) throws(Diagnostic) -> (ScriptContext) -> HeaderLookup {
        let inner = (binding.inner ?? "").trimmingBlanks
        if inner.hasPrefix("$") {
            let dynamic = try binding.bindPseudoVariable(inner)
            return { ctx in HeaderLookup(name: dynamic.get(ctx).stringValue) }
        }
        guard !inner.isEmpty, inner.utf8.allSatisfy({ $0 > 0x20 && $0 != UInt8(ascii: ":") }) else {
            throw binding.error("bad header name '\(inner)' in $\(binding.name)")
        }
        let fixed = HeaderLookup(name: inner)
        return { _ in fixed }
    }

    static let header = PseudoVariableDeclaration(name: "hdr", innerName: .required) { binding throws(Diagnostic) in
        let find = try lookup(binding)
        return PseudoVariableAccessors(
            view: { ctx in
                let m = ctx.message
                return find(ctx).first(in: m).map { .bytes(m.bytes, $0.valueRange) } ?? .null
            },
            getIndexed: { ctx, index in
                let m = ctx.message
                return pick(find(ctx).all(in: m).map(\.valueRange), index, in: m)
            })
    }

    static let headerCount = PseudoVariableDeclaration(name: "hdrc", innerName: .required) { binding throws(Diagnostic) in
        let find = try lookup(binding)
        return PseudoVariableAccessors(get: { ctx in .int(find(ctx).all(in: ctx.message).count) })
    }

    static let headerFieldList = PseudoVariableDeclaration(name: "hfl", innerName: .required) { binding throws(Diagnostic) in
        let find = try lookup(binding)
        return PseudoVariableAccessors(
            view: { ctx in
                let m = ctx.message
                return values(find(ctx), m).first.map { .bytes(m.bytes, $0) } ?? .null
            },
            getIndexed: { ctx, index in
                let m = ctx.message
                return pick(values(find(ctx), m), index, in: m)
            })
    }

    static let headerFieldListCount = PseudoVariableDeclaration(name: "hflc", innerName: .required) { binding throws(Diagnostic) in
        let find = try lookup(binding)
        return PseudoVariableAccessors(get: { ctx in .int(values(find(ctx), ctx.message).count) })
    }

    /// The values `$hfl` walks: one per comma-separated element for the list headers, one per
    /// line for the others.
    static func values(_ lookup: HeaderLookup, _ m: SIPMessage) -> [Range<Int>] {
        let lines = lookup.all(in: m)
        switch lookup.known {
        case .via, .route, .recordRoute, .contact:
            return lines.flatMap { HeaderValueSplitter.split(m.bytes, $0.valueRange) }
        default:
            return lines.map(\.valueRange)
        }
    }

    static func pick(_ ranges: [Range<Int>], _ index: PseudoVariableIndex, in m: SIPMessage) -> ScriptValue {
        switch index {
        case .all:
            return ranges.isEmpty ? .null : .string(ranges.map { m.string($0) }.joined(separator: ","))
        case .position(let n):
            let i = n < 0 ? ranges.count + n : n
            guard i >= 0, i < ranges.count else { return .null }
            return .string(m.string(ranges[i]))
        }
    }
}
