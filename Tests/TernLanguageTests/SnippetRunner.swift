import SIPCore
import TernScript
import TernTestSupport

/// Runs one snippet the way the server would: the config `request_route { <snippet> }` is
/// compiled by the real checker with every built-in module and the core functions in scope
/// (TernTestSupport's ScriptTestHarness), the modules the snippet names are configured, and
/// request_route runs on a fresh copy of its request, received over UDP from 127.0.0.1:38002
/// on 127.0.0.1:38001 (as Kamailio sees it when scripts/check-snippets-against-kamailio.py
/// sends it).
enum SnippetRunner {
    enum Outcome: Equatable, CustomStringConvertible {
        /// `$var(out)` as text.
        case value(String)
        /// The config was refused, with these diagnostics.
        case refused(String)
        /// The request itself did not parse (a broken table, not a Tern result).
        case badMessage(String)

        var description: String {
            switch self {
            case .value(let v): return "[\(v)]"
            case .refused(let d): return "config refused:\n\(d)"
            case .badMessage(let e): return "request does not parse: \(e)"
            }
        }
    }

    static let source = SocketAddressText(ip: "127.0.0.1", port: 38002)
    static let local = SocketAddressText(ip: "127.0.0.1", port: 38001)

    /// The config text: the same listen address Kamailio uses (so `myself` matches), the
    /// snippet's modules and top-level lines, and its lines as the whole of request_route.
    static func config(for snippet: Snippet) -> String {
        var lines = ["listen=udp:127.0.0.1:38001", "auto_aliases=no"]
        lines += snippet.modules.map { "loadmodule \"\($0).so\"" }
        lines += snippet.routes
        lines.append("request_route {")
        lines += snippet.body
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    static func run(_ snippet: Snippet) -> Outcome {
        let harness: ScriptTestHarness
        switch ScriptTestHarness.load(config(for: snippet)) {
        case .failure(let list):
            return .refused(list.description)
        case .success(let loaded):
            harness = loaded
        }
        let message: SIPMessage
        do {
            message = try SIPMessage.parse(try SnippetCatalog.message(named: snippet.message))
        } catch {
            return .badMessage("\(snippet.message): \(error)")
        }
        let context = ScriptTestHarness.context(message, source: source, local: local)
        _ = harness.config.script.run(.request, context)
        return .value(context.worker.variable(named: "out").stringValue)
    }
}
