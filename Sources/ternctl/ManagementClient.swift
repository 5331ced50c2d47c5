import Foundation
import TernRPCModel

/// Why a call gave no result; each maps to ternctl's exit code.
enum ClientFailure: Error, CustomStringConvertible {
    /// The server answered with an error.
    case server(code: Int, message: String)
    /// Nothing listens where we looked.
    case notRunning(String)
    /// Something answered, but not usably (timeout, garbage).
    case noAnswer(String)

    var description: String {
        switch self {
        case .server(let code, let message): return "error: \(code) - \(message)"
        case .notRunning(let message): return message
        case .noAnswer(let message): return message
        }
    }

    var exitCode: Int32 {
        switch self {
        case .server: return 1
        case .notRunning: return 2
        case .noAnswer: return 3
        }
    }
}

/// One request/answer exchange with the server, over the control socket or a FIFO.
struct ManagementClient {
    enum Transport {
        case socket(path: String)
        case fifo(path: String, replyDirectory: String)
    }

    let transport: Transport
    let timeoutMilliseconds: Int

    /// A JSON-RPC call; the result, or the server's error as `.server`.
    func call(_ method: String, _ parameters: [RPCValue] = []) throws(ClientFailure) -> RPCValue {
        var request: RPCObject = ["jsonrpc": "2.0", "method": .string(method), "params": .array(parameters), "id": .int(Int(getpid()))]
        let answer: [UInt8]
        switch transport {
        case .socket(let path):
            answer = try exchangeOnSocket(path, Array(RPCJSON.encode(.object(request)).utf8) + [0x0A])
        case .fifo(let path, let directory):
            answer = try exchangeOnFIFO(path, replyDirectory: directory) { name in
                request.set("reply_name", .string(name))
                return Array(RPCJSON.encode(.object(request)).utf8) + [0x0A]
            }
        }
        let document: RPCValue
        do {
            document = try RPCJSON.parse(Array(trimmed(answer)))
        } catch {
            throw .noAnswer("the server's answer is not JSON (\(error)): \(String(decoding: answer.prefix(200), as: UTF8.self))")
        }
        guard case .object(let object) = document else { throw .noAnswer("the server's answer is not a JSON-RPC response") }
        if case .object(let error)? = object["error"] {
            throw .server(code: error["code"]?.intValue ?? 500, message: error["message"]?.textValue ?? "unknown error")
        }
        guard let result = object["result"] else { throw .noAnswer("the server's answer has neither result nor error") }
        return result
    }

    /// A SER text request (`:command:reply` + lines); the status line and the lines after it.
    func text(_ command: String, _ lines: [String]) throws(ClientFailure) -> (status: String, body: [String]) {
        let make = { (name: String) -> [UInt8] in
            Array(([":\(command):\(name)"] + lines + ["", ""]).joined(separator: "\n").utf8)
        }
        let answer: [UInt8]
        switch transport {
        case .socket(let path):
            answer = try exchangeOnSocket(path, make(""))
        case .fifo(let path, let directory):
            answer = try exchangeOnFIFO(path, replyDirectory: directory, make)
        }
        var all = String(decoding: answer, as: UTF8.self).components(separatedBy: "\n")
        if all.last == "" { all.removeLast() }
        guard let status = all.first, status.count >= 3, Int(status.prefix(3)) != nil else {
            throw .noAnswer("the server's answer has no status line")
        }
        return (status, Array(all.dropFirst()))
    }

    private func trimmed(_ bytes: [UInt8]) -> ArraySlice<UInt8> {
        var slice = bytes[...]
        while let last = slice.last, last == 0x0A || last == 0x0D || last == 0x20 { slice.removeLast() }
        return slice
    }

    // MARK: control socket

    private func exchangeOnSocket(_ path: String, _ request: [UInt8]) throws(ClientFailure) -> [UInt8] {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw .notRunning("cannot create a socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.utf8.count < capacity else { throw .notRunning("socket path \(path) is too long") }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            throw .notRunning("""
                cannot connect to \(path): \(String(cString: strerror(errno))) — is tern running with \
                loadmodule "ctl.so"? (use --socket PATH, or --fifo PATH for a management FIFO)
                """)
        }
        guard sendAll(fd, request) else { throw .noAnswer("the server closed the connection") }
        // Our end of the request: the server answers, then closes.
        shutdown(fd, Int32(SHUT_WR))
        return try readToEnd(fd, what: "the server at \(path)")
    }

    private func sendAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }

    private func readToEnd(_ fd: Int32, what: String, startedEmpty: Bool = false) throws(ClientFailure) -> [UInt8] {
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        let deadline = Date().addingTimeInterval(Double(timeoutMilliseconds) / 1000)
        while true {
            let remaining = Int(deadline.timeIntervalSinceNow * 1000)
            guard remaining > 0 else {
                throw .noAnswer("no answer from \(what) within \(timeoutMilliseconds / 1000) s")
            }
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, Int32(min(remaining, 100)))
            if ready < 0, errno != EINTR { throw .noAnswer("waiting for \(what): \(String(cString: strerror(errno)))") }
            guard ready > 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                answer += buffer[0..<count]
            } else if count == 0 {
                // A FIFO reads as ended until the server opens it; only an end after data counts.
                if startedEmpty && answer.isEmpty {
                    usleep(10_000)
                    continue
                }
                return answer
            } else if errno != EAGAIN && errno != EINTR {
                throw .noAnswer("reading from \(what): \(String(cString: strerror(errno)))")
            }
        }
    }

    // MARK: FIFO

    private func exchangeOnFIFO(_ path: String, replyDirectory: String, _ request: (String) -> [UInt8]) throws(ClientFailure) -> [UInt8] {
        let name = "ternctl_\(getpid())_\(UInt32.random(in: 0...UInt32.max))"
        let replyPath = (replyDirectory.hasSuffix("/") ? replyDirectory : replyDirectory + "/") + name
        guard mkfifo(replyPath, 0o600) == 0 else {
            throw .notRunning("cannot create the reply FIFO \(replyPath): \(String(cString: strerror(errno)))")
        }
        defer { unlink(replyPath) }
        // Open the reply end first (non-blocking), so the server finds a reader at once.
        let replyFD = open(replyPath, O_RDONLY | O_NONBLOCK)
        guard replyFD >= 0 else { throw .notRunning("cannot open the reply FIFO \(replyPath)") }
        defer { close(replyFD) }
        let serverFD = open(path, O_WRONLY | O_NONBLOCK)
        guard serverFD >= 0 else {
            let reason = errno == ENXIO ? "nobody reads it" : String(cString: strerror(errno))
            throw .notRunning("cannot write to the FIFO \(path): \(reason) — is tern running with this FIFO configured?")
        }
        var info = stat()
        guard fstat(serverFD, &info) == 0, (info.st_mode & S_IFMT) == S_IFIFO else {
            close(serverFD)
            throw .notRunning("\(path) is not a FIFO")
        }
        // Write the whole request at once: a FIFO mixes writes only above PIPE_BUF.
        _ = fcntl(serverFD, F_SETFL, fcntl(serverFD, F_GETFL) & ~O_NONBLOCK)
        let bytes = request(name)
        let written = bytes.withUnsafeBytes { write(serverFD, $0.baseAddress, $0.count) }
        close(serverFD)
        guard written == bytes.count else { throw .noAnswer("could not write the request to \(path)") }
        return try readToEnd(replyFD, what: "the server (reply FIFO \(replyPath))", startedEmpty: true)
    }
}
