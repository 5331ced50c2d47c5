#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where configuration files come from. The loader reads from disk; tests give files in memory.
public protocol SourceProvider {
    /// The contents of a file, or nil if it cannot be read.
    func contents(ofFile path: String) -> [UInt8]?
    /// A name that is the same for every spelling of the same file (used to detect include cycles).
    func canonicalPath(_ path: String) -> String
    /// The directory relative include paths fall back to.
    var currentDirectory: String { get }
}

/// Reads configuration files from the file system.
public struct FileSystemSourceProvider: SourceProvider {
    public init() {}

    public func contents(ofFile path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var st = stat()
        if fstat(fileno(file), &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR { return nil }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if n > 0 { result.append(contentsOf: buffer[0..<n]) }
            if n < buffer.count { break }
        }
        if ferror(file) != 0 { return nil }
        return result
    }

    public func canonicalPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    public var currentDirectory: String {
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return "." }
        return String(cString: buffer)
    }
}

/// Files held in memory, keyed by path; relative paths are relative to `currentDirectory`.
public struct InMemorySourceProvider: SourceProvider {
    public var files: [String: String]
    public var currentDirectory: String

    public init(files: [String: String], currentDirectory: String = "") {
        self.files = files
        self.currentDirectory = currentDirectory
    }

    public func contents(ofFile path: String) -> [UInt8]? {
        files[path].map { Array($0.utf8) } ?? files[PathText.normalized(path)].map { Array($0.utf8) }
    }

    public func canonicalPath(_ path: String) -> String { PathText.normalized(path) }
}

/// Path arithmetic on plain strings ('/'-separated).
enum PathText {
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    static func isAbsolute(_ path: String) -> Bool { path.hasPrefix("/") }

    static func join(_ dir: String, _ name: String) -> String {
        if dir.isEmpty || isAbsolute(name) { return name }
        return dir.hasSuffix("/") ? dir + name : dir + "/" + name
    }

    static func lastComponent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// Removes "." components and folds "dir/.." pairs.
    static func normalized(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
                continue
            }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        return isAbsolute(path) ? "/" + joined : joined
    }
}
