/// One SQL value, in or out. Drivers map their native types onto these five.
public enum DatabaseValue: Sendable, Equatable, Hashable {
    case null
    case int(Int64)
    case double(Double)
    case text(String)
    case blob([UInt8])

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The value as text: numbers printed, blobs read as UTF-8; nil for NULL.
    public var text: String? {
        switch self {
        case .null: return nil
        case .int(let v): return String(v)
        case .double(let v): return String(v)
        case .text(let s): return s
        case .blob(let b): return String(decoding: b, as: UTF8.self)
        }
    }

    /// The value as an integer: text is parsed (PostgreSQL/MySQL text results); nil for NULL or non-numbers.
    public var int: Int64? {
        switch self {
        case .null: return nil
        case .int(let v): return v
        case .double(let v): return v.isFinite ? Int64(exactly: v.rounded(.towardZero)) : nil
        case .text(let s): return Int64(s) ?? Double(s).flatMap { $0.isFinite ? Int64(exactly: $0.rounded(.towardZero)) : nil }
        case .blob(let b): return Int64(String(decoding: b, as: UTF8.self))
        }
    }

    public var double: Double? {
        switch self {
        case .null: return nil
        case .int(let v): return Double(v)
        case .double(let v): return v
        case .text(let s): return Double(s)
        case .blob(let b): return Double(String(decoding: b, as: UTF8.self))
        }
    }
}

extension DatabaseValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(nilLiteral: ()) { self = .null }
}
