/// The syntax tree of a configuration file, as written (before names are resolved).
/// Every node keeps the location of its first token.

struct ConfigAST {
    var items: [TopLevelItem] = []
}

enum TopLevelItem {
    case global(GlobalAssignment)
    case loadModule(name: String, location: SourceLocation)
    case moduleParameter(ModuleParameterSyntax)
    case flags([FlagDeclaration])
    case route(RouteBlockSyntax)
}

struct GlobalAssignment {
    var name: String
    var location: SourceLocation
    var value: GlobalValueSyntax
    var valueLocation: SourceLocation
}

enum GlobalValueSyntax {
    case int(Int)
    case string(String)
    /// A bare word such as `LOG_LOCAL0` or `TCP`.
    case identifier(String)
    /// Tokens joined back into text (`udp:127.0.0.1:5060`, `host.example.com:5060`), with the
    /// optional `advertise` and `name` parts of a listen line.
    case address(text: String, advertise: String?, name: String?)
    /// Several addresses on one `listen=` line.
    case addressList([GlobalValueSyntax])
}

struct ModuleParameterSyntax {
    var module: String
    var moduleLocation: SourceLocation
    var parameter: String
    var parameterLocation: SourceLocation
    var value: ScriptValue
    var valueLocation: SourceLocation
    var location: SourceLocation
}

struct FlagDeclaration {
    var name: String
    var bit: Int?
    var location: SourceLocation
}

enum RouteBlockKind: Equatable {
    case request, named, failure, onReply, coreReply, branch, onSend, event

    var keyword: String {
        switch self {
        case .request: return "request_route"
        case .named: return "route"
        case .failure: return "failure_route"
        case .onReply: return "onreply_route"
        case .coreReply: return "reply_route"
        case .branch: return "branch_route"
        case .onSend: return "onsend_route"
        case .event: return "event_route"
        }
    }
}

struct RouteBlockSyntax {
    var kind: RouteBlockKind
    var name: String?
    var nameLocation: SourceLocation
    var body: [Statement]
    var location: SourceLocation
}

indirect enum Statement {
    /// A function call (or `route(X)`) used as a statement.
    case call(CallSyntax)
    case assignment(target: PVOperand, value: Expression, location: SourceLocation)
    case ifElse(condition: Expression, then: [Statement], otherwise: [Statement]?, location: SourceLocation)
    case whileLoop(condition: Expression, body: [Statement], location: SourceLocation)
    case switchStatement(subject: Expression, cases: [SwitchCase], location: SourceLocation)
    case returnStatement(Expression?, location: SourceLocation)
    case exitStatement(Expression?, location: SourceLocation)
    case dropStatement(Expression?, location: SourceLocation)
    case breakStatement(location: SourceLocation)
    case block([Statement], location: SourceLocation)
    /// Left where a statement could not be parsed (already reported).
    case invalid(location: SourceLocation)
}

struct SwitchCase {
    enum Label {
        case int(Int)
        case string(String)
        /// `case /"regex":`
        case regex(String)
        case `default`
    }

    var label: Label
    var location: SourceLocation
    var body: [Statement]
}

struct PVOperand {
    var syntax: PseudoVariableSyntax
    var location: SourceLocation
}

struct CallSyntax {
    var name: String
    var arguments: [Expression]
    var location: SourceLocation
}

/// Words that compare message properties in conditions (spec §2.9).
enum ConditionKeyword: String, CaseIterable {
    case method, uri, status
    case fromURI = "from_uri", toURI = "to_uri"
    case sourceIP = "src_ip", destinationIP = "dst_ip"
    case sourcePort = "src_port", destinationPort = "dst_port"
    case proto, af
    case messageLength = "msg:len"
    case sendIP = "snd_ip", sendPort = "snd_port", sendProto = "snd_proto", sendAF = "snd_af"
    case toIP = "to_ip", toPort = "to_port"
}

enum BinaryOperator: String {
    case logicalOr = "||", logicalAnd = "&&"
    case bitOr = "|", bitAnd = "&", bitXor = "^", shiftLeft = "<<", shiftRight = ">>"
    case equal = "==", notEqual = "!=", match = "=~"
    case stringEqual = "eq", stringNotEqual = "ne", intEqual = "ieq", intNotEqual = "ine"
    case greater = ">", less = "<", greaterEqual = ">=", lessEqual = "<="
    case plus = "+", minus = "-", multiply = "*", divide = "/", modulo = "mod"

    var isEquality: Bool {
        switch self {
        case .equal, .notEqual, .match, .stringEqual, .stringNotEqual, .intEqual, .intNotEqual: return true
        default: return false
        }
    }

    var isRelational: Bool {
        switch self {
        case .greater, .less, .greaterEqual, .lessEqual: return true
        default: return false
        }
    }
}

enum UnaryOperator: String {
    case not = "!", bitNot = "~", negate = "-", defined = "defined"
}

enum CastType: String {
    case int, str
}

indirect enum Expression {
    case int(Int, SourceLocation)
    case string(String, SourceLocation)
    case pseudoVariable(PVOperand)
    /// A bare word: a flag name, a protocol (`UDP`), a method name after `method ==`...
    case identifier(String, SourceLocation)
    case ipv4(String, SourceLocation)
    case ipv6(String, SourceLocation)
    case keyword(ConditionKeyword, SourceLocation)
    case myself(SourceLocation)
    case call(CallSyntax)
    case unary(UnaryOperator, Expression, SourceLocation)
    case binary(BinaryOperator, Expression, Expression, SourceLocation)
    case cast(CastType, Expression, SourceLocation)
    /// Left where an expression could not be parsed (already reported).
    case invalid(SourceLocation)

    var location: SourceLocation {
        switch self {
        case .int(_, let l), .string(_, let l), .identifier(_, let l), .ipv4(_, let l), .ipv6(_, let l),
            .keyword(_, let l), .myself(let l), .unary(_, _, let l), .cast(_, _, let l), .invalid(let l):
            return l
        case .binary(_, let lhs, _, _):
            return lhs.location
        case .pseudoVariable(let p): return p.location
        case .call(let c): return c.location
        }
    }

    /// The location of the operator for binary expressions, otherwise of the expression.
    var operatorLocation: SourceLocation {
        if case .binary(_, _, _, let l) = self { return l }
        return location
    }

    var containsInvalid: Bool {
        switch self {
        case .invalid: return true
        case .unary(_, let e, _), .cast(_, let e, _): return e.containsInvalid
        case .binary(_, let a, let b, _): return a.containsInvalid || b.containsInvalid
        case .call(let c): return c.arguments.contains { $0.containsInvalid }
        default: return false
        }
    }
}
