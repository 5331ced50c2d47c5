import SIPCore
import Testing

@Suite("Edit list and serializer")
struct EditListTests {
    private let original = Array("Hello, wonderful world!".utf8)

    private func apply(_ edits: EditList) throws(EditListError) -> String {
        text(try edits.apply(to: original))
    }

    @Test func noEditsGiveTheOriginal() throws {
        #expect(try apply(EditList()) == "Hello, wonderful world!")
    }

    @Test func severalEditsInOnePass() throws {
        var e = EditList()
        e.replace(0 ..< 5, with: Array("Goodbye".utf8))   // Hello -> Goodbye
        e.delete(7 ..< 17)                                // "wonderful "
        e.insert(Array("cruel ".utf8), at: 17)            // before "world"
        e.insert(Array("!!".utf8), at: 23)                // at the end
        #expect(try apply(e) == "Goodbye, cruel world!!!")
        #expect(e.count == 4)
    }

    @Test func insertsAtOneOffsetKeepTheirOrder() throws {
        var e = EditList()
        e.insert(Array("A".utf8), at: 7)
        e.insert(Array("B".utf8), at: 7)
        e.replace(7 ..< 16, with: Array("R".utf8))
        e.insert(Array("C".utf8), at: 7)
        e.insert(Array("D".utf8), at: 16)
        #expect(try apply(e) == "Hello, ABCRD world!")
    }

    @Test func insertAtTheEndOfADeletionComesAfterIt() throws {
        var e = EditList()
        e.insert(Array("<".utf8), at: 0)
        e.delete(0 ..< 7)
        e.insert(Array(">".utf8), at: 7)
        #expect(try apply(e) == "<>wonderful world!")
    }

    /// Overlapping edits merge as Kamailio's lumps do: nothing is removed twice and every
    /// edit's new bytes are kept, in the order the edits were made.
    @Test func overlappingEditsMergeLikeKamailioLumps() throws {
        var a = EditList()
        a.delete(0 ..< 5)
        a.replace(3 ..< 8, with: [])
        #expect(try apply(a) == String(decoding: original[8...], as: UTF8.self))

        var twice = EditList()
        twice.delete(0 ..< 5)
        twice.delete(0 ..< 5)
        #expect(try apply(twice) == String(decoding: original[5...], as: UTF8.self))

        var replaced = EditList()
        replaced.replace(0 ..< 5, with: Array("b".utf8))
        replaced.replace(0 ..< 5, with: Array("c".utf8))
        #expect(try apply(replaced) == "bc" + String(decoding: original[5...], as: UTF8.self))

        var inside = EditList()
        inside.delete(0 ..< 5)
        inside.insert(Array("x".utf8), at: 2)
        #expect(try apply(inside) == "x" + String(decoding: original[5...], as: UTF8.self))
    }

    @Test func outOfBoundsEditsAreErrorsNotCrashes() {
        var d = EditList()
        d.insert(Array("x".utf8), at: 999)
        #expect(throws: EditListError(kind: .outOfBounds(999 ..< 999, count: original.count))) { try d.apply(to: original) }

        var f = EditList()
        f.delete(-1 ..< 2)
        #expect(throws: EditListError.self) { try f.apply(to: original) }
    }

    @Test func emptyDeletionIsIgnored() throws {
        var e = EditList()
        e.delete(3 ..< 3)
        #expect(e.isEmpty)
    }

    @Test func serializerRewritesContentLength() throws {
        let m = try SIPMessage.parse(Samples.invite)
        var e = EditList()
        let rr = Array("Record-Route: <sip:p1.example.com;lr>\r\n".utf8)
        e.insert(rr, at: m.firstHeader(.via)!.nameRange.lowerBound)
        e.insert(Array("a=sendrecv\r\n".utf8), at: m.bodyRange.upperBound)
        let out = try MessageSerializer.serialize(m, edits: e)
        let again = try SIPMessage.parse(out)
        try again.validate()
        #expect(try again.contentLength() == 146 + 12)
        #expect(again.string(again.bodyRange).hasSuffix("a=sendrecv\r\n"))
        #expect(again.headers.first?.name == .recordRoute)
        #expect(out.count == Samples.invite.count + rr.count + 12)   // "146" -> "158" keeps its width

        // A Content-Length the caller set is left alone.
        var manual = EditList()
        manual.replace(m.firstHeader(.contentLength)!.valueRange, with: Array("0".utf8))
        manual.delete(m.bodyRange)
        let stripped = try MessageSerializer.serialize(m, edits: manual)
        let parsed = try SIPMessage.parse(stripped)
        #expect(try parsed.contentLength() == 0)
        #expect(parsed.bodyRange.isEmpty)
    }

    @Test func serializerAddsMissingContentLengthAndDropsTrailingBytes() throws {
        let bytes = crlf("\nOPTIONS sip:a@b SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\n\nbody")
        let m = try SIPMessage.parse(bytes)
        let out = try MessageSerializer.serialize(m, edits: EditList())
        #expect(text(out) == "OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nContent-Length: 4\r\n\r\nbody")
        let raw = try MessageSerializer.serialize(m, edits: EditList(), updateContentLength: false)
        #expect(raw == Array(bytes.dropFirst(2)))

        let dgram = crlf("OPTIONS sip:a@b SIP/2.0\nContent-Length: 2\n\nhi and trailing junk")
        let d = try SIPMessage.parse(dgram)
        #expect(text(try MessageSerializer.serialize(d, edits: EditList())).hasSuffix("\r\n\r\nhi"))
        var beyond = EditList()
        beyond.insert(Array("x".utf8), at: dgram.count)
        #expect(throws: EditListError.self) { try MessageSerializer.serialize(d, edits: beyond) }
    }
}
