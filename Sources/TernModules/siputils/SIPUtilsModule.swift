// siputils — Kamailio's SIP helpers: tests on the message and its R-URI (has_totag, is_user,
// uri_param, is_first_hop, is_supported, is_gruu …), R-URI changes (add_uri_param,
// uri_param_rm), URI text helpers (tel2sip, set_uri_user/host, cmp_uri, cmp_aor), string
// tests (is_e164, is_numeric …) and the stateless 200 to OPTIONS (options_reply).
import SIPCore
import TernRuntime
import TernScript

final class SIPUtilsModule: TernModule, @unchecked Sendable {
    let name = "siputils"
    /// Set by `configure`; options_reply needs it to send.
    private(set) var services: RuntimeServices?
    private(set) var options = OptionsReplyHeaders()

    var declaration: ModuleDeclaration {
        ModuleDeclaration(
            name: name,
            parameters: [
                ParameterDeclaration(name: "options_accept", type: .string),
                ParameterDeclaration(name: "options_accept_encoding", type: .string),
                ParameterDeclaration(name: "options_accept_language", type: .string),
                ParameterDeclaration(name: "options_support", type: .string),
            ],
            functions: [optionsReplyFunction] + SIPUtilsMessageChecks.functions(self) + SIPUtilsRequestURI.functions
                + SIPUtilsURIText.functions + SIPUtilsStringChecks.functions)
    }

    func configure(parameters: [ModuleParameterSetting], services: RuntimeServices) throws(ConfigurationError) {
        self.services = services
        for parameter in parameters {
            guard case .string(let value) = parameter.value else { continue }
            switch parameter.parameter {
            case "options_accept": options.accept = value
            case "options_accept_encoding": options.acceptEncoding = value
            case "options_accept_language": options.acceptLanguage = value
            case "options_support": options.supported = value
            default: break
            }
        }
    }
}
