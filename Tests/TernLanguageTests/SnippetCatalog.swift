import Foundation

/// One row of the snippet table: script lines, what they must leave in `$var(out)`, and
/// what is known about them (see Snippets/README.md for the file format).
struct Snippet: Sendable, CustomStringConvertible {
    enum Expectation: Sendable, Equatable {
        /// `$var(out)` as text after request_route ran.
        case value(String)
        /// The config must be refused.
        case loadError
    }

    enum KamailioCheck: Sendable, Equatable {
        /// Kamailio 5.6.3 computes the same.
        case verified
        /// Tern decides otherwise on purpose; the reason says why.
        case differs(String)
        /// Not run on Kamailio yet.
        case unchecked
    }

    var id: String
    var file: String
    var line: Int
    var body: [String] = []
    var routes: [String] = []
    var modules: [String] = []
    var message = "options"
    /// Set when Tern does not do this yet: the snippet is expected to fail.
    var pending: String?
    var kamailio = KamailioCheck.unchecked
    var expectation = Expectation.loadError

    var description: String { id }
}

/// Reads Snippets/*.snip beside this file.
enum SnippetCatalog {
    static let directory: String = {
        URL(fileURLWithPath: "\(#filePath)").deletingLastPathComponent().appendingPathComponent("Snippets").path
    }()

    static let all: [Snippet] = {
        do {
            return try load()
        } catch {
            // Reported by SnippetCatalogTests; an empty table makes the snippet tests vacuous there.
            return []
        }
    }()

    struct FormatError: Error, CustomStringConvertible {
        var file: String
        var line: Int
        var message: String
        var description: String { "\(file):\(line): \(message)" }
    }

    static func load() throws -> [Snippet] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".snip") }.sorted()
        var snippets: [Snippet] = []
        for name in names {
            let text = try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
            snippets += try parse(text, file: name)
        }
        var seen = Set<String>()
        for s in snippets where !seen.insert(s.id).inserted {
            throw FormatError(file: s.file, line: s.line, message: "snippet id \(s.id) is used twice")
        }
        return snippets
    }

    static func parse(_ text: String, file: String) throws -> [Snippet] {
        var snippets: [Snippet] = []
        var current: Snippet?
        var finished = false
        func close() throws {
            guard let c = current else { return }
            guard finished else { throw FormatError(file: file, line: c.line, message: "snippet \(c.id) has no expected result") }
            var s = c
            while let last = s.body.last, last.allSatisfy({ $0 == " " || $0 == "\t" }) { s.body.removeLast() }
            snippets.append(s)
        }
        let lines = text.components(separatedBy: "\n")
        for (index, line) in lines.enumerated() {
            let number = index + 1
            if line.hasPrefix("=== ") {
                try close()
                current = Snippet(id: String(line.dropFirst(4)).trimmingCharacters(in: .whitespaces), file: file, line: number)
                finished = false
                continue
            }
            guard var s = current, !finished else { continue }
            if line.hasPrefix("@") {
                let rest = line.dropFirst()
                let key = rest.prefix { $0 != " " }
                let value = rest.dropFirst(key.count).trimmingCharacters(in: .whitespaces)
                switch key {
                case "modules": s.modules = value.split(separator: " ").map(String.init)
                case "message": s.message = value
                case "route": s.routes.append(value)
                case "pending": s.pending = value
                case "kamailio":
                    if value == "verified" {
                        s.kamailio = .verified
                    } else if value.hasPrefix("differs:") {
                        s.kamailio = .differs(String(value.dropFirst("differs:".count)).trimmingCharacters(in: .whitespaces))
                    } else {
                        s.kamailio = .unchecked
                    }
                default:
                    throw FormatError(file: file, line: number, message: "unknown attribute @\(key)")
                }
            } else if line.hasPrefix("--> [") {
                guard line.hasSuffix("]") else { throw FormatError(file: file, line: number, message: "an expected value ends with ]") }
                s.expectation = .value(String(line.dropFirst(5).dropLast()))
                finished = true
            } else if line.trimmingCharacters(in: .whitespaces) == "--> load error" {
                s.expectation = .loadError
                finished = true
            } else {
                s.body.append(line)
            }
            current = s
        }
        try close()
        return snippets
    }

    /// A request of Snippets/messages as sent on the wire (the files hold LF line ends).
    static func message(named name: String) throws -> [UInt8] {
        let text = try String(contentsOfFile: directory + "/messages/" + name + ".sip", encoding: .utf8)
        return Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)
    }
}
