import TernScript

/// reg_fetch_contacts() results by profile name, read through `$ulc(profile=>attr)`; they live
/// as long as the message (reg_free_contacts drops one sooner).
final class FetchedContacts {
    static let key = ScriptContextKey<FetchedContacts>()

    struct Profile {
        var table: String
        var aor: String
        var contacts: [LocationContact]
        var now: Int
    }

    var profiles: [String: Profile] = [:]

    static func of(_ context: ScriptContext) -> FetchedContacts {
        if let existing = context[key] { return existing }
        let made = FetchedContacts()
        context[key] = made
        return made
    }

    /// `$ulc(profile=>attr)`, `$(ulc(profile=>attr)[i])`.
    static func declaration() -> PseudoVariableDeclaration {
        PseudoVariableDeclaration(name: "ulc", innerName: .required) { binding throws(Diagnostic) in
            let inner = binding.inner ?? ""
            guard let arrow = inner.range(of: "=>") else {
                throw binding.error("$ulc needs profile=>attribute, e.g. $ulc(caller=>addr)")
            }
            let profile = inner[..<arrow.lowerBound].trimmingCharacters(in: " ")
            let attribute = inner[arrow.upperBound...].trimmingCharacters(in: " ")
            let known = ["aor", "domain", "aorhash", "addr", "path", "received", "expires", "callid", "q", "cseq",
                         "flags", "cflags", "user_agent", "socket", "modified", "methods", "count", "ruid", "reg_id",
                         "instance", "conid", "server_id", "keepalive"]
            guard known.contains(attribute) else {
                throw binding.error("$ulc has no attribute '\(attribute)'", hint: "one of \(known.joined(separator: ", "))")
            }
            func value(_ context: ScriptContext, _ index: Int) -> ScriptValue {
                var fetched = context[key]?.profiles[profile]
                // In event_route[usrloc:contact-expired], `exp` is the binding that expired.
                if fetched == nil, profile == "exp", let expired = context[ContactExpiredEvent.key] {
                    fetched = Profile(table: expired.table, aor: expired.aor, contacts: [expired.contact], now: expired.now)
                }
                guard let entry = fetched else { return .null }
                switch attribute {
                case "aor": return .string(entry.aor)
                case "count": return .int(entry.contacts.count)
                case "aorhash": return .int(Int(LocationTable.hash(entry.aor)))
                case "domain": return .string(entry.table)
                default: break
                }
                let position = index < 0 ? entry.contacts.count + index : index
                guard position >= 0 && position < entry.contacts.count else { return .null }
                let c = entry.contacts[position]
                switch attribute {
                case "addr": return .string(c.uri)
                case "path": return c.path.isEmpty ? .null : .string(c.path)
                case "received": return c.received.isEmpty ? .null : .string(c.received)
                case "expires": return .int(c.expires == 0 ? 0 : c.expires - entry.now)
                case "callid": return .string(c.callID)
                case "q": return .int(c.q)
                case "cseq": return .int(c.cseq)
                case "flags": return .int(c.flags)
                case "cflags": return .int(c.cflags)
                case "user_agent": return .string(c.userAgent)
                case "socket": return c.socket.isEmpty ? .null : .string(c.socket)
                case "modified": return .int(c.lastModified)
                case "methods": return .int(c.methods)
                case "ruid": return .string(c.ruid)
                case "reg_id": return .int(c.regID)
                case "instance": return c.instance.isEmpty ? .null : .string(c.instance)
                case "conid": return .int(-1)
                default: return .int(0)
                }
            }
            return PseudoVariableAccessors(get: { value($0, 0) }, getIndexed: { context, index in
                switch index {
                case .position(let i): return value(context, i)
                case .all: return value(context, 0)
                }
            })
        }
    }
}
