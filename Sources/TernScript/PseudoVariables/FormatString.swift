/// Text with pseudo-variables in it (`"Missed call from $fU ($Tf)"`), split once at load time
/// into literal pieces and bound pseudo-variables. `$$` is a literal `$`; a null value prints
/// as `<null>` (spec §3.1).
public struct FormatString {
    enum Segment {
        case text(String)
        case value(PseudoVariableReference)
    }

    let segments: [Segment]
    /// The text as written.
    public let source: String

    init(source: String, segments: [Segment]) {
        self.source = source
        self.segments = segments
    }

    /// A format without pseudo-variables.
    public init(constant: String) {
        self.source = constant
        self.segments = constant.isEmpty ? [] : [.text(constant)]
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

    public func evaluate(_ ctx: ScriptContext) -> String {
        switch segments.count {
        case 0:
            return ""
        case 1:
            switch segments[0] {
            case .text(let t): return t
            case .value(let pv): return pv.get(ctx).formatText
            }
        default:
            var out = ""
            out.reserveCapacity(source.utf8.count + 16)
            for s in segments {
                switch s {
                case .text(let t): out += t
                case .value(let pv): out += pv.get(ctx).formatText
                }
            }
            return out
        }
    }
}
