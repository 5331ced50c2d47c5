// One `modparam("htable", "htable", "name=>attr=value;...")` definition, parsed and checked
// as Kamailio 5.6.3's ht_table_spec does: every attribute it knows is accepted, anything
// else is refused with the attribute named.

/// A table's configuration.
struct HTableDefinition: Sendable, Equatable {
    var name: String
    /// `size`: the table has 2^size slots (Kamailio: size ≤ 1 gives 8 slots).
    var sizeExponent = 4
    /// `autoexpire`: seconds an item lives after its last update; 0 keeps items for ever.
    var autoexpire = 0
    /// `initval`: what a missing key reads as (and where $shtinc starts); nil reads `$null`.
    var initialValue: Int?
    /// `updateexpire` (default 1): a value update restarts the item's lifetime.
    var updateExpire = true
    var dbTable: String?
    var dbMode = 0
    var columns: String?
    var dmqReplicate = 0
    var columnDelimiter: Character = ","
    var columnNull: Character? = "*"
    var reloadAt = 0

    /// Largest `size` honoured; Kamailio caps too, and a million locks is already a lot.
    static let largestSizeExponent = 20

    var slotCount: Int {
        if sizeExponent <= 1 { return 8 }
        return 1 << min(sizeExponent, Self.largestSizeExponent)
    }

    struct ParseError: Error, Equatable {
        var message: String
    }

    /// Parses `name=>attr=value;attr=value;` (blanks around the name allowed, a trailing `;` too).
    static func parse(_ spec: String) throws(ParseError) -> HTableDefinition {
        guard let arrow = spec.firstRange(of: "=>") else {
            throw ParseError(message: "htable definition '\(spec)' must be written name=>attribute=value;…")
        }
        let name = String(spec[..<arrow.lowerBound]).blankTrimmed
        guard !name.isEmpty, !name.contains(where: { $0 == " " || $0 == "\t" || $0 == "=" }) else {
            throw ParseError(message: "htable definition '\(spec)' has no valid table name before '=>'")
        }
        var definition = HTableDefinition(name: name)
        let attributes = String(spec[arrow.upperBound...]).blankTrimmed
        guard !attributes.isEmpty else {
            throw ParseError(message: "htable '\(name)': no attributes after '=>' (write at least size=N)")
        }
        for part in attributes.split(separator: ";", omittingEmptySubsequences: true) {
            let pair = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(pair[0]).blankTrimmed
            if key.isEmpty { continue }
            var value = pair.count > 1 ? String(pair[1]).blankTrimmed : ""
            if value.count >= 2, let q = value.first, q == "'" || q == "\"", value.last == q {
                value = String(value.dropFirst().dropLast())
            }
            try definition.apply(key, value)
        }
        return definition
    }

    private mutating func apply(_ key: String, _ value: String) throws(ParseError) {
        func number() throws(ParseError) -> Int {
            guard let n = Int(value), n >= 0 else {
                throw ParseError(message: "htable '\(name)': \(key) must be a non-negative number, not '\(value)'")
            }
            return n
        }
        func character() throws(ParseError) -> Character? {
            guard value.count <= 1 else {
                throw ParseError(message: "htable '\(name)': \(key) must be a single character, not '\(value)'")
            }
            return value.first
        }
        switch key {
        case "size": sizeExponent = try number()
        case "autoexpire": autoexpire = try number()
        case "initval":
            guard let n = Int(value) else {
                throw ParseError(message: "htable '\(name)': initval must be an integer, not '\(value)'")
            }
            initialValue = n
        case "updateexpire": updateExpire = try number() != 0
        case "dbtable": dbTable = value.isEmpty ? nil : value
        case "dbmode": dbMode = try number()
        case "cols": columns = value
        case "dmqreplicate": dmqReplicate = try number()
        case "coldelim":
            guard let c = try character() else {
                throw ParseError(message: "htable '\(name)': coldelim must be a single character")
            }
            columnDelimiter = c
        case "colnull": columnNull = try character()
        case "reloadat": reloadAt = try number()
        default:
            throw ParseError(message: "htable '\(name)': unknown attribute '\(key)' (known: size, autoexpire, initval, updateexpire, dbtable, dbmode, cols, dmqreplicate, coldelim, colnull, reloadat)")
        }
    }
}

fileprivate extension String {
    /// Without leading and trailing blanks (space, tab, CR, LF).
    var blankTrimmed: String {
        var s = self[...]
        while let f = s.first, f == " " || f == "\t" || f == "\r" || f == "\n" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" || l == "\n" { s = s.dropLast() }
        return String(s)
    }
}
