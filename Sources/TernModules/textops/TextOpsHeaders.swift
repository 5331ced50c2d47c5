// textops header functions: append_hf / insert_hf / append_urihf add lines, the remove_hf
// family deletes whole lines (name to CRLF), is_present_hf* test for a header. Added and
// removed lines are edits: `$hdr(...)` in the same route still reads the received message.
import SIPCore
import TernScript

enum TextOpsHeaders {
    static var functions: [FunctionDeclaration] {
        [
            addHeader("append_hf", append: true),
            addHeader("insert_hf", append: false),
            FunctionDeclaration(name: "append_urihf", argumentCounts: 2...2, routeTypes: TextOpsRoutes.requestFailureBranch, argumentKinds: [.literal, .literal]) { args, _ throws(Diagnostic) in
                let prefix = try TextOpsArguments.literal(args[0], "append_urihf")
                let suffix = try TextOpsArguments.literal(args[1], "append_urihf")
                return { ctx in
                    let m = ctx.message
                    // The request line's URI, as received (Kamailio uses it, not a rewritten one).
                    let line = prefix + m.bytes[m.requestURIRange] + suffix
                    ctx.edits.insert(line, at: m.emptyLineOffset)
                    return 1
                }
            },
            FunctionDeclaration(name: "remove_hf", argumentCounts: 1...1, routeTypes: .any, argumentKinds: [.literal]) { args, _ throws(Diagnostic) in
                let header = try TextOpsArguments.headerName(args[0], "remove_hf")
                return { ctx in removeHeaders(ctx) { field, bytes in header.matches(field, in: bytes) } > 0 ? 1 : -1 }
            },
            FunctionDeclaration(name: "remove_hf_pv", argumentCounts: 1...1, routeTypes: .any) { args, _ throws(Diagnostic) in
                let name = try args[0].formatString()
                return { ctx in
                    guard let header = HeaderNameMatcher(name.evaluate(ctx)) else { return -1 }
                    removeHeaders(ctx) { field, bytes in header.matches(field, in: bytes) }
                    return 1
                }
            },
            FunctionDeclaration(name: "remove_hf_re", argumentCounts: 1...1, routeTypes: .any, argumentKinds: [.literal]) { args, _ throws(Diagnostic) in
                let regex = try TextOpsArguments.regex(args[0], "remove_hf_re")
                return { ctx in removeHeaders(ctx) { field, bytes in regex.matches(bytes, field.nameRange) } > 0 ? 1 : -1 }
            },
            FunctionDeclaration(name: "remove_hf_re_pv", argumentCounts: 1...1, routeTypes: .any) { args, _ throws(Diagnostic) in
                let pattern = try DynamicRegex(args[0], "remove_hf_re_pv")
                return { ctx in
                    guard let regex = pattern.regex(ctx) else { return -1 }
                    return removeHeaders(ctx) { field, bytes in regex.matches(bytes, field.nameRange) } > 0 ? 1 : -1
                }
            },
            FunctionDeclaration(name: "remove_hf_exp", argumentCounts: 2...2, routeTypes: .any, argumentKinds: [.literal, .literal]) { args, _ throws(Diagnostic) in
                let match = try TextOpsArguments.regex(args[0], "remove_hf_exp")
                let skip = try TextOpsArguments.regex(args[1], "remove_hf_exp")
                return { ctx in removeMatchingNames(ctx, match, skip) }
            },
            FunctionDeclaration(name: "remove_hf_exp_pv", argumentCounts: 2...2, routeTypes: .any) { args, _ throws(Diagnostic) in
                let match = try DynamicRegex(args[0], "remove_hf_exp_pv")
                let skip = try DynamicRegex(args[1], "remove_hf_exp_pv")
                return { ctx in
                    guard let m = match.regex(ctx), let s = skip.regex(ctx) else { return -1 }
                    return removeMatchingNames(ctx, m, s)
                }
            },
            FunctionDeclaration(name: "remove_hf_idx", argumentCounts: 2...2, routeTypes: .any) { args, _ throws(Diagnostic) in
                let name = try args[0].formatString()
                let index = args[1]
                if index.isConstant, index.constantInt == nil {
                    throw .error("remove_hf_idx: the index must be a number", at: index.location)
                }
                return { ctx in
                    guard let header = HeaderNameMatcher(name.evaluate(ctx)), let idx = index.evaluateInt(ctx) else { return -1 }
                    return removeHeader(ctx, header, index: idx)
                }
            },
            FunctionDeclaration(name: "remove_hf_match", argumentCounts: 3...3, routeTypes: .any) { args, _ throws(Diagnostic) in
                try removeHeaderMatch(args)
            },
            FunctionDeclaration(name: "is_present_hf", argumentCounts: 1...1, routeTypes: .any, argumentKinds: [.literal]) { args, _ throws(Diagnostic) in
                let header = try TextOpsArguments.headerName(args[0], "is_present_hf")
                return { ctx in isPresent(ctx.message) { field, bytes in header.matches(field, in: bytes) } }
            },
            FunctionDeclaration(name: "is_present_hf_pv", argumentCounts: 1...1, routeTypes: .any) { args, _ throws(Diagnostic) in
                let name = try args[0].formatString()
                return { ctx in
                    guard let header = HeaderNameMatcher(name.evaluate(ctx)) else { return -1 }
                    return isPresent(ctx.message) { field, bytes in header.matches(field, in: bytes) }
                }
            },
            FunctionDeclaration(name: "is_present_hf_re", argumentCounts: 1...1, routeTypes: .any, argumentKinds: [.literal]) { args, _ throws(Diagnostic) in
                let regex = try TextOpsArguments.regex(args[0], "is_present_hf_re")
                return { ctx in isPresent(ctx.message) { field, bytes in regex.matches(bytes, field.nameRange) } }
            },
            FunctionDeclaration(name: "is_present_hf_re_pv", argumentCounts: 1...1, routeTypes: .any) { args, _ throws(Diagnostic) in
                let pattern = try DynamicRegex(args[0], "is_present_hf_re_pv")
                return { ctx in
                    guard let regex = pattern.regex(ctx) else { return -1 }
                    return isPresent(ctx.message) { field, bytes in regex.matches(bytes, field.nameRange) }
                }
            },
        ]
    }

    /// append_hf(text[, after]) / insert_hf(text[, before]): the text (PVs expanded) goes after
    /// the last header named `after` or at the end of the headers; before the first header
    /// named `before` or before all headers.
    private static func addHeader(_ name: String, append: Bool) -> FunctionDeclaration {
        FunctionDeclaration(name: name, argumentCounts: 1...2, routeTypes: .any, argumentKinds: [.format, .literal]) { args, _ throws(Diagnostic) in
            let text = try args[0].formatString()
            let anchor = args.count > 1 ? try TextOpsArguments.headerName(args[1], name) : nil
            return { ctx in
                let line = Array(text.evaluate(ctx).utf8)
                guard !line.isEmpty else { return -1 }
                let m = ctx.message
                var offset = append ? m.emptyLineOffset : m.firstHeaderOffset
                if let anchor {
                    let bytes = m.bytes
                    let matching = m.headers.indices.filter { anchor.matches(m.headers[$0], in: bytes) }
                    if append, let last = matching.last {
                        offset = m.headerLineRange(last).upperBound
                    } else if !append, let first = matching.first {
                        offset = m.headers[first].nameRange.lowerBound
                    }
                }
                ctx.edits.insert(line, at: offset)
                return 1
            }
        }
    }

    /// Deletes the whole line of every header `matches` accepts; returns how many.
    @discardableResult
    static func removeHeaders(_ ctx: ScriptContext, _ matches: (SIPHeaderField, [UInt8]) -> Bool) -> Int {
        let m = ctx.message
        let bytes = m.bytes
        var count = 0
        for i in m.headers.indices where matches(m.headers[i], bytes) {
            ctx.edits.delete(m.headerLineRange(i))
            count += 1
        }
        return count
    }

    private static func removeMatchingNames(_ ctx: ScriptContext, _ match: POSIXRegex, _ skip: POSIXRegex) -> Int {
        removeHeaders(ctx) { field, bytes in
            !skip.matches(bytes, field.nameRange) && match.matches(bytes, field.nameRange)
        } > 0 ? 1 : -1
    }

    /// remove_hf_idx: index 0 is the first header of that name, -1 the last. 1 when removed
    /// (or when a negative index reaches before the first), 2 when a positive index is past the last.
    static func removeHeader(_ ctx: ScriptContext, _ header: HeaderNameMatcher, index: Int) -> Int {
        let m = ctx.message
        let matching = m.headers.indices.filter { header.matches(m.headers[$0], in: m.bytes) }
        let position = index >= 0 ? index : matching.count + index
        guard position >= 0 else { return 1 }
        guard position < matching.count else { return 2 }
        ctx.edits.delete(m.headerLineRange(matching[position]))
        return 1
    }

    private static func isPresent(_ m: SIPMessage, _ matches: (SIPHeaderField, [UInt8]) -> Bool) -> Int {
        let bytes = m.bytes
        for field in m.headers where matches(field, bytes) { return 1 }
        return -1
    }

    /// remove_hf_match(name, op, value): removes the headers whose value is `eq` / `ne` to the
    /// value, contains it (`in`) or matches it as a regex (`re`). 1 when any was removed, -2
    /// when none, -1 for an unknown operator.
    private static func removeHeaderMatch(_ args: [ScriptArgument]) throws(Diagnostic) -> CompiledCall {
        let name = try args[0].formatString()
        let op = try args[1].formatString()
        let value = try args[2].formatString()
        if let constantOp = op.constantValue, ValueTest.Operator(constantOp) == nil {
            throw .error("remove_hf_match: unknown operator '\(constantOp)' (use eq, ne, in or re)", at: args[1].location)
        }
        var constantRegex: POSIXRegex?
        if let constantOp = op.constantValue, ValueTest.Operator(constantOp) == .regex, let pattern = value.constantValue {
            do {
                constantRegex = try POSIXRegex.moduleArgument(pattern)
            } catch {
                throw .error("remove_hf_match: bad regular expression '\(pattern)': \(error.message)", at: args[2].location)
            }
        }
        return { ctx in
            guard let header = HeaderNameMatcher(name.evaluate(ctx)),
                  let test = ValueTest(op.evaluate(ctx), value.evaluate(ctx), compiled: constantRegex)
            else { return -1 }
            return removeHeaders(ctx) { field, bytes in
                header.matches(field, in: bytes) && test.matches(bytes, field.valueRange)
            } > 0 ? 1 : -2
        }
    }
}

/// A test of a header value for remove_hf_match.
struct ValueTest {
    enum Operator {
        case equal, notEqual, contains, regex

        init?(_ text: String) {
            switch text.lowercased() {
            case "eq": self = .equal
            case "ne": self = .notEqual
            case "in": self = .contains
            case "re": self = .regex
            default: return nil
            }
        }
    }

    let op: Operator
    let value: [UInt8]
    let regex: POSIXRegex?

    init?(_ opText: String, _ valueText: String, compiled: POSIXRegex?) {
        guard let op = Operator(opText) else { return nil }
        self.op = op
        value = Array(valueText.utf8)
        if op == .regex {
            guard let r = compiled ?? (try? POSIXRegex.moduleArgument(valueText)) else { return nil }
            regex = r
        } else {
            regex = nil
        }
    }

    func matches(_ bytes: [UInt8], _ range: Range<Int>) -> Bool {
        switch op {
        case .equal: return bytes[range].elementsEqual(value)
        case .notEqual: return !bytes[range].elementsEqual(value)
        case .contains: return value.isEmpty || TextOpsReplace.find(value, in: bytes, range) != nil
        case .regex: return regex?.matches(bytes, range) ?? false
        }
    }
}

/// A regex given as a string that may hold pseudo-variables: compiled once when constant,
/// else for each message.
struct DynamicRegex {
    private let constant: POSIXRegex?
    private let format: FormatString

    init(_ argument: ScriptArgument, _ function: String) throws(Diagnostic) {
        format = try argument.formatString()
        if let pattern = format.constantValue {
            do {
                constant = try POSIXRegex.moduleArgument(pattern)
            } catch {
                throw .error("\(function): bad regular expression '\(pattern)': \(error.message)", at: argument.location)
            }
        } else {
            constant = nil
        }
    }

    func regex(_ ctx: ScriptContext) -> POSIXRegex? {
        if let constant { return constant }
        let pattern = format.evaluate(ctx)
        do {
            return try POSIXRegex.moduleArgument(pattern)
        } catch {
            ctx.worker.logger.error("bad regular expression '\(pattern)': \(error.message)")
            return nil
        }
    }
}
