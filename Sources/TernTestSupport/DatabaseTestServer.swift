#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A throw-away PostgreSQL or MariaDB server from Debian's packages, on 127.0.0.1 with an
/// ephemeral port and its data in a temporary directory; stopped (and reaped) by `stop()` or
/// when released. As root the server runs as the package's system user (postgres/mysql), since
/// neither server runs as root. `start` returns nil with a reason when the binaries are absent
/// (scripts/deps.sh installs them).
public final class DatabaseTestServer: @unchecked Sendable {
    public enum Kind: Sendable { case postgres, mariadb }

    public let kind: Kind
    public let port: UInt16
    /// A URL for Tern's `db_url`: `postgres://tern@127.0.0.1:P/postgres` or `mysql://root@127.0.0.1:P/tern`.
    public let url: String
    public let directory: TemporaryDirectory
    private var process: ChildProcess?

    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String
    }

    private init(kind: Kind, port: UInt16, url: String, directory: TemporaryDirectory, process: ChildProcess) {
        self.kind = kind
        self.port = port
        self.url = url
        self.directory = directory
        self.process = process
    }

    deinit { stop() }

    public func stop() {
        guard let p = process else { return }
        process = nil
        // Fast shutdown for both: SIGINT for PostgreSQL, SIGTERM for MariaDB.
        _ = p.terminate(signal: kind == .postgres ? SIGINT : SIGTERM, grace: .seconds(8))
    }

    /// Why the server cannot run here, or nil when it can.
    public static func unavailableReason(_ kind: Kind) -> String? {
        switch kind {
        case .postgres:
            return postgresBinaries() == nil ? "PostgreSQL server binaries not installed (run scripts/deps.sh)" : nil
        case .mariadb:
            return FileManager.default.isExecutableFile(atPath: "/usr/sbin/mariadbd") ? nil : "mariadbd not installed (run scripts/deps.sh)"
        }
    }

    public static func start(_ kind: Kind) throws -> DatabaseTestServer {
        stopOrphans()
        switch kind {
        case .postgres: return try startPostgres()
        case .mariadb: return try startMariaDB()
        }
    }

    // MARK: PostgreSQL

    static func postgresBinaries() -> String? {
        let base = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: base)) ?? [])
            .compactMap { Int($0) }.sorted(by: >)
        for v in versions where FileManager.default.isExecutableFile(atPath: "\(base)/\(v)/bin/postgres") {
            return "\(base)/\(v)/bin"
        }
        return nil
    }

    private static func startPostgres() throws -> DatabaseTestServer {
        guard let bin = postgresBinaries() else { throw Unavailable(description: unavailableReason(.postgres) ?? "") }
        let dir = try TemporaryDirectory(prefix: "tern-pg")
        let account = try serviceAccount("postgres", directory: dir.path)
        let data = dir.file("data")
        let initdb = try ChildProcess.run(
            executable: account.launcher, arguments: account.prefix + [bin + "/initdb", "-D", data, "-A", "trust", "-U", "tern", "--no-sync", "-E", "UTF8", "--locale=C"],
            workingDirectory: dir.path, timeout: .seconds(30))
        guard initdb.status == .exited(0) else { throw Unavailable(description: "initdb failed: \(initdb)") }
        return try startOnFreePort(.postgres, named: "PostgreSQL", in: dir, log: "postgres.log",
                                   readyMarker: "database system is ready to accept connections") { port in
            let process = try ChildProcess(
                executable: account.launcher,
                arguments: account.prefix + [bin + "/postgres", "-D", data, "-p", String(port), "-k", dir.path,
                                             "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
                                             "-c", "full_page_writes=off", "-c", "max_connections=40"],
                workingDirectory: dir.path, stdoutPath: dir.file("stdout"), stderrPath: dir.file("postgres.log"))
            return (process, "postgres://tern@127.0.0.1:\(port)/postgres")
        }
    }

    // MARK: MariaDB

    private static func startMariaDB() throws -> DatabaseTestServer {
        if let reason = unavailableReason(.mariadb) { throw Unavailable(description: reason) }
        let dir = try TemporaryDirectory(prefix: "tern-my")
        let account = try serviceAccount("mysql", directory: dir.path)
        let data = dir.file("data")
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        if account.uid != nil { chownTree(data, account) }
        return try startOnFreePort(.mariadb, named: "MariaDB", in: dir, log: "mariadb.log", readyMarker: "ready for connections") { port in
            // No grant tables: any user connects, which is all a test needs; no install step (1 s start).
            let process = try ChildProcess(
                executable: account.launcher,
                arguments: account.prefix + ["/usr/sbin/mariadbd", "--no-defaults", "--datadir=" + data, "--port=\(port)",
                                             "--bind-address=127.0.0.1", "--socket=" + dir.file("mysqld.sock"),
                                             "--pid-file=" + dir.file("mysqld.pid"), "--skip-grant-tables", "--skip-log-bin",
                                             "--innodb-buffer-pool-size=16M", "--innodb-log-file-size=8M",
                                             "--innodb-flush-log-at-trx-commit=0", "--character-set-server=utf8mb4"],
                workingDirectory: dir.path, stdoutPath: dir.file("stdout"), stderrPath: dir.file("mariadb.log"))
            return (process, "mysql://root@127.0.0.1:\(port)/tern")
        }
    }

    // MARK: helpers

    /// Launches a server on a free port until it says `readyMarker` in `log`; three ports are
    /// tried, since another process may take the probed port before the server binds it.
    private static func startOnFreePort(
        _ kind: Kind, named name: String, in dir: TemporaryDirectory, log: String, readyMarker: String,
        launch: (_ port: UInt16) throws -> (process: ChildProcess, url: String)
    ) throws -> DatabaseTestServer {
        var lastError = ""
        for _ in 0..<3 {
            let port = try FreePort.udpAndTCP()
            let (process, url) = try launch(port)
            let server = DatabaseTestServer(kind: kind, port: port, url: url, directory: dir, process: process)
            if waitReady(server, process: process, marker: readyMarker, log: dir.file(log)) {
                return server
            }
            lastError = process.standardError
            server.stop()
        }
        throw Unavailable(description: "\(name) did not start: \(lastError)")
    }

    /// A test run that crashed cannot stop its servers; they are re-parented to init. Any server
    /// of ours found so (parent pid 1, data in one of our temporary directories) is stopped, so
    /// crashed runs do not pile up. Servers of running tests still have their test as parent.
    private static func stopOrphans() {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let pid = Int32(entry), pid > 1,
                  let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 2, fields[1] == "1",
                  let raw = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { continue }
            let arguments = raw.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            guard let program = arguments.first, program.hasSuffix("/postgres") || program.hasSuffix("/mariadbd") else { continue }
            let base = NSTemporaryDirectory().hasSuffix("/") ? NSTemporaryDirectory() : NSTemporaryDirectory() + "/"
            guard arguments.contains(where: { $0.contains(base + "tern-pg.") || $0.contains(base + "tern-my.") }) else { continue }
            kill(pid, program.hasSuffix("/postgres") ? SIGINT : SIGTERM)
        }
    }

    private static func waitReady(_ server: DatabaseTestServer, process: ChildProcess, marker: String, log: String) -> Bool {
        for _ in 0..<150 {
            if !process.isRunning { return false }
            if let text = try? String(contentsOfFile: log, encoding: .utf8), text.contains(marker), canConnect(port: server.port) {
                return true
            }
            usleep(100_000)
        }
        return false
    }

    private static func canConnect(port: UInt16) -> Bool {
        guard let fd = try? LoopbackSocket.make(type: LoopbackSocket.stream) else { return false }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return rc == 0
    }

    struct ServiceAccount {
        var launcher: String
        var prefix: [String]
        var uid: uid_t?
        var gid: gid_t?
    }

    /// As root: run through setpriv as `user` (which execs, so the server is our direct child)
    /// and hand it the directory. Otherwise run as ourselves.
    private static func serviceAccount(_ user: String, directory: String) throws -> ServiceAccount {
        guard getuid() == 0 else {
            return ServiceAccount(launcher: "/usr/bin/env", prefix: [], uid: nil, gid: nil)
        }
        guard let pw = getpwnam(user) else { throw Unavailable(description: "system user '\(user)' does not exist (run scripts/deps.sh)") }
        let account = ServiceAccount(launcher: "/usr/bin/setpriv",
                                     prefix: ["--reuid=\(user)", "--regid=\(pw.pointee.pw_gid)", "--init-groups", "--"],
                                     uid: pw.pointee.pw_uid, gid: pw.pointee.pw_gid)
        chownTree(directory, account)
        return account
    }

    private static func chownTree(_ path: String, _ account: ServiceAccount) {
        guard let uid = account.uid, let gid = account.gid else { return }
        chown(path, uid, gid)
    }
}
