// exec's quoting of substituted values, checked by the real /bin/sh: whatever the value and
// wherever it lands in the command, the program receives exactly its bytes and nothing runs.
import Foundation
import Testing

@testable import TernModules

@Suite("exec shell quoting")
struct ExecShellQuotingTests {
    static let marker = NSTemporaryDirectory() + "tern-exec-quoting-\(getpid())"

    static let hostileValues: [[UInt8]] = [
        Array("plain".utf8),
        Array("it's".utf8),
        Array("$(touch \(marker))".utf8),
        Array("`touch \(marker)`".utf8),
        Array("a; touch \(marker)".utf8),
        Array("\"; touch \(marker); \"".utf8),
        Array("'; touch \(marker); '".utf8),
        Array("back\\slash\\".utf8),
        Array("two\nlines".utf8),
        Array("* ? [a]".utf8),
        Array("  spaced  ".utf8),
        Array("${HOME} $HOME".utf8),
        [0x61, 0xff, 0xfe, 0x80, 0x62],
        Array(repeating: UInt8(ascii: "x"), count: 8192) + Array("'\"$`".utf8),
    ]

    /// Commands with one place for the value (`@`), as scripts write them.
    static let templates = [
        "printf %s @",
        "printf %s \"@\"",
        "printf %s '@'",
        "printf %s \"pre-@-post\"",
        "printf %s \"$(printf %s @)\"",
        "x=`printf %s @`; printf %s \"$x\"",
        "printf %s \"`printf %s '@'`\"",
        "(printf %s @)",
    ]

    /// The command with the value put in at `@` as exec does it.
    static func command(_ template: String, _ value: [UInt8]) -> [UInt8] {
        let parts = template.split(separator: "@", omittingEmptySubsequences: false)
        var tracker = ShellSyntaxTracker()
        var out: [UInt8] = []
        tracker.feed(parts[0].utf8)
        out += Array(parts[0].utf8)
        ShellQuoting.append(value, at: tracker.position, to: &out)
        out += Array(parts[1].utf8)
        return out
    }

    static func expectedOutput(_ template: String, _ value: [UInt8]) -> [UInt8] {
        let literal = template.contains("pre-@-post") ? Array("pre-".utf8) + value + Array("-post".utf8) : value
        // Command substitution drops trailing newlines.
        if template.contains("$(") || template.contains("`") {
            var v = literal
            while v.last == UInt8(ascii: "\n") { v.removeLast() }
            return v
        }
        return literal
    }

    @Test("values reach the program intact", arguments: templates)
    func intact(_ template: String) {
        for value in Self.hostileValues {
            let result = ChildProgram.run(ChildProgramRequest(
                command: Self.command(template, value), environment: [Array("PATH=/usr/bin:/bin".utf8)], input: nil,
                capturesOutput: true, timeLimit: 10))
            #expect(result.ending == .exited(0), "\(template) with \(String(decoding: value.prefix(60), as: UTF8.self))")
            #expect(result.output == Self.expectedOutput(template, value),
                    "\(template): got \(String(decoding: result.output.prefix(80), as: UTF8.self))")
        }
        #expect(!FileManager.default.fileExists(atPath: Self.marker), "a value ran a command")
        try? FileManager.default.removeItem(atPath: Self.marker)
    }

    @Test("a value in a comment is left out; the comment still ends at the line's end")
    func comment() {
        var tracker = ShellSyntaxTracker()
        tracker.feed("echo a # note ".utf8)
        #expect(tracker.position.inComment)
        var out = Array("echo a # note ".utf8)
        ShellQuoting.append(Array("x\ntouch \(Self.marker)".utf8), at: tracker.position, to: &out)
        #expect(out == Array("echo a # note ".utf8))
        tracker.feed("\necho b ".utf8)
        #expect(!tracker.position.inComment)
        var notComment = ShellSyntaxTracker()
        notComment.feed("echo a#b ".utf8)
        #expect(!notComment.position.inComment)
    }

    @Test("positions: quotes, substitutions, backslash, here-document")
    func positions() {
        func position(_ text: String) -> ShellPosition {
            var t = ShellSyntaxTracker()
            t.feed(text.utf8)
            return t.position
        }
        #expect(position("a ").quote == .none)
        #expect(position("a '").quote == .single)
        #expect(position("a \"").quote == .double)
        #expect(position("a \"it's ").quote == .double)
        #expect(position("a 'x\"").quote == .single)
        #expect(position("a \"$(b ").quote == .none)
        #expect(position("a \"$(b ) ").quote == .double)
        #expect(position("a `b ").backquoteDepth == 1)
        #expect(position("a `b` ").backquoteDepth == 0)
        #expect(position("a \\").afterBackslash)
        #expect(!position("a \\$").afterBackslash)
        #expect(position("cat <<EOF\n").afterHereDocument)
        #expect(position("a \\$(b ").quote == .none && position("a \"\\$(b ").quote == .double)
    }

    @Test("$SIP_ names are left for the shell, $$ stays a literal dollar")
    func shellVariablesLeft() {
        #expect(ShellCommand.leavingShellVariables("echo $SIP_HF_FROM | mail") == "echo $$SIP_HF_FROM | mail")
        #expect(ShellCommand.leavingShellVariables("echo ${SIP_RURI} $rU") == "echo $${SIP_RURI} $rU")
        #expect(ShellCommand.leavingShellVariables("echo $$SIP_X") == "echo $$SIP_X")
        #expect(ShellCommand.leavingShellVariables("no dollars") == "no dollars")
    }
}
