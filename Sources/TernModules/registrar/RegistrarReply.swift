import TernRuntime
import TernScript

/// The header lines of save()'s reply: one Contact line listing every valid binding with
/// the seconds it has left (RFC 3261 §10.3 step 8), Path for a UA that supports it (RFC 3327
/// §5.3), and P-Registrar-Error / Min-Expires / Retry-After on failures — added to the
/// message's reply headers, as Kamailio adds reply lumps, then sent statelessly.
enum RegistrarReply {
    static func contactHeader(_ contacts: [LocationContact], now: Int, receivedParam: String) -> [UInt8] {
        // Bindings are read through pointers where they lie in the array (a copy would retain
        // all their Strings); the line is written into one buffer sized for the longest it can be.
        contacts.withUnsafeBufferPointer { list -> [UInt8] in
            guard let base = list.baseAddress else { return [] }
            var bound = 0
            for i in list.indices where base[i].isValid(at: now) {
                bound += maxBindingLength(base + i, receivedParam: receivedParam)
            }
            guard bound > 0 else { return [] }
            bound += "Contact: ".utf8.count + 2
            return [UInt8](unsafeUninitializedCapacity: bound) { buffer, count in
                guard let start = buffer.baseAddress else { return }
                var writer = ByteWriter(start)
                writer.write("Contact: ")
                var first = true
                for i in list.indices where base[i].isValid(at: now) {
                    if !first { writer.write(", ") }
                    first = false
                    writeBinding(&writer, base + i, now: now, receivedParam: receivedParam)
                }
                writer.write(13)
                writer.write(10)
                count = writer.count
            }
        }
    }

    /// The most bytes `writeBinding` writes for a binding, with the separator before it.
    private static func maxBindingLength(_ contact: UnsafePointer<LocationContact>, receivedParam: String) -> Int {
        // ", <" ">" ";q=0.xyz" ";expires=" with a sign and 19 digits, the quotes and names of
        // received, +sip.instance and reg-id with 19 digits: 96 covers them all.
        96 + contact.pointee.uri.utf8.count + receivedParam.utf8.count + contact.pointee.received.utf8.count
            + contact.pointee.instance.utf8.count
    }

    private static func writeBinding(
        _ writer: inout ByteWriter, _ contact: UnsafePointer<LocationContact>, now: Int, receivedParam: String
    ) {
        writer.write(UInt8(ascii: "<"))
        writer.write(contentsOf: contact.pointee.uri)
        writer.write(UInt8(ascii: ">"))
        if contact.pointee.q >= 0 {
            writer.write(";q=")
            writer.writeQ(contact.pointee.q)
        }
        writer.write(";expires=")
        writer.writeDecimal(contact.pointee.expires == 0 ? 0 : contact.pointee.expires - now)
        if !receivedParam.isEmpty && !contact.pointee.received.isEmpty {
            writer.write(UInt8(ascii: ";"))
            writer.write(contentsOf: receivedParam)
            writer.write("=\"")
            writer.write(contentsOf: contact.pointee.received)
            writer.write(UInt8(ascii: "\""))
        }
        if !contact.pointee.instance.isEmpty {
            writer.write(";+sip.instance=\"")
            writer.write(contentsOf: contact.pointee.instance)
            writer.write(UInt8(ascii: "\""))
        }
        if contact.pointee.regID > 0 {
            writer.write(";reg-id=")
            writer.writeDecimal(contact.pointee.regID)
        }
    }

    /// Adds the headers for `error` (and the Path checks of a success) to the context's reply
    /// headers; returns the error the reply finally reports.
    static func prepare(
        _ context: ScriptContext, error: RegistrarError, contactHeader: [UInt8], path: String, supportsPath: Bool,
        rules settings: BindingRules
    ) -> RegistrarError {
        var error = error
        if context.replyHeaders.isEmpty {
            context.replyHeaders = contactHeader
        } else {
            context.replyHeaders += contactHeader
        }
        if error == .fine, settings.registrar.usePath, !path.isEmpty, settings.registrar.pathMode != .off {
            if supportsPath {
                context.replyHeaders += Array(("Path: " + path + "\r\n").utf8)
            } else if settings.registrar.pathMode == .strict {
                error = .pathUnsupported
                context.replyHeaders += Array("Unsupported: path\r\n".utf8)
                context.replyHeaders += Array(("Path: " + path + "\r\n").utf8)
            }
        }
        if error == .intervalTooBrief {
            context.replyHeaders += Array(("Min-Expires: " + String(settings.registrar.minExpires) + "\r\n").utf8)
        }
        if error.code != 200 {
            context.replyHeaders += Array(("P-Registrar-Error: " + error.info + "\r\n").utf8)
            if error.code >= 500 && settings.registrar.retryAfter > 0 {
                context.replyHeaders += Array(("Retry-After: " + String(settings.registrar.retryAfter) + "\r\n").utf8)
            }
        }
        return error
    }

    static func send(_ context: ScriptContext, _ error: RegistrarError, services: RuntimeServices) -> Bool {
        StatelessReply.send(context, code: error.code, reason: error.reason, services: services)
    }
}

/// A reply save() prepared with flags 0x12 for reg_send_reply().
struct PreparedRegistrarReply {
    static let key = ScriptContextKey<RegistrarError>()
}

/// Writes into memory sized beforehand (see `RegistrarReply.contactHeader`): no capacity
/// checks per byte, one copy per piece.
struct ByteWriter {
    private let start: UnsafeMutablePointer<UInt8>
    private(set) var count = 0

    init(_ start: UnsafeMutablePointer<UInt8>) { self.start = start }

    mutating func write(_ byte: UInt8) {
        start[count] = byte
        count += 1
    }

    mutating func write(_ text: StaticString) {
        let length = text.utf8CodeUnitCount
        (start + count).update(from: text.utf8Start, count: length)
        count += length
    }

    mutating func write(contentsOf text: String) {
        var text = text
        text.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return }
            (start + count).update(from: base, count: bytes.count)
            count += bytes.count
        }
    }

    /// Kamailio's q text ("1", "0", "0.5", "0.25"): at most 5 bytes.
    mutating func writeQ(_ q: Int) {
        if q >= 1000 { write(UInt8(ascii: "1")); return }
        if q <= 0 { write(UInt8(ascii: "0")); return }
        write(UInt8(ascii: "0"))
        write(UInt8(ascii: "."))
        write(UInt8(48 + q / 100))
        let rest = q % 100
        guard rest != 0 else { return }
        write(UInt8(48 + rest / 10))
        if rest % 10 != 0 { write(UInt8(48 + rest % 10)) }
    }

    /// At most 20 bytes (a sign and 19 digits).
    mutating func writeDecimal(_ value: Int) {
        if value < 0 { write(UInt8(ascii: "-")) }
        var rest = value.magnitude
        var digits = 1
        var probe = rest
        while probe >= 10 {
            probe /= 10
            digits += 1
        }
        var index = count + digits
        count = index
        repeat {
            index -= 1
            start[index] = UInt8(48 + rest % 10)
            rest /= 10
        } while rest > 0
    }
}
