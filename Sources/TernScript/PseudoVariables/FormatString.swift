/// Text with pseudo-variables in it (`"Missed call from $fU ($Tf)"`), split once at load time
/// into literal pieces and bound pseudo-variables. `$$` is a literal `$`; a null value prints
/// as `<null>` (spec §3.1), a failed transformation as nothing.
public struct FormatString {
    enum Segment {
        case text(String)
        case value(PseudoVariableReference)
    }

    let segments: [Segment]
    /// The text as written.
    public let source: String
    /// Literal bytes per segment (empty for values), so expanding appends bytes without
    /// re-encoding the literals.
    private let literalBytes: [[UInt8]]
    /// A format that is one pseudo-variable, kept unwrapped: matching `.value(let pv)` per
    /// message would copy the reference out of the enum (retaining its text and closures).
    private let isSingleValue: Bool
    private let singleGetter: (ScriptContext) -> ScriptValue
    private let singleNullPrintsEmpty: Bool

    init(source: String, segments: [Segment]) {
        self.source = source
        self.segments = segments
        self.literalBytes = segments.map { s in
            if case .text(let t) = s { return Array(t.utf8) }
            return []
        }
        if segments.count == 1, case .value(let pv) = segments[0] {
            isSingleValue = true
            singleGetter = pv.getter
            singleNullPrintsEmpty = pv.nullPrintsEmpty
        } else {
            isSingleValue = false
            singleGetter = { _ in .null }
            singleNullPrintsEmpty = false
        }
    }

    /// A format without pseudo-variables.
    public init(constant: String) {
        self.init(source: constant, segments: constant.isEmpty ? [] : [.text(constant)])
    }

    /// True when there is nothing to expand.
    public var isConstant: Bool {
        !segments.contains { if case .value = $0 { return true } else { return false } }
    }

    /// The text, when the format has no pseudo-variables.
    public var constantValue: String? {
        guard isConstant else { return nil }
        return segments.reduce(into: "") { out, s in if case .text(let t) = s { out += t } }
    }

    static let nullText: [UInt8] = Array("<null>".utf8)

    /// The expanded text. One pseudo-variable alone costs what reading it costs; longer
    /// formats are built in one byte buffer.
    public func evaluate(_ ctx: ScriptContext) -> String {
        if isSingleValue {
            let v = singleGetter(ctx)
            if v.isNull { return singleNullPrintsEmpty ? "" : "<null>" }
            return v.stringValue
        }
        switch segments.count {
        case 0:
            return ""
        case 1:
            switch segments[0] {
            case .text(let t): return t
            case .value(let pv):
                let v = pv.get(ctx)
                if v.isNull { return pv.nullPrintsEmpty ? "" : "<null>" }
                return v.stringValue
            }
        default:
            var out: [UInt8] = []
            out.reserveCapacity(source.utf8.count + 48)
            append(to: &out, ctx)
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// Appends the expanded text to `out`.
    public func append(to out: inout [UInt8], _ ctx: ScriptContext) {
        for (i, s) in segments.enumerated() {
            switch s {
            case .text:
                out.append(contentsOf: literalBytes[i])
            case .value(let pv):
                let view = pv.view(ctx)
                if view.isNull {
                    if !pv.nullPrintsEmpty { out.append(contentsOf: FormatString.nullText) }
                } else {
                    view.withUTF8 { out.append(contentsOf: $0) }
                }
            }
        }
    }
}
