// TernRPCModel owns the values management commands take and return (Kamailio's RPC value
// model) and their JSON encoding — the part of the management protocol ternctl shares
// with the server.

// The management commands' data model (Kamailio's RPC values): what a command returns and
// what each transport — SER text FIFO, JSON-RPC over FIFO, Unix socket and HTTP — renders.

/// A command's result or parameter: Kamailio's RPC value model (int, double, string,
/// struct, array) plus null and bool, which JSON-RPC clients send.
public indirect enum RPCValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([RPCValue])
    case object(RPCObject)
}

/// A struct of named values that keeps the order its fields were added in (Kamailio's
/// output lists them in that order, and tools compare outputs line by line).
public struct RPCObject: Sendable, Equatable {
    public private(set) var entries: [(key: String, value: RPCValue)]

    public init(_ entries: [(String, RPCValue)] = []) {
        self.entries = entries.map { (key: $0.0, value: $0.1) }
    }

    /// Appends a field, or replaces the value of an existing one in place.
    public mutating func set(_ key: String, _ value: RPCValue) {
        if let index = entries.firstIndex(where: { $0.key == key }) {
            entries[index].value = value
        } else {
            entries.append((key: key, value: value))
        }
    }

    public subscript(key: String) -> RPCValue? {
        entries.first(where: { $0.key == key })?.value
    }

    public var keys: [String] { entries.map(\.key) }
    public var isEmpty: Bool { entries.isEmpty }

    public static func == (lhs: RPCObject, rhs: RPCObject) -> Bool {
        lhs.entries.count == rhs.entries.count
            && zip(lhs.entries, rhs.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}

extension RPCObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, RPCValue)...) {
        self.init(elements)
    }
}

extension RPCValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByArrayLiteral, ExpressibleByBooleanLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(arrayLiteral elements: RPCValue...) { self = .array(elements) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension RPCValue {
    /// The value as a parameter string: FIFO lines are strings, JSON-RPC may send numbers.
    public var textValue: String? {
        switch self {
        case .string(let text): return text
        case .int(let number): return String(number)
        case .double(let number): return String(number)
        case .bool(let flag): return flag ? "1" : "0"
        case .null, .array, .object: return nil
        }
    }

    public var intValue: Int? {
        switch self {
        case .int(let number): return number
        case .double(let number): return number.isFinite && number == number.rounded() ? Int(exactly: number) : nil
        case .string(let text): return Int(text.trimmingSpaces)
        case .bool(let flag): return flag ? 1 : 0
        case .null, .array, .object: return nil
        }
    }

    public var doubleValue: Double? {
        switch self {
        case .int(let number): return Double(number)
        case .double(let number): return number
        case .string(let text): return Double(text.trimmingSpaces)
        case .bool, .null, .array, .object: return nil
        }
    }
}

extension String {
    var trimmingSpaces: Substring {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return slice
    }
}
