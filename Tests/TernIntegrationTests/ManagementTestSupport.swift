import Foundation
import TernTestSupport

/// A Tern with every management transport on, all inside its test directory: the mi_fifo
/// FIFO, the jsonrpcs FIFO, the ctl socket, HTTP /RPC on the SIP TCP port.
struct ManagementServer {
    let tern: TernProcess

    var directory: String { tern.directory.path }
    var fifo: String { directory + "/tern_fifo" }
    var rpcFIFO: String { directory + "/tern_rpc.fifo" }
    var socket: String { directory + "/tern_ctl" }

    static func config(extraModules: String = "", extraParameters: String = "", extraRoute: String = "", reason: String = "Managed") -> String {
        """
        #!KAMAILIO
        debug=2
        log_stderror=yes
        children=2
        listen=udp:127.0.0.1:{PORT}
        listen=tcp:127.0.0.1:{PORT}
        loadmodule "sl.so"
        \(extraModules)
        loadmodule "mi_fifo.so"
        loadmodule "ctl.so"
        loadmodule "jsonrpcs.so"
        modparam("mi_fifo", "fifo_name", "{DIR}/tern_fifo")
        modparam("mi_fifo", "reply_dir", "{DIR}/")
        modparam("ctl", "binrpc", "unix:{DIR}/tern_ctl")
        modparam("jsonrpcs", "fifo_name", "{DIR}/tern_rpc.fifo")
        modparam("jsonrpcs", "fifo_reply_dir", "{DIR}/")
        modparam("jsonrpcs", "transport", 3)
        \(extraParameters)
        request_route {
            \(extraRoute)
            if (method == "ACK") { exit; }
            sl_send_reply("200", "\(reason)");
        }

        """
    }

    static func start(_ config: String = config()) throws -> ManagementServer {
        ManagementServer(tern: try TernProcess.start(config: config))
    }

    func stop() { tern.stop() }

    /// ternctl with `arguments` (the connection options come first where a test wants them).
    func ternctl(_ arguments: [String], timeout: Duration = .seconds(20)) throws -> CommandResult {
        try ChildProcess.run(executable: Ternctl.binary, arguments: arguments, workingDirectory: directory, timeout: timeout)
    }

    /// A shell script run in the test directory (the seed's examples are shell scripts).
    func shell(_ script: String, timeout: Duration = .seconds(20)) throws -> CommandResult {
        try ChildProcess.run(executable: "/bin/sh", arguments: ["-c", script], workingDirectory: directory, timeout: timeout)
    }
}

enum Ternctl {
    /// Beside the tern binary the tests run.
    static var binary: String {
        URL(fileURLWithPath: PackagePaths.ternBinary).deletingLastPathComponent().appendingPathComponent("ternctl").path
    }
}

/// A FIFO client as the seed's write2fifo: create a reply FIFO, write the request in one
/// write, read the reply until the server closes it.
enum FIFOClient {
    /// The reply text, or nil when none came within `timeout`.
    static func exchange(fifo: String, replyDirectory: String, replyName: String, request: String,
                         timeout: Duration = .seconds(10)) -> String? {
        let replyPath = replyDirectory + "/" + replyName
        unlink(replyPath)
        guard mkfifo(replyPath, 0o600) == 0 else { return nil }
        defer { unlink(replyPath) }
        let reader = open(replyPath, O_RDONLY | O_NONBLOCK)
        guard reader >= 0 else { return nil }
        defer { close(reader) }
        guard write(fifo: fifo, Array(request.utf8)) else { return nil }
        return readAll(reader, timeout: timeout).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Writes `bytes` to the server's FIFO (blocking, as a shell's `cat > fifo`).
    static func write(fifo: String, _ bytes: [UInt8]) -> Bool {
        let fd = open(fifo, O_WRONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }

    /// Reads a FIFO opened non-blocking until its writer has written and closed.
    static func readAll(_ fd: Int32, timeout: Duration) -> [UInt8]? {
        let deadline = ContinuousClock.now + timeout
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while ContinuousClock.now < deadline {
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            _ = poll(&descriptor, 1, 50)
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                data += buffer[0..<count]
            } else if count == 0 {
                if !data.isEmpty { return data }
                usleep(10_000)
            }
        }
        return nil
    }
}

/// JSON-RPC over the control socket, as ternctl speaks it.
enum ControlSocketClient {
    static func exchange(socket path: String, _ request: String, timeout: Duration = .seconds(10)) -> String? {
        let fd = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { return nil }
        let bytes = Array(request.utf8)
        guard bytes.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == bytes.count else { return nil }
        shutdown(fd, Int32(SHUT_WR))
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        return readAll(fd, timeout: timeout).map { String(decoding: $0, as: UTF8.self) }
    }

    private static func readAll(_ fd: Int32, timeout: Duration) -> [UInt8]? {
        let deadline = ContinuousClock.now + timeout
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while ContinuousClock.now < deadline {
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            _ = poll(&descriptor, 1, 100)
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 { data += buffer[0..<count] } else if count == 0 { return data }
        }
        return nil
    }
}
