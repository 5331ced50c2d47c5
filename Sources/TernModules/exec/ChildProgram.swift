import TernScript
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One run of `/bin/sh -c command`: what goes in, what must come out, how long it may take.
struct ChildProgramRequest {
    /// The command line given to the shell (NUL bytes cut it, as in C).
    var command: [UInt8]
    /// `NAME=value` entries; the whole environment of the program.
    var environment: [[UInt8]]
    /// Written to the program's standard input; nil gives it /dev/null.
    var input: [UInt8]?
    /// Keep standard output (exec_dset, exec_avp); otherwise it goes to /dev/null.
    var capturesOutput = false
    /// Bytes of output kept; the rest is read and dropped so the program is not stalled.
    var outputLimit = ChildProgram.defaultOutputLimit
    /// Bytes read in all; past it the pipe is closed and a program still writing gets SIGPIPE.
    var drainLimit = ChildProgram.defaultDrainLimit
    /// Seconds before the program's process group is killed; nil waits as long as it runs.
    var timeLimit: Int?
}

/// How a run ended.
struct ChildProgramResult: Equatable {
    enum Ending: Equatable {
        case exited(Int32)
        /// Died by a signal (its own or one sent by someone else).
        case signaled(Int32)
        /// Killed by us after the time limit.
        case timedOut
        /// The shell could not be started (errno).
        case notStarted(Int32)
    }

    var ending: Ending
    /// Standard output, up to the limit.
    var output: [UInt8] = []
    /// More output came than was kept.
    var outputTruncated = false
    /// The program ended or closed its input before taking all of it.
    var inputDropped = false

    var succeeded: Bool { ending == .exited(0) }
}

/// Runs programs for the exec module without Foundation: posix_spawn, pipes made non-blocking
/// and served by one poll loop (a program that never reads its input or writes megabytes
/// cannot block the worker), the process in a group of its own so the time limit kills
/// whatever it started, and the child always reaped before returning.
enum ChildProgram {
    static let defaultOutputLimit = 1 << 20
    static let defaultDrainLimit = 64 << 20
    /// Longest sleep between checks whether the program has ended while pipes are open.
    static let checkIntervalMilliseconds: Int32 = 50

    /// SIGPIPE must not kill the server when a program closes its input early; write then fails
    /// with EPIPE instead. Done once, before the first program runs.
    static func ignoreBrokenPipes() {
        signal(SIGPIPE, SIG_IGN)
    }

    /// Held from making a program's pipes until it is started, so no other program started
    /// meanwhile inherits them where pipe2 is missing.
    private static let spawning = Lock()

    static func run(_ request: ChildProgramRequest) -> ChildProgramResult {
        switch spawning.withLock({ start(request) }) {
        case .failure(let notStarted):
            return notStarted.result
        case .success(let started):
            var session = ChildSession(pid: started.pid, input: request.input ?? [], inputFD: started.input,
                                       outputFD: started.output, outputLimit: request.outputLimit,
                                       drainLimit: request.drainLimit,
                                       deadline: request.timeLimit.map { MonotonicTime.now() + Int64($0) * 1_000_000_000 })
            return session.run()
        }
    }

    private struct Started {
        var pid: pid_t
        var input: Int32?
        var output: Int32?
    }

    private struct NotStarted: Error { var result: ChildProgramResult }

    private static func start(_ request: ChildProgramRequest) -> Result<Started, NotStarted> {
        var stdinPipe: (read: Int32, write: Int32)? = nil
        var stdoutPipe: (read: Int32, write: Int32)? = nil
        if request.input != nil {
            guard let p = makePipe() else { return .failure(NotStarted(result: ChildProgramResult(ending: .notStarted(errno)))) }
            stdinPipe = p
        }
        if request.capturesOutput {
            guard let p = makePipe() else {
                let e = errno
                if let s = stdinPipe { close(s.read); close(s.write) }
                return .failure(NotStarted(result: ChildProgramResult(ending: .notStarted(e))))
            }
            stdoutPipe = p
        }
        let spawned = spawn(request, stdin: stdinPipe?.read, stdout: stdoutPipe?.write)
        // The child has its copies; the parent keeps only its own ends.
        if let s = stdinPipe { close(s.read) }
        if let s = stdoutPipe { close(s.write) }
        switch spawned {
        case .failure(let e):
            if let s = stdinPipe { close(s.write) }
            if let s = stdoutPipe { close(s.read) }
            return .failure(NotStarted(result: ChildProgramResult(ending: .notStarted(e.code))))
        case .success(let pid):
            return .success(Started(pid: pid, input: stdinPipe?.write, output: stdoutPipe?.read))
        }
    }

    private static func makePipe() -> (read: Int32, write: Int32)? {
        var fds: [Int32] = [-1, -1]
        if let pipe2 = GlibcExtensions.pipe2 {
            guard pipe2(&fds, O_CLOEXEC) == 0 else { return nil }
        } else {
            guard pipe(&fds) == 0 else { return nil }
            for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        }
        return (fds[0], fds[1])
    }

    struct SpawnError: Error { var code: Int32 }

    private static func spawn(_ request: ChildProgramRequest, stdin: Int32?, stdout: Int32?) -> Result<pid_t, SpawnError> {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let stdin {
            posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        if let stdout {
            posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        // Sockets and other programs' pipes stay with the server (a pipe held open by an
        // unrelated child would keep a reader waiting for an end of file).
        if let closeFrom = GlibcExtensions.addCloseFrom { _ = closeFrom(&actions, 3) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own process group, so the time limit reaches what the shell starts.
        posix_spawnattr_setpgroup(&attributes, 0)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        // Ignored signals stay ignored across exec; the program gets the defaults back.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGPIPE, SIGHUP, SIGINT, SIGTERM, SIGQUIT, SIGUSR1, SIGUSR2, SIGCHLD, SIGALRM] {
            sigaddset(&defaults, s)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let command = Array(request.command.prefix { $0 != 0 })
        let argv = CStringArray([Array("sh".utf8), Array("-c".utf8), command])
        let envp = CStringArray(request.environment.map { Array($0.prefix { $0 != 0 }) })
        defer {
            argv.free()
            envp.free()
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv.pointers, envp.pointers)
        guard rc == 0 else { return .failure(SpawnError(code: rc)) }
        return .success(pid)
    }
}

/// glibc functions the Swift Glibc module does not import (they need _GNU_SOURCE), looked up
/// once at run time; nil where the C library lacks them.
private enum GlibcExtensions {
    typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    static let pipe2: Pipe2? = symbol("pipe2")
    static let addCloseFrom: AddCloseFrom? = symbol("posix_spawn_file_actions_addclosefrom_np")

    private static func symbol<F>(_ name: String) -> F? {
        guard let p = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }
        return unsafeBitCast(p, to: F.self)
    }
}

/// A NULL-terminated array of C strings made from bytes, freed by `free()`.
private struct CStringArray {
    let pointers: [UnsafeMutablePointer<CChar>?]

    init(_ strings: [[UInt8]]) {
        var list: [UnsafeMutablePointer<CChar>?] = []
        list.reserveCapacity(strings.count + 1)
        for s in strings {
            let p = UnsafeMutablePointer<CChar>.allocate(capacity: s.count + 1)
            s.withUnsafeBufferPointer { b in
                b.withMemoryRebound(to: CChar.self) { c in
                    if let base = c.baseAddress { p.update(from: base, count: c.count) }
                }
            }
            p[s.count] = 0
            list.append(p)
        }
        list.append(nil)
        pointers = list
    }

    func free() {
        for p in pointers { p?.deallocate() }
    }
}

/// Nanoseconds on the monotonic clock.
enum MonotonicTime {
    static func now() -> Int64 {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Int64(t.tv_sec) * 1_000_000_000 + Int64(t.tv_nsec)
    }
}

/// The parent's side of one running program: feed its input, collect its output, watch the
/// clock, reap it. States: pipes open → (child ended | pipes closed) → reaped.
private struct ChildSession {
    let pid: pid_t
    let input: [UInt8]
    var inputFD: Int32?
    var outputFD: Int32?
    let outputLimit: Int
    let drainLimit: Int
    let deadline: Int64?

    var written = 0
    var readTotal = 0
    var output: [UInt8] = []
    var truncated = false
    var inputDropped = false
    var status: Int32?
    var timedOut = false

    init(pid: pid_t, input: [UInt8], inputFD: Int32?, outputFD: Int32?, outputLimit: Int, drainLimit: Int, deadline: Int64?) {
        self.pid = pid
        self.input = input
        self.inputFD = inputFD
        self.outputFD = outputFD
        self.outputLimit = outputLimit
        self.drainLimit = drainLimit
        self.deadline = deadline
        for fd in [inputFD, outputFD].compactMap({ $0 }) {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        if input.isEmpty, let fd = inputFD {
            close(fd)
            self.inputFD = nil
        }
    }

    mutating func run() -> ChildProgramResult {
        servePipes()
        if status == nil && !timedOut { waitForExit() }
        if let fd = inputFD { close(fd); inputFD = nil }
        if let fd = outputFD { close(fd); outputFD = nil }
        var result = ChildProgramResult(ending: .timedOut, output: output, outputTruncated: truncated,
                                         inputDropped: inputDropped)
        if !timedOut, let status {
            let low = status & 0x7f
            result.ending = low == 0 ? .exited((status >> 8) & 0xff) : .signaled(low)
        }
        return result
    }

    /// Feeds the input and reads the output until both pipes are done, the program has ended,
    /// or its time is up.
    private mutating func servePipes() {
        while inputFD != nil || outputFD != nil {
            var fds: [pollfd] = []
            if let fd = inputFD { fds.append(pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)) }
            if let fd = outputFD { fds.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0)) }
            var timeout = ChildProgram.checkIntervalMilliseconds
            if let deadline {
                let left = deadline - MonotonicTime.now()
                if left <= 0 {
                    killGroup()
                    return
                }
                timeout = min(timeout, Int32(clamping: (left + 999_999) / 1_000_000))
            }
            let n = poll(&fds, nfds_t(fds.count), timeout)
            if n < 0 && errno != EINTR { break }
            if n > 0 {
                for p in fds where p.revents != 0 {
                    if p.fd == inputFD { writeInput() } else if p.fd == outputFD { readOutput() }
                }
            }
            if reapIfEnded() {
                // Whatever it started may hold the pipes; take what is there and stop.
                if inputFD != nil { dropInput() }
                if outputFD != nil { readOutput(untilEmptyOnly: true) }
                return
            }
        }
    }

    private mutating func writeInput() {
        guard let fd = inputFD else { return }
        while written < input.count {
            let n = input.withUnsafeBytes { raw in
                write(fd, raw.baseAddress! + written, input.count - written)
            }
            if n > 0 {
                written += n
                continue
            }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return }
            // EPIPE: the program closed its input.
            dropInput()
            return
        }
        close(fd)
        inputFD = nil
    }

    private mutating func dropInput() {
        if let fd = inputFD { close(fd) }
        inputFD = nil
        if written < input.count { inputDropped = true }
    }

    private mutating func readOutput(untilEmptyOnly: Bool = false) {
        guard let fd = outputFD else { return }
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n > 0 {
                readTotal += n
                let room = outputLimit - output.count
                if room > 0 { output.append(contentsOf: chunk[0..<min(n, room)]) }
                if n > room { truncated = true }
                if readTotal >= drainLimit {
                    close(fd)
                    outputFD = nil
                    return
                }
                continue
            }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                if untilEmptyOnly {
                    close(fd)
                    outputFD = nil
                }
                return
            }
            // End of file or a read error.
            close(fd)
            outputFD = nil
            return
        }
    }

    /// Reaps the program if it has ended.
    private mutating func reapIfEnded() -> Bool {
        var s: Int32 = 0
        while true {
            let r = waitpid(pid, &s, WNOHANG)
            if r == pid {
                status = s
                return true
            }
            if r < 0 && errno == EINTR { continue }
            if r < 0 {
                // Reaped elsewhere (should not happen): treat as a failure.
                status = 0x7f00 | 0x7f
                return true
            }
            return false
        }
    }

    /// The pipes are closed but the program runs on: wait for it, within the deadline.
    private mutating func waitForExit() {
        guard let deadline else {
            var s: Int32 = 0
            while true {
                let r = waitpid(pid, &s, 0)
                if r == pid { status = s; return }
                if r < 0 && errno == EINTR { continue }
                status = 0x7f00 | 0x7f
                return
            }
        }
        var pause: Int32 = 1
        while !reapIfEnded() {
            let left = deadline - MonotonicTime.now()
            if left <= 0 {
                killGroup()
                return
            }
            _ = poll(nil, 0, min(pause, Int32(clamping: (left + 999_999) / 1_000_000)))
            pause = min(pause * 2, ChildProgram.checkIntervalMilliseconds)
        }
    }

    /// Kills the program and everything in its process group, then reaps it.
    private mutating func killGroup() {
        timedOut = true
        kill(-pid, SIGKILL)
        kill(pid, SIGKILL)
        var s: Int32 = 0
        while waitpid(pid, &s, 0) < 0 && errno == EINTR {}
    }
}
