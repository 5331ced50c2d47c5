// textops — Kamailio's text operations on the message: regex search over the message, its
// headers or body; replace/subst (recorded as edits against the original bytes, applied when
// the message is sent, as Kamailio's lumps are: a later search still sees the original);
// adding and removing header lines; headers for local replies; string helpers.
import SIPCore
import TernRuntime
import TernScript

final class TextOpsModule: TernModule, @unchecked Sendable {
    let name = "textops"

    var declaration: ModuleDeclaration {
        ModuleDeclaration(
            name: name,
            functions: TextOpsSearch.functions + TextOpsReplace.functions + TextOpsSubst.functions
                + TextOpsHeaders.functions + TextOpsBody.functions + TextOpsStrings.functions
                + TextOpsRequest.functions + [AudioHold.function, MultipartFilter.function])
    }
}

/// Kamailio's route masks for textops functions.
enum TextOpsRoutes {
    /// REQUEST_ROUTE | FAILURE_ROUTE | BRANCH_ROUTE.
    static let requestFailureBranch: RouteTypes = [.request, .failure, .branch]
    /// REQUEST_ROUTE | ONREPLY_ROUTE | FAILURE_ROUTE | BRANCH_ROUTE (both reply routes).
    static let requestReplyFailureBranch: RouteTypes = [.request, .onReply, .coreReply, .failure, .branch]
}

/// Load-time argument checks shared by the textops functions (Kamailio's fixups).
enum TextOpsArguments {
    /// A constant regular expression, compiled once: case-insensitive, `^`/`$` at line ends.
    static func regex(_ argument: ScriptArgument, _ function: String, newlineSensitive: Bool = true) throws(Diagnostic) -> POSIXRegex {
        guard let pattern = argument.literalText else {
            throw .error("\(function): the regular expression must be a constant string", at: argument.location)
        }
        do {
            return try POSIXRegex(pattern, caseInsensitive: true, newlineSensitive: newlineSensitive)
        } catch {
            throw .error("\(function): bad regular expression '\(pattern)': \(error.message)", at: argument.location)
        }
    }

    /// Text taken as written (Kamailio passes it to the function without expanding variables).
    static func literal(_ argument: ScriptArgument, _ function: String) throws(Diagnostic) -> [UInt8] {
        guard let text = argument.literalText else {
            throw .error("\(function): this argument must be a constant string", at: argument.location)
        }
        return Array(text.utf8)
    }

    /// A header name, resolved once.
    static func headerName(_ argument: ScriptArgument, _ function: String) throws(Diagnostic) -> HeaderNameMatcher {
        guard let text = argument.literalText else {
            throw .error("\(function): the header name must be a constant string", at: argument.location)
        }
        guard let matcher = HeaderNameMatcher(text) else {
            throw .error("\(function): empty header name", at: argument.location)
        }
        return matcher
    }
}
