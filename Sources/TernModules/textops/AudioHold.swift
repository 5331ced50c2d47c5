// textops is_audio_on_hold(): whether an application/sdp body puts an audio stream on hold —
// RFC 3264 (a=sendonly / a=inactive, in the stream or for the whole session: 2) or RFC 2543
// (connection address 0.0.0.0: 1, except for an ICE trickle re-offer on port 9).
import SIPCore
import TernScript

enum AudioHold {
    static let rfc2543 = 1
    static let rfc3264 = 2

    static var function: FunctionDeclaration {
        FunctionDeclaration(name: "is_audio_on_hold", argumentCounts: 0...0, routeTypes: .any) { _, _ throws(Diagnostic) in
            { ctx in state(of: ctx.message) ?? -1 }
        }
    }

    private struct Stream {
        var media: ArraySlice<UInt8> = []
        var port: ArraySlice<UInt8> = []
        var address: ArraySlice<UInt8>?
        var hold = 0
        var trickle = false
    }

    /// The hold kind of the first audio stream on hold; nil when none is (or there is no SDP body).
    static func state(of m: SIPMessage) -> Int? {
        guard !m.bodyRange.isEmpty, let field = m.firstHeader(.contentType),
              MIMEType(m.bytes[field.valueRange]) == MIMEType.applicationSDP
        else { return nil }
        // 0: no direction attribute yet, -1: one that does not hold, 2: sendonly/inactive.
        var sessionHold = 0
        var sessionAddress: ArraySlice<UInt8>?
        var streams: [Stream] = []
        for rawLine in m.body.split(separator: 10) {
            let line = rawLine.last == 13 ? rawLine.dropLast() : rawLine
            guard line.count >= 2, line[line.startIndex + 1] == UInt8(ascii: "=") else { continue }
            let value = line.dropFirst(2)
            switch line.first {
            case UInt8(ascii: "m"):
                let words = value.split(separator: 32)
                streams.append(Stream(media: words.first ?? [], port: words.count > 1 ? words[1] : []))
            case UInt8(ascii: "c"):
                // c=IN IP4 0.0.0.0 — only IPv4 counts.
                let words = value.split(separator: 32)
                let address: ArraySlice<UInt8>? = words.count >= 3 && words[1].elementsEqual("IP4".utf8) ? words[2] : []
                if streams.isEmpty { sessionAddress = address } else { streams[streams.count - 1].address = address }
            case UInt8(ascii: "a"):
                let lower = line.prefix(10).map(asciiLower)
                let holding = lower.elementsEqual("a=sendonly".utf8) || lower.elementsEqual("a=inactive".utf8)
                if streams.isEmpty {
                    // The session's first direction attribute decides.
                    let direction = holding || lower.elementsEqual("a=sendrecv".utf8) || lower.elementsEqual("a=recvonly".utf8)
                    if direction && sessionHold == 0 { sessionHold = holding ? rfc3264 : -1 }
                } else {
                    if holding { streams[streams.count - 1].hold = rfc3264 }
                    if value.starts(with: "ice-options:".utf8) && value.dropFirst(12).split(separator: 32).contains(where: { $0.elementsEqual("trickle".utf8) }) {
                        streams[streams.count - 1].trickle = true
                    }
                }
            default:
                break
            }
        }
        let session = max(sessionHold, 0)
        for var stream in streams {
            if stream.hold == 0 {
                let address = stream.address ?? sessionAddress
                if let address, address.elementsEqual("0.0.0.0".utf8), !(stream.trickle && stream.port.elementsEqual("9".utf8)) {
                    stream.hold = rfc2543
                }
            }
            guard stream.media.elementsEqual("audio".utf8) else { continue }
            if stream.hold != 0 { return stream.hold }
            if session != 0 { return session }
        }
        return nil
    }
}
