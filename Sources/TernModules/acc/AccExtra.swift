import TernScript

/// One `name=$pv` pair of `log_extra` / `db_extra`, as written.
struct AccExtraSpec: Sendable, Equatable {
    var name: String
    var pseudoVariable: String

    /// Parses Kamailio's extra syntax: `name=$pv;name2=$pv2` (spaces allowed around each
    /// part). A `;` inside parentheses belongs to the pseudo-variable (`$(hdr(X){s.select,0,;})`).
    static func parse(_ text: String) -> Result<[AccExtraSpec], AccSettingError> {
        var out: [AccExtraSpec] = []
        var pieces: [Substring] = []
        var depth = 0
        var start = text.startIndex
        for i in text.indices {
            switch text[i] {
            case "(", "{": depth += 1
            case ")", "}": depth = max(0, depth - 1)
            case ";" where depth == 0:
                pieces.append(text[start ..< i])
                start = text.index(after: i)
            default: break
            }
        }
        pieces.append(text[start...])
        if pieces.count == 1, pieces[0].trimmingSpaces.isEmpty { return .success([]) }
        for (n, piece) in pieces.enumerated() {
            let item = piece.trimmingSpaces
            guard !item.isEmpty else {
                return .failure(AccSettingError(text: n == pieces.count - 1 ? "nothing after the last ';'" : "an empty item between ';'"))
            }
            guard let equals = item.firstIndex(of: "=") else {
                return .failure(AccSettingError(text: "'\(item)' is not name=$pseudo-variable"))
            }
            let name = item[..<equals].trimmingSpaces
            let value = item[item.index(after: equals)...].trimmingSpaces
            guard !name.isEmpty, !name.contains(where: { $0 == " " || $0 == "\t" }) else {
                return .failure(AccSettingError(text: "'\(item)' has no name before '='"))
            }
            guard value.first == "$", value.count > 1 else {
                return .failure(AccSettingError(text: "'\(item)': the value must be a pseudo-variable ($fU, $hdr(X) …)"))
            }
            out.append(AccExtraSpec(name: String(name), pseudoVariable: String(value)))
        }
        return .success(out)
    }
}

/// The extras bound to the script's pseudo-variables once, at start-up.
struct AccExtraColumns {
    var names: [String]
    var values: [PseudoVariableReference]

    static let none = AccExtraColumns(names: [], values: [])

    init(names: [String], values: [PseudoVariableReference]) {
        self.names = names
        self.values = values
    }

    init(_ specs: [AccExtraSpec], script: CompiledScript, at location: SourceLocation) throws(Diagnostic) {
        names = specs.map(\.name)
        values = []
        for spec in specs { values.append(try script.bindPseudoVariable(spec.pseudoVariable, at: location)) }
    }

    /// Each value now: nil for a null pseudo-variable (an empty text in the log line).
    func evaluate(_ ctx: ScriptContext) -> [String?] {
        values.map { pv in
            switch pv.get(ctx) {
            case .null: return nil
            case .int(let v): return String(v)
            case .string(let s): return s
            }
        }
    }
}
