#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
/// Writing an answer to a client's reply FIFO without trusting the client: the name must
/// be a plain file name inside the reply directory, the file a FIFO with one link, not a
/// symlink; the server opens it without blocking (a client that never opens its end
/// costs a few retries, never a stuck server) and gives up on a reader that stops reading.
public struct ReplyFIFO: Sendable {
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case invalidName(String)
        case missing(String)
        case notAFIFO(String)
        case noReader(String)
        case writeFailed(String)

        public var description: String {
            switch self {
            case .invalidName(let name): return "reply FIFO name '\(name)' refused: a plain file name is required"
            case .missing(let path): return "reply FIFO \(path) does not exist"
            case .notAFIFO(let path): return "reply path \(path) refused: not a FIFO (or a symlink or hard link)"
            case .noReader(let path): return "reply FIFO \(path) has no reader"
            case .writeFailed(let path): return "reply to \(path) could not be written"
            }
        }
    }

    public var directory: String
    /// Attempts to open the FIFO while its reader is not there yet, and the pause between.
    public var openAttempts = 10
    public var retryPauseMilliseconds = 50
    public var writeTimeoutMilliseconds = 2000

    public init(directory: String) {
        self.directory = directory
    }

    /// The file a reply name stands for, or why it is refused. Absolute paths, `..`,
    /// separators and hidden names are refused: the server writes only inside its reply
    /// directory.
    public func path(for name: String) -> Result<String, Failure> {
        guard !name.isEmpty, name.utf8.count <= 255, !name.hasPrefix("."),
              !name.contains("/"), !name.contains("\\"), !name.contains(".."),
              name.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F })
        else { return .failure(.invalidName(name)) }
        let base = directory.hasSuffix("/") ? directory : directory + "/"
        return .success(base + name)
    }

    /// Delivers `text`; nil when it was written, else why not.
    public func write(_ text: String, to name: String) -> Failure? {
        let path: String
        switch self.path(for: name) {
        case .success(let resolved): path = resolved
        case .failure(let failure): return failure
        }
        var fd: Int32 = -1
        for attempt in 0..<max(1, openAttempts) {
            if attempt > 0 { usleep(useconds_t(retryPauseMilliseconds * 1000)) }
            var info = stat()
            guard lstat(path, &info) == 0 else {
                if errno == ENOENT { continue }
                return .missing(path)
            }
            guard (info.st_mode & S_IFMT) == S_IFIFO, info.st_nlink == 1 else { return .notAFIFO(path) }
            fd = open(path, O_WRONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC)
            if fd >= 0 {
                // The file checked must be the file opened (no swap in between).
                var opened = stat()
                guard fstat(fd, &opened) == 0, opened.st_ino == info.st_ino, opened.st_dev == info.st_dev,
                      (opened.st_mode & S_IFMT) == S_IFIFO
                else {
                    close(fd)
                    return .notAFIFO(path)
                }
                break
            }
            if errno == ELOOP { return .notAFIFO(path) }
            guard errno == ENXIO || errno == ENOENT || errno == EINTR else { return .noReader(path) }
        }
        guard fd >= 0 else {
            var info = stat()
            return lstat(path, &info) == 0 ? .noReader(path) : .missing(path)
        }
        defer { close(fd) }
        guard writeAll(fd, Array(text.utf8), timeoutMilliseconds: writeTimeoutMilliseconds) else {
            return .writeFailed(path)
        }
        return nil
    }
}
