import SIPCore

/// Kamailio's method ids (msg_parser.h METHOD_*), one bit each: INVITE 1, CANCEL 2, ACK 4,
/// BYE 8, … PUBLISH 8192, KDMQ 16384, GET 32768 … DELETE 262144, and 2^19 for any other
/// method. `$rmid` reads them and xlog's `methods_filter` is made of them.
public enum KamailioMethodID {
    /// The id of a request's method, or of a reply's CSeq method; 0 when there is no method
    /// (a reply without a CSeq method).
    public static func of(_ m: SIPMessage) -> Int {
        switch m.method {
        case .invite: return 1
        case .cancel: return 2
        case .ack: return 4
        case .bye: return 8
        case .info: return 16
        case .register: return 32
        case .subscribe: return 64
        case .notify: return 128
        case .message: return 256
        case .options: return 512
        case .prack: return 1024
        case .update: return 2048
        case .refer: return 4096
        case .publish: return 8192
        case .other:
            let raw = m.string(m.methodRange)
            switch raw {
            case "KDMQ": return 16384
            case "GET": return 32768
            case "POST": return 65536
            case "PUT": return 131072
            case "DELETE": return 262144
            default: return raw.isEmpty ? 0 : other
            }
        }
    }

    /// METHOD_OTHER: a method Kamailio has no id of its own for.
    public static let other = 524288
}
