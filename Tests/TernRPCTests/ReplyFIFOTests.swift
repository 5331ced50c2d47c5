import Foundation
import Logging
import Testing
@testable import TernRPC
import TernRuntime

@Suite("Reply FIFOs and the FIFO server in process", .serialized)
struct ReplyFIFOTests {
    private static func directory() throws -> String {
        let path = NSTemporaryDirectory() + "tern-rpc-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func namesOutsideTheReplyDirectoryAreRefused() {
        let replies = ReplyFIFO(directory: "/tmp/")
        for name in ["../../etc/passwd", "/etc/passwd", "a/b", "..", ".hidden", "", "a b", "x\\y"] {
            #expect(replies.path(for: name) == .failure(.invalidName(name)), "\(name)")
        }
        #expect(replies.path(for: "ser_reply_1") == .success("/tmp/ser_reply_1"))
        #expect(ReplyFIFO(directory: "/var/run").path(for: "r") == .success("/var/run/r"))
    }

    @Test func onlyARealFIFOWithAReaderGetsTheReply() throws {
        signal(SIGPIPE, SIG_IGN)
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var replies = ReplyFIFO(directory: directory)
        replies.openAttempts = 2
        replies.retryPauseMilliseconds = 1

        #expect(replies.write("x", to: "missing") == .missing(directory + "/missing"))
        try "plain".write(toFile: directory + "/plain", atomically: true, encoding: .utf8)
        #expect(replies.write("x", to: "plain") == .notAFIFO(directory + "/plain"))
        #expect(mkfifo(directory + "/unread", 0o600) == 0)
        #expect(replies.write("x", to: "unread") == .noReader(directory + "/unread"))
        #expect(symlink(directory + "/unread", directory + "/link") == 0)
        #expect(replies.write("x", to: "link") == .notAFIFO(directory + "/link"))
        #expect(link(directory + "/unread", directory + "/hardlink") == 0)
        #expect(replies.write("x", to: "hardlink") == .notAFIFO(directory + "/hardlink"))

        #expect(mkfifo(directory + "/good", 0o600) == 0)
        let reader = open(directory + "/good", O_RDONLY | O_NONBLOCK)
        defer { close(reader) }
        #expect(replies.write("200 OK\nhello\n", to: "good") == nil)
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = read(reader, &buffer, buffer.count)
        #expect(String(decoding: buffer[0..<max(0, count)], as: UTF8.self) == "200 OK\nhello\n")
    }

    @Test func theServerAnswersAndSurvivesAHalfRequest() throws {
        signal(SIGPIPE, SIG_IGN)
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let registry = RPCRegistry()
        registry.register(RPCCommand(name: "print", help: "") { request in .string(request.optionalString(0) ?? "") })
        var configuration = FIFOServerConfiguration(path: directory + "/fifo")
        configuration.replyDirectory = directory
        configuration.idleTimeoutMilliseconds = 100
        let server = FIFOServer(configuration: configuration, registry: registry, logger: Logger(label: "test"))
        try server.start()
        defer { server.stop() }
        var info = stat()
        #expect(lstat(directory + "/fifo", &info) == 0 && info.st_mode & 0o777 == 0o660)

        #expect(exchange(directory, ":print:half\nno end\n") == "400 request not terminated by an empty line\n")
        #expect(exchange(directory, ":print:full\nhello\n\n") == "200 OK\nhello\n")
        #expect(exchange(directory, ":nope:full\n\n") == "500 command 'nope' not available\n")
        #expect(exchange(directory, "{\"jsonrpc\":\"2.0\",\"method\":\"print\",\"params\":[\"j\"],\"id\":1,\"reply_name\":\"full\"}")
            == "{\n\t\"jsonrpc\":\t\"2.0\",\n\t\"result\":\t\"j\",\n\t\"id\":\t1\n}")
        // Without an id the answer comes all the same, without one (Kamailio's jsonrpcs FIFO).
        #expect(exchange(directory, "{\"jsonrpc\":\"2.0\",\"method\":\"print\",\"params\":[\"n\"],\"reply_name\":\"full\"}")
            == "{\n\t\"jsonrpc\":\t\"2.0\",\n\t\"result\":\t\"n\"\n}")
    }

    @Test func aStaleFIFOIsReplacedAndAnythingElseRefused() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "data".write(toFile: directory + "/file", atomically: true, encoding: .utf8)
        let refused = FIFOServer(configuration: FIFOServerConfiguration(path: directory + "/file"), registry: RPCRegistry(), logger: Logger(label: "test"))
        #expect(throws: ConfigurationError.self) { try refused.start() }
        #expect(try String(contentsOfFile: directory + "/file", encoding: .utf8) == "data")
        #expect(mkfifo(directory + "/stale", 0o600) == 0)
        let server = FIFOServer(configuration: FIFOServerConfiguration(path: directory + "/stale"), registry: RPCRegistry(), logger: Logger(label: "test"))
        try server.start()
        server.stop()
        #expect(access(directory + "/stale", F_OK) != 0)
    }

    /// Writes a request to the server's FIFO and reads the reply written to `<directory>/<name>`.
    private func exchange(_ directory: String, _ request: String) -> String? {
        let firstLine = request.split(separator: "\n")[0]
        let name = request.hasPrefix("{") ? "full" : String(firstLine.split(separator: ":")[1])
        let path = directory + "/" + name
        unlink(path)
        guard mkfifo(path, 0o600) == 0 else { return nil }
        defer { unlink(path) }
        let reader = open(path, O_RDONLY | O_NONBLOCK)
        defer { close(reader) }
        let fd = open(directory + "/fifo", O_WRONLY)
        guard fd >= 0 else { return nil }
        _ = Array(request.utf8).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        for _ in 0..<500 {
            var descriptor = pollfd(fd: reader, events: Int16(POLLIN), revents: 0)
            _ = poll(&descriptor, 1, 10)
            let count = read(reader, &buffer, buffer.count)
            if count > 0 { data += buffer[0..<count] } else if count == 0, !data.isEmpty { break }
        }
        return data.isEmpty ? nil : String(decoding: data, as: UTF8.self)
    }
}
