/// Kamailio's XAVPs: named stacks whose values are an int, a string or a list of named
/// values (one level deep here, `$xavp(root=>key)`). Newest first, like AVPs. Lives in
/// ScriptContext.xavps; not thread-safe.
public final class XAVPList {
    public enum Value {
        case int(Int)
        case string(String)
        case list(XAVPList)
    }

    private var entries: [(name: String, value: Value)] = []   // newest first

    public init() {}

    public func count(_ name: String) -> Int {
        entries.reduce(0) { $0 + ($1.name == name ? 1 : 0) }
    }

    /// Position `index` (0 newest) among the entries of `name`, or nil.
    private func position(_ name: String, _ index: Int) -> Int? {
        var seen = 0
        for (i, e) in entries.enumerated() where e.name == name {
            if seen == index { return i }
            seen += 1
        }
        return nil
    }

    /// The value at `index` (negative counts from the oldest).
    public func value(_ name: String, at index: Int) -> Value? {
        let k = index >= 0 ? index : count(name) + index
        guard k >= 0, let i = position(name, k) else { return nil }
        return entries[i].value
    }

    public func values(_ name: String) -> [Value] {
        entries.filter { $0.name == name }.map(\.value)
    }

    /// Adds a value on top of the name's stack.
    public func add(_ name: String, _ value: Value) {
        entries.insert((name, value), at: 0)
    }

    /// Replaces the value at `index`; false when there is none.
    @discardableResult
    public func set(_ name: String, at index: Int, _ value: Value) -> Bool {
        let k = index >= 0 ? index : count(name) + index
        guard k >= 0, let i = position(name, k) else { return false }
        entries[i].value = value
        return true
    }

    public func remove(_ name: String, at index: Int) {
        let k = index >= 0 ? index : count(name) + index
        guard k >= 0, let i = position(name, k) else { return }
        entries.remove(at: i)
    }

    public func removeAll(_ name: String) {
        entries.removeAll { $0.name == name }
    }
}

extension XAVPList.Value {
    init(_ v: ScriptValue) {
        switch v {
        case .int(let i): self = .int(i)
        case .string(let s): self = .string(s)
        case .null: self = .string("")
        }
    }

    /// A list prints as `<<xavp:0x…>>` (Kamailio prints its address).
    var scriptValue: ScriptValue {
        switch self {
        case .int(let i): return .int(i)
        case .string(let s): return .string(s)
        case .list(let l): return .string("<<xavp:0x" + String(UInt(bitPattern: ObjectIdentifier(l)), radix: 16) + ">>")
        }
    }
}
