import SIPCore

/// Core globals, `loadmodule` and `modparam`.
extension ScriptCompiler {
    func compileGlobal(_ g: GlobalAssignment) {
        guard let type = GlobalParameterTable.types[g.name] else {
            report(.error("unknown global parameter '\(g.name)'", at: g.location,
                          hint: DidYouMean.hint(for: g.name, among: GlobalParameterTable.types.keys)))
            return
        }
        func add(_ value: GlobalValue) {
            globals.append(GlobalSetting(name: g.name, value: value, location: g.location))
        }
        func mismatch(_ expected: String) {
            report(.error("'\(g.name)' expects \(expected)", at: g.valueLocation))
        }
        switch (type, g.value) {
        case (.int, .int(let i)), (.intOrWord, .int(let i)):
            add(.int(i))
            applyLimit(g.name, i)
        case (.int, _):
            mismatch("a number")
        case (.intOrWord, .identifier(let w)):
            add(.identifier(w))
        case (.intOrWord, _):
            mismatch("a number or a name")
        case (.string, .string(let s)), (.stringOrWord, .string(let s)):
            add(.string(s))
        case (.stringOrWord, .identifier(let w)):
            add(.identifier(w))
        case (.string, _):
            mismatch("a quoted string")
        case (.stringOrWord, _):
            mismatch("a quoted string or a name")
        case (.proto, .identifier(let w)), (.proto, .string(let w)):
            guard TransportProtocol(name: w) != nil else {
                mismatch("a transport (udp, tcp, tls, sctp, ws, wss)")
                return
            }
            add(.identifier(w))
        case (.proto, _):
            mismatch("a transport (udp, tcp, tls, sctp, ws, wss)")
        case (.address, .address(let text, _, _)), (.address, .string(let text)), (.address, .identifier(let text)):
            add(.string(text))
            if g.name == "alias" { addMyselfAlias(text) }
        case (.address, .addressList(let items)):
            for case .address(let text, _, _) in items {
                add(.string(text))
                if g.name == "alias" { addMyselfAlias(text) }
            }
        case (.address, _):
            mismatch("an address")
        case (.listen, .addressList(let items)):
            for item in items { compileListen(g, item) }
        case (.listen, let item):
            compileListen(g, item)
        }
    }

    private func applyLimit(_ name: String, _ value: Int) {
        switch name {
        case "max_while_loops": limits.maxWhileLoops = value
        case "max_recursive_level": limits.maxRecursionDepth = max(1, value)
        default: break
        }
    }

    private func compileListen(_ g: GlobalAssignment, _ value: GlobalValueSyntax) {
        let text: String
        var advertise: String?
        var name: String?
        switch value {
        case .address(let t, let a, let n):
            text = t
            advertise = a
            name = n
        case .string(let s):
            text = s
        case .identifier(let w):
            text = w
        case .int(let port):
            report(.error("'listen' expects an address, not the number \(port)", at: g.valueLocation, hint: "write listen=udp:127.0.0.1:\(port)"))
            return
        case .addressList:
            return
        }
        switch ListenSpec.parse(text) {
        case .success(var spec):
            if let advertise { spec.advertise = advertise }
            spec.name = name
            globals.append(GlobalSetting(name: g.name, value: .listen(spec), location: g.location))
            myself.add(host: spec.host, port: spec.port ?? (spec.proto == .tls ? 5061 : 5060))
            if let advertised = spec.advertise {
                let (host, port, _) = HostPort.split(advertised)
                myself.add(host: host, port: port ?? spec.port ?? 5060)
            }
        case .failure(let error):
            report(.error(error.message, at: g.valueLocation, hint: "write listen=[proto:]address[:port]"))
        }
    }

    private func addMyselfAlias(_ text: String) {
        var t = text
        for p in TransportProtocol.allCases where t.lowercased().hasPrefix(p.lowercaseName + ":") {
            t = String(t.dropFirst(p.lowercaseName.count + 1))
            break
        }
        let (host, port, _) = HostPort.split(t)
        myself.add(host: host, port: port)
    }

    // MARK: - Modules

    func loadModule(_ written: String, at location: SourceLocation) {
        var name = PathText.lastComponent(written)
        if name.hasSuffix(".so") { name = String(name.dropLast(3)) }
        guard !name.isEmpty else {
            report(.error("empty module name", at: location))
            return
        }
        if let first = loadedModuleLocations[name] {
            report(Diagnostic(.warning, at: location, "module '\(name)' is already loaded; this loadmodule is ignored",
                              notes: [Diagnostic(.note, at: first, "first loaded here")]))
            return
        }
        guard let declaration = availableModules[name] else {
            if KnownKamailioModules.contains(name) {
                loadedModuleLocations[name] = location
                report(.error("module '\(name)' is not built into Tern yet", at: location))
                return
            }
            report(.error("module '\(name)' not found", at: location,
                          hint: DidYouMean.hint(for: name, among: availableModules.keys)))
            return
        }
        loadedModules.append(declaration)
        loadedModuleLocations[name] = location
        moduleLoads.append(ModuleLoad(name: name, location: location))
    }

    func compileModuleParameter(_ p: ModuleParameterSyntax) {
        let targets: [ModuleDeclaration]
        if ScriptCompiler.looksLikeRegex(p.module) {
            let regex: POSIXRegex
            do {
                regex = try POSIXRegex("^(" + p.module + ")$", caseInsensitive: false)
            } catch {
                report(.error("bad module name pattern '\(p.module)': \(error.message)", at: p.moduleLocation))
                return
            }
            targets = loadedModules.filter { regex.matches($0.name) }
            guard !targets.isEmpty else {
                // Its module's own loadmodule line already says it is not built yet.
                if pendingModuleNames.contains(where: regex.matches) { return }
                report(.error("no loaded module matches '\(p.module)'", at: p.moduleLocation))
                return
            }
        } else {
            guard let m = loadedModules.first(where: { $0.name == p.module }) else {
                if pendingModuleNames.contains(p.module) { return }
                if availableModules[p.module] != nil {
                    report(.error("module '\(p.module)' is not loaded", at: p.moduleLocation,
                                  hint: "add loadmodule \"\(p.module).so\" before this modparam"))
                } else {
                    report(.error("unknown module '\(p.module)'", at: p.moduleLocation,
                                  hint: DidYouMean.hint(for: p.module, among: loadedModules.map(\.name) + Array(availableModules.keys))))
                }
                return
            }
            targets = [m]
        }
        var matched = 0
        for module in targets {
            guard let parameter = module.parameters.first(where: { $0.name == p.parameter }) else { continue }
            matched += 1
            switch (parameter.type, p.value) {
            case (.int, .string):
                report(.error("parameter '\(p.parameter)' of module '\(module.name)' expects a number, not a string", at: p.valueLocation))
                continue
            case (.string, .int):
                report(.error("parameter '\(p.parameter)' of module '\(module.name)' expects a string, not a number", at: p.valueLocation,
                              hint: "put the value in quotes"))
                continue
            default:
                break
            }
            moduleParameters.append(ModuleParameterSetting(module: module.name, parameter: p.parameter, value: p.value, location: p.location))
        }
        if matched == 0, !matchesPendingModule(p.module) {
            let names = targets.flatMap { $0.parameters.map(\.name) }
            let which = targets.count == 1 ? "module '\(targets[0].name)'" : "the modules matching '\(p.module)'"
            report(.error("\(which) has no parameter '\(p.parameter)'", at: p.parameterLocation,
                          hint: DidYouMean.hint(for: p.parameter, among: names)))
        }
    }

    static func looksLikeRegex(_ name: String) -> Bool {
        name.contains { "|*+?[]()^$\\.{}".contains($0) }
    }
}
