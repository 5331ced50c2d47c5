import Foundation
import Testing
import TernTestSupport

/// JSON-RPC on the control socket and HTTP /RPC, and ternctl's commands over them.
@Suite("Management JSON-RPC and ternctl", .serialized)
struct ManagementRPCTests {
    @Test func jsonRPCOnTheControlSocket() throws {
        let server = try ManagementServer.start()
        defer { server.stop() }
        let reply = try #require(ControlSocketClient.exchange(socket: server.socket, #"{"jsonrpc":"2.0","method":"core.echo","params":["a",2],"id":"x"}"#))
        #expect(reply == "{\"jsonrpc\":\"2.0\",\"result\":[\"a\",\"2\"],\"id\":\"x\"}\n")
        let invalid = try #require(ControlSocketClient.exchange(socket: server.socket, #"{"jsonrpc": "2.0", "method": ]}"#))
        #expect(invalid.contains("\"code\":-32700"), "\(invalid)")
        // The socket is the server user's alone.
        var info = stat()
        #expect(lstat(server.socket, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
    }

    @Test func jsonRPCOverHTTPWithCurl() throws {
        let server = try ManagementServer.start()
        defer { server.stop() }
        let url = "http://127.0.0.1:\(server.tern.port)/RPC"
        let ok = try server.shell(#"curl -s -X POST -H 'Content-Type: application/json' --data '{"jsonrpc":"2.0","method":"core.version","id":1}' "# + url)
        #expect(ok.status == .exited(0), "\(ok)")
        #expect(ok.standardOutput.contains("\"result\":\t\"tern "), "\(ok)")
        let invalid = try server.shell(#"curl -s -X POST --data '{"jsonrpc":' "# + url)
        #expect(invalid.standardOutput.contains("-32700"), "\(invalid)")
        let get = try server.shell(#"curl -s -o /dev/null -w '%{http_code}' "# + url)
        #expect(get.standardOutput == "405", "\(get)")
        #expect(server.tern.answersPing())
    }

    @Test func httpIsServedOnlyWhenTheTransportAsksForIt() throws {
        let config = ManagementServer.config().replacingOccurrences(of: "modparam(\"jsonrpcs\", \"transport\", 3)\n", with: "")
        let server = try ManagementServer.start(config)
        defer { server.stop() }
        let refused = try server.shell(#"curl -s -o /dev/null -w '%{http_code}' -X POST --data '{"jsonrpc":"2.0","method":"core.version","id":1}' "# +
                                       "http://127.0.0.1:\(server.tern.port)/RPC")
        #expect(refused.standardOutput == "000", "\(refused)")
        #expect(server.tern.answersPing())
    }

    @Test func ternctlCommandsOverTheSocket() throws {
        let server = try ManagementServer.start()
        defer { server.stop() }
        let socket = ["--socket", server.socket]

        let uptime = try server.ternctl(["uptime"] + socket)
        #expect(uptime.status == .exited(0), "\(uptime)")
        #expect(uptime.standardOutput.wholeMatch(of: ManagementFIFOTests.uptimeText) != nil, "\(uptime)")

        let version = try server.ternctl(["version"] + socket)
        #expect(version.standardOutput.hasPrefix("tern "), "\(version)")

        let ps = try server.ternctl(["ps"] + socket)
        #expect(ps.standardOutput.hasPrefix("IDX"), "\(ps)")
        for role in ["main process - attendant", "MI FIFO", "ctl handler", "JSONRPCS FIFO", "udp receiver child=0", "tcp receiver child=1"] {
            #expect(ps.standardOutput.contains(role), "\(role) in \(ps)")
        }

        let which = try server.ternctl(["which"] + socket)
        #expect(which.standardOutput.split(separator: "\n").contains("cfg.reload"), "\(which)")

        let stats = try server.ternctl(["stats"] + socket + ["core:rcv_requests"])
        #expect(stats.standardOutput.contains("core:rcv_requests"), "\(stats)")

        let json = try server.ternctl(["rpc"] + socket + ["--json", "system.methodHelp", "s:core.echo"])
        #expect(json.standardOutput.hasPrefix("\"Returns its parameters"), "\(json)")

        let unknown = try server.ternctl(["rpc"] + socket + ["no.such.method"])
        #expect(unknown.status == .exited(1))
        #expect(unknown.standardError == "error: 500 - Method Not Found\n", "\(unknown)")

        // The FIFO works for JSON-RPC too.
        let overFIFO = try server.ternctl(["rpc", "--fifo", server.rpcFIFO, "--reply-dir", server.directory, "core.version"])
        #expect(overFIFO.standardOutput.hasPrefix("tern "), "\(overFIFO)")
    }

    @Test func ternctlSaysWhenTheServerIsNotRunning() throws {
        let directory = try TemporaryDirectory(prefix: "ternctl")
        let socket = try ChildProcess.run(executable: Ternctl.binary, arguments: ["uptime", "--socket", directory.file("absent")])
        #expect(socket.status == .exited(2), "\(socket)")
        #expect(socket.standardError.contains("is tern running"), "\(socket)")
        #expect(mkfifo(directory.file("orphan_fifo"), 0o600) == 0)
        let fifo = try ChildProcess.run(executable: Ternctl.binary, arguments: ["fifo", "--fifo", directory.file("orphan_fifo"), "uptime"])
        #expect(fifo.status == .exited(2), "\(fifo)")
        #expect(fifo.standardError.contains("nobody reads it"), "\(fifo)")
    }

    @Test func cfgReloadThroughTernctl() throws {
        let server = try ManagementServer.start(ManagementServer.config(reason: "Before"))
        defer { server.stop() }
        #expect(try optionsReason(server) == "Before")
        let config = ManagementServer.config(reason: "After")
            .replacingOccurrences(of: "{PORT}", with: String(server.tern.port))
            .replacingOccurrences(of: "{DIR}", with: server.directory)
        try replaceConfig(server, with: config)
        let reload = try server.ternctl(["cfg", "reload", "--socket", server.socket])
        #expect(reload.status == .exited(0), "\(reload)")
        #expect(reload.standardOutput.contains("config reloaded (generation 2)"), "\(reload)")
        #expect(try optionsReason(server) == "After")

        // A broken config: refused with its error (file:line), the old script serves on.
        try replaceConfig(server, with: config.replacingOccurrences(of: "sl_send_reply(\"200\", \"After\");", with: "sl_send_reply(\"200\", \"After\")"))
        let refused = try server.ternctl(["cfg", "reload", "--socket", server.socket])
        #expect(refused.status == .exited(1), "\(refused)")
        #expect(refused.standardError.contains(server.tern.configPath + ":"), "\(refused)")
        #expect(refused.standardError.contains("reload refused"), "\(refused)")
        #expect(try optionsReason(server) == "After")

        let check = try server.ternctl(["cfg", "check", server.tern.configPath])
        #expect(check.status == .exited(1), "\(check)")
    }

    @Test func userLocationThroughTernctlAndTheFIFO() throws {
        let server = try ManagementServer.start(ManagementServer.config(
            extraModules: "loadmodule \"usrloc.so\"\nloadmodule \"registrar.so\"",
            extraRoute: "if (method == \"REGISTER\") { save(\"location\"); exit; }"))
        defer { server.stop() }
        let socket = ["--socket", server.socket]
        let add = try server.ternctl(["ul", "add"] + socket + ["jiri", "sip:195.37.78.160:14519", "1012", "0.5"])
        #expect(add.status == .exited(0), "\(add)")
        let show = try server.ternctl(["ul", "show"] + socket + ["jiri"])
        #expect(show.standardOutput.contains("sip:195.37.78.160:14519"), "\(show)")
        let all = try server.ternctl(["ul", "show"] + socket)
        #expect(all.standardOutput.contains("jiri"), "\(all)")

        // The seed's serctl transcript, after an ul_add written as its PHP stub does.
        let script = """
            . "\(PackagePaths.root)/examples/ul_add.sh"
            write2fifo "$(printf ':ul_add:ul_reply\\nlocation\\nseed\\nsip:195.37.78.160:14519\\n1012\\n0.00\\n0\\n0\\n')" tern_fifo "$PWD/ul_reply"
            """
        let added = try server.shell(script)
        #expect(added.standardOutput.hasPrefix("200 "), "\(added)")
        let contact = try server.ternctl(["fifo", "--fifo", server.fifo, "--reply-dir", server.directory, "ul_show_contact", "location", "seed"])
        #expect(contact.standardOutput.wholeMatch(of: #/<sip:195\.37\.78\.160:14519>;q=0\.00;expires=10(0\d|1[0-2])\n/#) != nil, "\(contact)")

        let remove = try server.ternctl(["ul", "rm"] + socket + ["jiri"])
        #expect(remove.status == .exited(0), "\(remove)")
        let gone = try server.ternctl(["ul", "show"] + socket + ["jiri"])
        #expect(gone.status == .exited(1), "\(gone)")
    }

    @Test func jsonrpcExecFromTheScript() throws {
        let config = ManagementServer.config(
            extraParameters: "modparam(\"jsonrpcs\", \"pretty_format\", 0)",
            extraRoute: #"jsonrpc_exec("{\"jsonrpc\":\"2.0\",\"method\":\"core.echo\",\"params\":[\"hi\"],\"id\":1}"); sl_send_reply("200", "$jsonrpl(code) $jsonrpl(text) $jsonrpl(body)"); exit;"#)
        let server = try ManagementServer.start(config)
        defer { server.stop() }
        #expect(try optionsReason(server) == #"200 OK {"jsonrpc":"2.0","result":["hi"],"id":1}"#)
    }

    private func optionsReason(_ server: ManagementServer) throws -> String? {
        try server.tern.client.exchangeUDP { clientPort in
            SIPRequestBuilder.options(serverPort: server.tern.port, clientPort: clientPort, user: "mgmt")
        }?.reasonPhrase
    }

    private func replaceConfig(_ server: ManagementServer, with text: String) throws {
        let staging = server.tern.configPath + ".new"
        try text.write(toFile: staging, atomically: false, encoding: .utf8)
        _ = rename(staging, server.tern.configPath)
    }
}
