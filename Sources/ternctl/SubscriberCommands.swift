// ternctl add / passwd / rm: subscribers written straight into the database, as kamctl does
// (the server needs no restart: auth_db reads the table on every check). ha1 = MD5(user:domain:pw)
// and ha1b = MD5(user@domain:domain:pw); the plain password is stored too unless --no-plaintext
// (kamctl's STORE_PLAINTEXT_PW), for configs that use calculate_ha1.

import ArgumentParser
import Crypto
import Foundation
import Logging
import TernStorage

/// Where the subscriber table lives; shared by the three commands.
struct SubscriberDatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "Database URL (sqlite://file, postgres://…, mysql://…). Default: $TERN_DB_URL, else sqlite://tern.db in the current directory.")
    var db: String?

    @Option(name: .long, help: "Domain for usernames without @domain. Default: $SIP_DOMAIN.")
    var domain: String?

    @Option(name: .long, help: "Subscriber table name.")
    var table = "subscriber"

    var url: String {
        if let db { return db }
        if let env = ProcessInfo.processInfo.environment["TERN_DB_URL"], !env.isEmpty { return env }
        return DefaultDatabase.url
    }

    /// user and domain from `user[@domain]`.
    func account(_ text: String) throws -> (user: String, domain: String) {
        let parts = text.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let user = parts[0]
        guard !user.isEmpty else { throw ValidationError("empty user name in '\(text)'") }
        if parts.count == 2, !parts[1].isEmpty { return (user, parts[1]) }
        if let domain, !domain.isEmpty { return (user, domain) }
        if let env = ProcessInfo.processInfo.environment["SIP_DOMAIN"], !env.isEmpty { return (user, env) }
        throw ValidationError("domain unknown: write USER@DOMAIN, or pass --domain, or set SIP_DOMAIN")
    }

    /// Opens the database (creating Kamailio's tables when missing, like the server does).
    func open() throws -> DatabasePool {
        try run { () throws(DatabaseError) -> DatabasePool in
            // Failures are reported once, by the command itself.
            let pool = try Database.open(url: url, maxConnections: 1, baseDirectory: FileManager.default.currentDirectoryPath,
                                         logger: Logger(label: "ternctl") { _ in SwiftLogNoOpLogHandler() })
            try KamailioSchema.createMissingTables(on: pool)
            return pool
        }
    }

    /// Database errors as ternctl exit codes: 64 bad URL, 2 unreachable, 1 refused.
    func run<T>(_ body: () throws(DatabaseError) -> T) throws -> T {
        do {
            return try body()
        } catch {
            let code: Int32 = switch error.kind {
            case .invalidURL: 64
            case .connection: 2
            case .statement, .unsupported: 1
            }
            throw SubscriberCommandFailure(message: error.message, code: code)
        }
    }
}

/// A failure with ternctl's exit code (1 refused, 2 database unreachable).
struct SubscriberCommandFailure: Error, CustomStringConvertible {
    var message: String
    var code: Int32
    var description: String { message }
}

enum SubscriberHashes {
    static func md5Hex(_ text: String) -> String {
        var h = Insecure.MD5()
        Array(text.utf8).withUnsafeBytes { h.update(bufferPointer: $0) }
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in h.finalize() {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xf)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The password, ha1 and ha1b columns, in that order; the password left empty unless stored.
    static func passwordColumns(user: String, domain: String, password: String, storePlaintext: Bool) -> [DatabaseValue] {
        [.text(storePlaintext ? password : ""),
         .text(md5Hex("\(user):\(domain):\(password)")), .text(md5Hex("\(user)@\(domain):\(domain):\(password)"))]
    }
}

extension SubscriberDatabaseOptions {
    /// Runs one command on `user[@domain]`'s row with the database open (closed afterwards);
    /// a failure is printed and exits with its code, as the other ternctl commands do.
    func withAccount(_ text: String, _ body: (_ pool: DatabasePool, _ user: String, _ domain: String) throws -> Void) throws {
        let (user, domain) = try account(text)
        do {
            let pool = try open()
            defer { pool.close() }
            try body(pool, user, domain)
        } catch let failure as SubscriberCommandFailure {
            FileHandle.standardError.write(Data("ternctl: \(failure.message)\n".utf8))
            throw ExitCode(failure.code)
        }
    }
}

struct AddSubscriberCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add a subscriber (kamctl add): USER[@DOMAIN] PASSWORD.")

    @OptionGroup var database: SubscriberDatabaseOptions
    @Argument(help: "USER or USER@DOMAIN") var user: String
    @Argument(help: "The password") var password: String
    @Flag(name: .customLong("no-plaintext"), help: "Store only ha1/ha1b, not the password itself.")
    var noPlaintext = false

    func run() throws {
        try database.withAccount(self.user) { pool, user, domain in
            let q = pool.dialect.quote
            let table = q(database.table)
            let existing = try database.run { () throws(DatabaseError) in
                try pool.query("SELECT username FROM \(table) WHERE username = ? AND domain = ?", [.text(user), .text(domain)])
            }
            guard existing.isEmpty else {
                throw SubscriberCommandFailure(message: "user '\(user)@\(domain)' already exists", code: 1)
            }
            let columns = SubscriberHashes.passwordColumns(user: user, domain: domain, password: password, storePlaintext: !noPlaintext)
            try database.run { () throws(DatabaseError) in
                try pool.execute("INSERT INTO \(table) (username, domain, password, ha1, ha1b) VALUES (?, ?, ?, ?, ?)",
                                 [.text(user), .text(domain)] + columns)
            }
            print("new user '\(user)@\(domain)' added")
        }
    }
}

struct PasswdSubscriberCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "passwd", abstract: "Change a subscriber's password (kamctl passwd): USER[@DOMAIN] PASSWORD.")

    @OptionGroup var database: SubscriberDatabaseOptions
    @Argument(help: "USER or USER@DOMAIN") var user: String
    @Argument(help: "The new password") var password: String
    @Flag(name: .customLong("no-plaintext"), help: "Store only ha1/ha1b, not the password itself.")
    var noPlaintext = false

    func run() throws {
        try database.withAccount(self.user) { pool, user, domain in
            let columns = SubscriberHashes.passwordColumns(user: user, domain: domain, password: password, storePlaintext: !noPlaintext)
            let changed = try database.run { () throws(DatabaseError) -> Int in
                try pool.execute("UPDATE \(pool.dialect.quote(database.table)) SET password = ?, ha1 = ?, ha1b = ? WHERE username = ? AND domain = ?",
                                 columns + [.text(user), .text(domain)])
            }
            guard changed > 0 else { throw SubscriberCommandFailure(message: "non-existent user '\(user)@\(domain)'", code: 1) }
            print("password change succeeded")
        }
    }
}

struct RemoveSubscriberCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rm", abstract: "Remove a subscriber (kamctl rm): USER[@DOMAIN].")

    @OptionGroup var database: SubscriberDatabaseOptions
    @Argument(help: "USER or USER@DOMAIN") var user: String

    func run() throws {
        try database.withAccount(self.user) { pool, user, domain in
            let removed = try database.run { () throws(DatabaseError) -> Int in
                try pool.execute("DELETE FROM \(pool.dialect.quote(database.table)) WHERE username = ? AND domain = ?", [.text(user), .text(domain)])
            }
            guard removed > 0 else { throw SubscriberCommandFailure(message: "non-existent user '\(user)@\(domain)'", code: 1) }
            print("user '\(user)@\(domain)' removed")
        }
    }
}
