import SIPCore
import Testing

@testable import TernScript

/// The Kamailio configurations of the benchmark harness (kept beside the repository, in
/// shared/bench/kamailio): Tern must load them unchanged.
enum BenchConfigs {
    static let directory: String = {
        // Tests/TernScriptTests/<file> → repository root → ../shared/bench/kamailio
        var path = PathText.directory(of: #filePath)
        for _ in 0..<2 { path = PathText.directory(of: path) }
        return PathText.join(PathText.directory(of: path), "shared/bench/kamailio")
    }()

    static let names = ["stateless", "proxy-stateless", "proxy-stateful", "register", "register-auth"]

    static var available: Bool {
        FileSystemSourceProvider().contents(ofFile: PathText.join(directory, "stateless.cfg")) != nil
    }

    static func path(_ name: String) -> String { PathText.join(directory, name + ".cfg") }

    static func stub(_ name: String, _ arity: ClosedRange<Int>, _ types: RouteTypes = .any) -> FunctionDeclaration {
        FunctionDeclaration(name: name, argumentCounts: arity, routeTypes: types) { _, _ throws(Diagnostic) in { _ in 1 } }
    }

    /// Declarations with the functions, parameters and pseudo-variables the five configs use.
    static func symbols(sl: Recorder) -> ScriptSymbols {
        let htable = ModuleDeclaration(
            name: "htable", parameters: [ParameterDeclaration(name: "htable", type: .string, repeatable: true)],
            pseudoVariables: [PseudoVariableDeclaration(name: "sht", innerName: .required) { b throws(Diagnostic) in
                // Check the key the way htable will: table=>key, key may hold pseudo-variables.
                let parts = (b.inner ?? "").split(separator: "=", maxSplits: 1)
                guard parts.count == 2, parts[1].hasPrefix(">") else { throw b.error("expected $sht(table=>key)") }
                _ = try b.compileFormat(String(parts[1].dropFirst()))
                return PseudoVariableAccessors(get: { _ in .null }, set: { _, _ in })
            }])
        return ScriptSymbols(
            availableModules: [
                TestModules.sl(calls: sl),
                ModuleDeclaration(name: "tm", functions: [stub("t_relay", 0...2, [.request, .failure]), stub("t_check_trans", 0...0)]),
                ModuleDeclaration(name: "pv"),
                ModuleDeclaration(name: "rr", functions: [stub("loose_route", 0...0, .request), stub("record_route", 0...1, [.request, .branch, .failure])]),
                ModuleDeclaration(name: "usrloc", parameters: [ParameterDeclaration(name: "db_mode", type: .int)]),
                ModuleDeclaration(name: "registrar", functions: [stub("save", 1...3, [.request, .failure, .onReply])]),
                htable,
                ModuleDeclaration(
                    name: "auth", parameters: [ParameterDeclaration(name: "secret", type: .string)],
                    functions: [stub("www_challenge", 2...2, .request), stub("pv_www_authenticate", 3...4, .request), stub("consume_credentials", 0...0, .request)]),
            ],
            coreFunctions: [stub("forward", 0...2, [.request, .failure, .branch, .onReply, .coreReply])])
    }
}

@Suite(.enabled(if: BenchConfigs.available, "the benchmark configurations are not beside the repository"))
struct BenchConfigTests {
    @Test func statelessLoadsWithTheSlModuleAndAnsweredRequests() throws {
        let sl = Recorder()
        let symbols = ScriptSymbols(availableModules: [TestModules.sl(calls: sl)], coreFunctions: [])
        let result = ConfigLoader.load(ConfigLoadRequest(path: BenchConfigs.path("stateless"), defines: [("PORT", "5090")]), symbols: symbols)
        let config: LoadedConfig
        switch result {
        case .success(let c): config = c
        case .failure(let list):
            Issue.record("stateless.cfg did not load:\n\(list)")
            return
        }
        #expect(config.modules.map(\.name) == ["sl"])
        #expect(config.globals(named: "listen") == [.listen(ListenSpec(proto: .udp, host: "127.0.0.1", port: 5090))])
        #expect(config.global("children") == .int(2))
        #expect(config.global("debug") == .int(-1))
        #expect(config.compatibility == .kamailio)
        #expect(config.warnings.isEmpty)

        let (invite, _) = runRequest(config, sipRequest("INVITE"))
        #expect(invite.exited)
        let (ack, _) = runRequest(config, sipRequest("ACK"))
        #expect(ack.exited)
        #expect(sl.values == ["200 OK"])
    }

    @Test func thePortDefaultsWhenNotGiven() throws {
        let result = ConfigLoader.load(ConfigLoadRequest(path: BenchConfigs.path("stateless")),
                                       symbols: ScriptSymbols(availableModules: [TestModules.sl()], coreFunctions: []))
        let config = try result.get()
        #expect(config.globals(named: "listen") == [.listen(ListenSpec(proto: .udp, host: "127.0.0.1", port: 5070))])
    }

    @Test(arguments: BenchConfigs.names)
    func everyConfigParses(_ name: String) {
        let (ast, diagnostics) = ConfigLoader.parse(ConfigLoadRequest(path: BenchConfigs.path(name)), provider: FileSystemSourceProvider())
        #expect(diagnostics.isEmpty, "\(diagnostics.map(\.description))")
        let expected: [String: Set<String>] = [
            "stateless": ["sl_send_reply"],
            "proxy-stateless": ["sl_send_reply", "loose_route", "forward", "record_route"],
            "proxy-stateful": ["sl_send_reply", "t_check_trans", "t_relay", "loose_route", "record_route", "sl_reply_error"],
            "register": ["save", "sl_reply_error", "sl_send_reply"],
            "register-auth": ["sl_send_reply", "www_challenge", "pv_www_authenticate", "consume_credentials", "save", "sl_reply_error"],
        ]
        #expect(functionNames(ast) == expected[name])
    }

    @Test(arguments: BenchConfigs.names)
    func everyConfigLoadsWithItsModulesDeclared(_ name: String) {
        let result = ConfigLoader.load(ConfigLoadRequest(path: BenchConfigs.path(name), defines: [("PORT", "35070"), ("UAS_PORT", "35080")]),
                                       symbols: BenchConfigs.symbols(sl: Recorder()))
        if case .failure(let list) = result {
            Issue.record("\(name).cfg did not load:\n\(list)")
        }
    }

    @Test func proxyStatelessSetsTheDestination() throws {
        let config = try ConfigLoader.load(ConfigLoadRequest(path: BenchConfigs.path("proxy-stateless"), defines: [("UAS_PORT", "35080")]),
                                           symbols: BenchConfigs.symbols(sl: Recorder())).get()
        let (outcome, ctx) = runRequest(config, sipRequest("INVITE"))
        #expect(outcome.exited)
        #expect(ctx.destinationURI == "sip:127.0.0.1:35080")
    }

    /// Names of the functions a syntax tree calls (route() excluded).
    func functionNames(_ ast: ConfigAST) -> Set<String> {
        var names: Set<String> = []
        func visit(_ e: Expression) {
            switch e {
            case .call(let c):
                if c.name != "route" { names.insert(c.name) }
                c.arguments.forEach(visit)
            case .unary(_, let x, _), .cast(_, let x, _): visit(x)
            case .binary(_, let a, let b, _):
                visit(a)
                visit(b)
            default: break
            }
        }
        func visit(_ statements: [Statement]) {
            for s in statements {
                switch s {
                case .call(let c): visit(.call(c))
                case .assignment(_, let v, _): visit(v)
                case .ifElse(let c, let t, let o, _):
                    visit(c)
                    visit(t)
                    if let o { visit(o) }
                case .whileLoop(let c, let b, _):
                    visit(c)
                    visit(b)
                case .switchStatement(let e, let cases, _):
                    visit(e)
                    cases.forEach { visit($0.body) }
                case .returnStatement(let e, _), .exitStatement(let e, _), .dropStatement(let e, _):
                    if let e { visit(e) }
                case .block(let b, _): visit(b)
                case .breakStatement, .invalid: break
                }
            }
        }
        for case .route(let r) in ast.items { visit(r.body) }
        return names
    }
}
