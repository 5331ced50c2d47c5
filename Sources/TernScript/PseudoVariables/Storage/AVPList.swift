/// Kamailio's AVPs (attribute-value pairs): named stacks of int or string values that live as
/// long as the message — or the transaction, once tm owns the list (ScriptContext.avps is the
/// slot). Reading a name gives its newest value; index 0 is the newest, -1 the oldest.
/// Not thread-safe: one route runs on a list at a time.
public final class AVPList {
    /// `$avp(i:5)` names an AVP by number, `$avp(s:x)` and `$avp(x)` by string.
    public enum Name: Hashable, Sendable {
        case int(Int)
        case string(String)
    }

    /// Oldest first; lookups walk from the end.
    private var entries: [(name: Name, value: ScriptValue)] = []

    public init() {}

    public var isEmpty: Bool { entries.isEmpty }

    /// Adds a value on top of the name's stack (a null value adds nothing).
    public func add(_ name: Name, _ value: ScriptValue) {
        guard !value.isNull else { return }
        entries.append((name, value))
    }

    /// The newest value, or null.
    public func first(_ name: Name) -> ScriptValue {
        for e in entries.reversed() where e.name == name { return e.value }
        return .null
    }

    /// Every value of a name, newest first.
    public func values(_ name: Name) -> [ScriptValue] {
        entries.reversed().filter { $0.name == name }.map(\.value)
    }

    /// Index 0 is the newest value; negative indexes count from the oldest (-1).
    public func value(_ name: Name, at index: Int) -> ScriptValue {
        let all = values(name)
        let k = index >= 0 ? index : all.count + index
        guard k >= 0, k < all.count else { return .null }
        return all[k]
    }

    public func count(_ name: Name) -> Int {
        entries.reduce(0) { $0 + ($1.name == name ? 1 : 0) }
    }

    /// Removes the newest value of a name, or every value when `all`.
    public func remove(_ name: Name, all: Bool) {
        if all {
            entries.removeAll { $0.name == name }
        } else if let i = entries.lastIndex(where: { $0.name == name }) {
            entries.remove(at: i)
        }
    }

    public func removeAll() { entries.removeAll() }
}
