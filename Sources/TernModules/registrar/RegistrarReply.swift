import TernRuntime
import TernScript

/// The header lines of save()'s reply: one Contact line listing every valid binding with
/// the seconds it has left (RFC 3261 §10.3 step 8), Path for a UA that supports it (RFC 3327
/// §5.3), and P-Registrar-Error / Min-Expires / Retry-After on failures — added to the
/// message's reply headers, as Kamailio adds reply lumps, then sent statelessly.
enum RegistrarReply {
    static func contactHeader(_ contacts: [LocationContact], now: Int, receivedParam: String) -> [UInt8] {
        var out: [UInt8] = []
        for contact in contacts where contact.isValid(at: now) {
            if out.isEmpty {
                out.reserveCapacity(48 + contacts.count * (contact.uri.utf8.count + 32))
                out.append(contentsOf: "Contact: <".utf8)
            } else {
                out.append(contentsOf: ", <".utf8)
            }
            out.append(contentsOf: contact.uri.utf8)
            out.append(UInt8(ascii: ">"))
            if contact.q >= 0 {
                out.append(contentsOf: ";q=".utf8)
                appendQ(&out, contact.q)
            }
            out.append(contentsOf: ";expires=".utf8)
            appendDecimal(&out, contact.expires == 0 ? 0 : contact.expires - now)
            if !receivedParam.isEmpty && !contact.received.isEmpty {
                out.append(UInt8(ascii: ";"))
                out.append(contentsOf: receivedParam.utf8)
                out.append(contentsOf: "=\"".utf8)
                out.append(contentsOf: contact.received.utf8)
                out.append(UInt8(ascii: "\""))
            }
            if !contact.instance.isEmpty {
                out.append(contentsOf: ";+sip.instance=\"".utf8)
                out.append(contentsOf: contact.instance.utf8)
                out.append(UInt8(ascii: "\""))
            }
            if contact.regID > 0 {
                out.append(contentsOf: ";reg-id=".utf8)
                appendDecimal(&out, contact.regID)
            }
        }
        if !out.isEmpty { out.append(contentsOf: [13, 10]) }
        return out
    }

    /// Kamailio's q text ("1", "0", "0.5", "0.25") written in place.
    static func appendQ(_ out: inout [UInt8], _ q: Int) {
        if q >= 1000 { out.append(UInt8(ascii: "1")); return }
        if q <= 0 { out.append(UInt8(ascii: "0")); return }
        out.append(contentsOf: "0.".utf8)
        out.append(UInt8(48 + q / 100))
        let rest = q % 100
        guard rest != 0 else { return }
        out.append(UInt8(48 + rest / 10))
        if rest % 10 != 0 { out.append(UInt8(48 + rest % 10)) }
    }

    static func appendDecimal(_ out: inout [UInt8], _ value: Int) {
        if value < 0 {
            out.append(UInt8(ascii: "-"))
            appendDecimal(&out, -value)
            return
        }
        if value >= 10 { appendDecimal(&out, value / 10) }
        out.append(UInt8(48 + value % 10))
    }

    /// Adds the headers for `error` (and the Path checks of a success) to the context's reply
    /// headers; returns the error the reply finally reports.
    static func prepare(
        _ context: ScriptContext, error: RegistrarError, contactHeader: [UInt8], request: RegisterRequest?,
        settings: RegistrarSettings
    ) -> RegistrarError {
        var error = error
        context.replyHeaders += contactHeader
        if error == .fine, settings.usePath, let request, !request.path.isEmpty, settings.pathMode != .off {
            if request.supportsPath {
                context.replyHeaders += Array(("Path: " + request.path + "\r\n").utf8)
            } else if settings.pathMode == .strict {
                error = .pathUnsupported
                context.replyHeaders += Array("Unsupported: path\r\n".utf8)
                context.replyHeaders += Array(("Path: " + request.path + "\r\n").utf8)
            }
        }
        if error == .intervalTooBrief {
            context.replyHeaders += Array(("Min-Expires: " + String(settings.minExpires) + "\r\n").utf8)
        }
        if error.code != 200 {
            context.replyHeaders += Array(("P-Registrar-Error: " + error.info + "\r\n").utf8)
            if error.code >= 500 && settings.retryAfter > 0 {
                context.replyHeaders += Array(("Retry-After: " + String(settings.retryAfter) + "\r\n").utf8)
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
