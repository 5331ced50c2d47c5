// Contact (RFC 3261 §20.10): `*` or one or more name-addr/addr-spec values with parameters
// (q, expires, …), possibly spread over several header lines.

public enum ContactList: Sendable {
    case star
    case contacts([NameAddr])

    public var isStar: Bool {
        if case .star = self { return true }
        return false
    }

    /// The contacts (empty for `*`).
    public var values: [NameAddr] {
        if case .contacts(let list) = self { return list }
        return []
    }
}
