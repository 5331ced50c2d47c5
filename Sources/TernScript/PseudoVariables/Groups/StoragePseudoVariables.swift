/// `$avp(name)`, `$xavp(root[i]=>key[j])`, `$shv(name)` and `$cnt(pv)`: the values scripts
/// store themselves (spec §3.2 "Flags / variables / storage"), with Kamailio 5.6.3's rules,
/// checked: an AVP assignment adds on top (an index on the left is ignored, `[*]` clears
/// first); `= $null` removes the newest value, `$(avp(x)[*]) = $null` all of them; `[*]`
/// reads join with ", ". An `$xavp(r=>k)` assignment without a root index starts a new root.
enum AVPPseudoVariable {
    static var all: [PseudoVariableDeclaration] { [declaration] }

    static let declaration = PseudoVariableDeclaration(name: "avp", innerName: .required) { binding throws(Diagnostic) in
        let name = try avpName(binding)
        return PseudoVariableAccessors(
            view: { ctx in ScriptValueView(ctx.avps.first(name(ctx))) },
            set: { ctx, v in
                let n = name(ctx)
                if v.isNull { ctx.avps.remove(n, all: false) } else { ctx.avps.add(n, v) }
            },
            getIndexed: { ctx, index in
                let n = name(ctx)
                switch index {
                case .position(let i): return ctx.avps.value(n, at: i)
                case .all:
                    let values = ctx.avps.values(n)
                    return values.isEmpty ? .null : .string(values.map(\.stringValue).joined(separator: ", "))
                }
            },
            setIndexed: { ctx, index, v in
                let n = name(ctx)
                if index == .all { ctx.avps.remove(n, all: true) } else if v.isNull { ctx.avps.remove(n, all: false) }
                ctx.avps.add(n, v)
            })
    }

    /// `i:5`, `s:name`, `name` or a pseudo-variable holding the name.
    static func avpName(_ binding: PseudoVariableBinding) throws(Diagnostic) -> (ScriptContext) -> AVPList.Name {
        let inner = (binding.inner ?? "").trimmingBlanks
        if inner.hasPrefix("$") {
            let pv = try binding.bindPseudoVariable(inner)
            return { ctx in .string(pv.get(ctx).stringValue) }
        }
        if inner.hasPrefix("i:") {
            guard let n = Int(inner.dropFirst(2)) else { throw binding.error("bad AVP number in '$avp(\(inner))'") }
            return { _ in .int(n) }
        }
        let text = inner.hasPrefix("s:") ? String(inner.dropFirst(2)) : inner
        guard !text.isEmpty, text.utf8.allSatisfy({ isIdentifierByte($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }) else {
            throw binding.error("bad AVP name '\(inner)'", hint: "use letters, digits and '_' (or i:N, s:name)")
        }
        return { _ in .string(text) }
    }
}

enum XAVPPseudoVariable {
    static var all: [PseudoVariableDeclaration] { [declaration] }

    /// One side of `root[i]=>key[j]`.
    struct Part {
        enum Index { case none, position(Int), all, dynamic(PseudoVariableReference) }
        var name: String
        var index: Index

        var hasIndex: Bool {
            if case .none = index { return false }
            return true
        }

        /// The index for this message; nil for `[*]`, 0 when none was given.
        func position(_ ctx: ScriptContext) -> Int? {
            switch index {
            case .none: return 0
            case .position(let i): return i
            case .all: return nil
            case .dynamic(let pv): return pv.get(ctx).intValue
            }
        }
    }

    static func parse(_ binding: PseudoVariableBinding) throws(Diagnostic) -> (Part, Part?) {
        let inner = (binding.inner ?? "").trimmingBlanks
        var sides: [String] = []
        let bytes = Array(inner.utf8)
        var start = 0
        var i = 0
        while i + 1 < bytes.count {
            if bytes[i] == UInt8(ascii: "="), bytes[i + 1] == UInt8(ascii: ">") {
                sides.append(String(decoding: bytes[start..<i], as: UTF8.self))
                i += 2
                start = i
            } else {
                i += 1
            }
        }
        sides.append(String(decoding: bytes[start...], as: UTF8.self))
        guard sides.count <= 2 else { throw binding.error("bad XAVP name '\(inner)'", hint: "write $xavp(root=>key)") }
        func part(_ text: String) throws(Diagnostic) -> Part {
            let t = text.trimmingBlanks
            guard let open = t.firstIndex(of: "[") else {
                guard !t.isEmpty else { throw binding.error("empty name in '$xavp(\(inner))'") }
                return Part(name: t, index: .none)
            }
            guard t.hasSuffix("]") else { throw binding.error("missing ']' in '$xavp(\(inner))'") }
            let name = String(t[..<open]).trimmingBlanks
            let index = String(t[t.index(after: open)..<t.index(before: t.endIndex)]).trimmingBlanks
            guard !name.isEmpty else { throw binding.error("empty name in '$xavp(\(inner))'") }
            if index == "*" { return Part(name: name, index: .all) }
            if let n = TransformationParameter.integer(index) { return Part(name: name, index: .position(n)) }
            if index.hasPrefix("$") { return Part(name: name, index: .dynamic(try binding.bindPseudoVariable(index))) }
            throw binding.error("bad index '[\(index)]' in '$xavp(\(inner))'")
        }
        let root = try part(sides[0])
        return (root, sides.count == 2 ? try part(sides[1]) : nil)
    }

    static let declaration = PseudoVariableDeclaration(name: "xavp", innerName: .required) { binding throws(Diagnostic) in
        let (root, key) = try parse(binding)
        return PseudoVariableAccessors(get: { ctx in read(ctx, root, key) }, set: { ctx, v in write(ctx, root, key, v) })
    }

    static func read(_ ctx: ScriptContext, _ root: Part, _ key: Part?) -> ScriptValue {
        let list = ctx.xavps
        guard let item = list.value(root.name, at: root.position(ctx) ?? 0) else { return .null }
        guard let key else { return item.scriptValue }
        guard case .list(let children) = item else { return .null }
        guard let k = key.position(ctx) else {
            let values = children.values(key.name)
            return values.isEmpty ? .null : .string(values.map { $0.scriptValue.stringValue }.joined(separator: ", "))
        }
        return children.value(key.name, at: k)?.scriptValue ?? .null
    }

    static func write(_ ctx: ScriptContext, _ root: Part, _ key: Part?, _ v: ScriptValue) {
        let list = ctx.xavps
        if v.isNull {
            guard let key else {
                guard let i = root.position(ctx) else { list.removeAll(root.name); return }
                list.remove(root.name, at: i)
                return
            }
            let roots: [XAVPList.Value]
            if let i = root.position(ctx) {
                roots = list.value(root.name, at: i).map { [$0] } ?? []
            } else {
                roots = list.values(root.name)
            }
            for case .list(let children) in roots {
                if let k = key.position(ctx) { children.remove(key.name, at: k) } else { children.removeAll(key.name) }
            }
            return
        }
        let value = XAVPList.Value(v)
        guard let key else {
            if root.hasIndex {
                guard let i = root.position(ctx), list.set(root.name, at: i, value) else {
                    ctx.worker.logger.error("$xavp(\(root.name)): no value at that index to set")
                    return
                }
                return
            }
            list.add(root.name, value)
            return
        }
        guard root.hasIndex else {
            let children = XAVPList()
            children.add(key.name, value)
            list.add(root.name, .list(children))
            return
        }
        guard let i = root.position(ctx), let item = list.value(root.name, at: i) else { return }
        guard case .list(let children) = item else {
            ctx.worker.logger.error("$xavp(\(root.name)) holds a value, not a list of keys")
            return
        }
        if key.hasIndex {
            guard let k = key.position(ctx) else { return }
            children.set(key.name, at: k, value)
        } else {
            children.add(key.name, value)
        }
    }
}

enum SharedVariablePseudoVariable {
    static var all: [PseudoVariableDeclaration] { [declaration] }

    static let declaration = PseudoVariableDeclaration(name: "shv", innerName: .required) { binding throws(Diagnostic) in
        let name = (binding.inner ?? "").trimmingBlanks
        guard !name.isEmpty, name.utf8.allSatisfy({ isIdentifierByte($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }) else {
            throw binding.error("bad shared variable name '\(name)'", hint: "use letters, digits and '_'")
        }
        let variable = SharedVariables.process.variable(named: name)
        // `= $null` stores an empty string (Kamailio 5.6.3 does; a $var would get 0).
        return PseudoVariableAccessors(get: { _ in variable.get() }, set: { _, v in variable.set(v.isNull ? .string("") : v) })
    }
}

/// `$cnt($avp(x))`, `$cnt($xavp(r))`, `$cnt($xavp(r[n]=>k))`: how many values there are.
enum CountPseudoVariable {
    static var all: [PseudoVariableDeclaration] { [declaration] }

    static let declaration = PseudoVariableDeclaration(name: "cnt", innerName: .required) { binding throws(Diagnostic) in
        let inner = (binding.inner ?? "").trimmingBlanks
        let syntax: PseudoVariableSyntax
        do {
            syntax = try PseudoVariableSyntax.parse(token: inner)
        } catch {
            throw binding.error("$cnt takes an $avp or $xavp, not '\(inner)'")
        }
        let counted = PseudoVariableBinding(name: syntax.name, inner: syntax.inner, location: binding.location, environment: binding.environment)
        switch syntax.name {
        case "avp":
            let name = try AVPPseudoVariable.avpName(counted)
            return PseudoVariableAccessors(get: { ctx in .int(ctx.avps.count(name(ctx))) })
        case "xavp":
            let (root, key) = try XAVPPseudoVariable.parse(counted)
            return PseudoVariableAccessors(get: { ctx in .int(countXAVP(ctx, root, key)) })
        default:
            throw binding.error("$cnt counts $avp or $xavp values, not '$\(syntax.name)'")
        }
    }

    /// No root index (or `[*]`) counts every root; `[n]` says whether it exists (1/0).
    static func countXAVP(_ ctx: ScriptContext, _ root: XAVPPseudoVariable.Part, _ key: XAVPPseudoVariable.Part?) -> Int {
        let list = ctx.xavps
        let roots: [XAVPList.Value]
        let rootIndex: Int? = root.hasIndex ? root.position(ctx) : nil
        if let i = rootIndex {
            roots = list.value(root.name, at: i).map { [$0] } ?? []
        } else {
            roots = list.values(root.name)
        }
        guard let key else { return roots.count }
        var n = 0
        for case .list(let children) in roots {
            if key.hasIndex, let k = key.position(ctx) {
                n += children.value(key.name, at: k) == nil ? 0 : 1
            } else {
                n += children.count(key.name)
            }
        }
        return n
    }
}
