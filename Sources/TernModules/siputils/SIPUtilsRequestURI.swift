// siputils functions on the R-URI's parameters: uri_param, uri_param_any, get_uri_param,
// add_uri_param, uri_param_rm. They read the R-URI as the script has rewritten it.
import SIPCore
import TernScript

enum SIPUtilsRequestURI {
    /// Kamailio's REQUEST_ROUTE | BRANCH_ROUTE | FAILURE_ROUTE.
    static let requestBranchFailure: RouteTypes = [.request, .branch, .failure]

    static var functions: [FunctionDeclaration] {
        [
            FunctionDeclaration(name: "uri_param", argumentCounts: 1...2, routeTypes: SIPUtilsRequestURI.requestBranchFailure) { args, _ throws(Diagnostic) in
                let name = try args[0].formatString()
                let value = try args.count > 1 ? args[1].formatString() : nil
                return { ctx in
                    guard let current = RequestURIText(ctx), let uri = current.uri else { return -1 }
                    let wanted = Array(name.evaluate(ctx).utf8)
                    // Names and values compare case-sensitively here, as Kamailio does.
                    guard let param = uri.params(in: current.bytes).first(where: { current.bytes[$0.name].elementsEqual(wanted) }) else {
                        return -1
                    }
                    let actual = param.value.map { current.bytes[$0] } ?? []
                    if let value {
                        return actual.elementsEqual(value.evaluate(ctx).utf8) ? 1 : -1
                    }
                    // Without a value to compare, only a parameter without value matches.
                    return actual.isEmpty ? 1 : -1
                }
            },
            FunctionDeclaration(name: "uri_param_any", argumentCounts: 1...1, routeTypes: SIPUtilsRequestURI.requestBranchFailure) { args, _ throws(Diagnostic) in
                let name = try args[0].formatString()
                return { ctx in
                    guard let current = RequestURIText(ctx), let uri = current.uri else { return -1 }
                    return uri.param(named: name.evaluate(ctx), in: current.bytes) != nil ? 1 : -1
                }
            },
            FunctionDeclaration(
                name: "get_uri_param", argumentCounts: 2...2, routeTypes: .request, argumentKinds: [.literal, .pseudoVariable]
            ) { args, _ throws(Diagnostic) in
                guard let name = args[0].literalText.map({ Array($0.utf8) }) else {
                    throw .error("get_uri_param: the parameter name must be a constant string", at: args[0].location)
                }
                let target = try args[1].pseudoVariable()
                return { ctx in
                    guard let current = RequestURIText(ctx), let uri = current.uri,
                          let param = uri.params(in: current.bytes).first(where: { current.bytes[$0.name].elementsEqual(name) })
                    else { return -1 }
                    let value = param.value.map { String(decoding: current.bytes[$0], as: UTF8.self) } ?? ""
                    _ = target.set(ctx, .string(value))
                    return 1
                }
            },
            FunctionDeclaration(name: "add_uri_param", argumentCounts: 1...1, routeTypes: .request, argumentKinds: [.literal]) { args, _ throws(Diagnostic) in
                guard let param = args[0].literalText.map({ Array($0.utf8) }) else {
                    throw .error("add_uri_param: the parameter must be a constant string", at: args[0].location)
                }
                return { ctx in
                    guard !param.isEmpty else { return 1 }
                    guard let current = RequestURIText(ctx), let uri = current.uri else { return -1 }
                    // The parameter goes before any `?headers`.
                    let insertAt = uri.headers.map { $0.lowerBound - 1 } ?? current.bytes.count
                    let rewritten = current.bytes[..<insertAt] + [UInt8(ascii: ";")] + param + current.bytes[insertAt...]
                    ctx.newRequestURI = String(decoding: rewritten, as: UTF8.self)
                    return 1
                }
            },
            FunctionDeclaration(name: "uri_param_rm", argumentCounts: 1...1, routeTypes: SIPUtilsRequestURI.requestBranchFailure) { args, _ throws(Diagnostic) in
                let name = try args[0].formatString()
                return { ctx in
                    guard let current = RequestURIText(ctx), let uri = current.uri else { return -1 }
                    guard let param = uri.param(named: name.evaluate(ctx), in: current.bytes) else { return 1 }
                    // Remove `;name[=value]`: from the ';' before the name to the end of the parameter.
                    var start = param.name.lowerBound
                    while start > 0 && current.bytes[start] != UInt8(ascii: ";") { start -= 1 }
                    let end = param.value?.upperBound ?? param.name.upperBound
                    let rewritten = current.bytes[..<start] + current.bytes[end...]
                    ctx.newRequestURI = String(decoding: rewritten, as: UTF8.self)
                    return 1
                }
            },
        ]
    }
}
