// SIP methods (RFC 3261 §7.1 and the extensions every proxy meets). Methods are case-sensitive;
// anything else is `.other` and is compared by its bytes.

public enum SIPMethod: Equatable, Sendable {
    case invite, ack, bye, cancel, register, options, info, prack, subscribe, notify, refer, message, update, publish
    /// Any extension method: compare the raw bytes of `methodRange`.
    case other

    /// The method as written on the wire; nil for `.other`.
    public var name: String? {
        switch self {
        case .invite: return "INVITE"
        case .ack: return "ACK"
        case .bye: return "BYE"
        case .cancel: return "CANCEL"
        case .register: return "REGISTER"
        case .options: return "OPTIONS"
        case .info: return "INFO"
        case .prack: return "PRACK"
        case .subscribe: return "SUBSCRIBE"
        case .notify: return "NOTIFY"
        case .refer: return "REFER"
        case .message: return "MESSAGE"
        case .update: return "UPDATE"
        case .publish: return "PUBLISH"
        case .other: return nil
        }
    }

    /// Recognises a method given as text (case-sensitive, as RFC 3261 §7.1 requires).
    public init(name: String) {
        let utf8 = Array(name.utf8)
        self = utf8.withUnsafeBufferPointer { SIPMethod.recognize($0, 0 ..< $0.count) }
    }

    static func recognize(_ p: ByteBuffer, _ r: Range<Int>) -> SIPMethod {
        guard !r.isEmpty else { return .other }
        switch r.count {
        case 3:
            if Scan.equals(p, r, "ACK") { return .ack }
            if Scan.equals(p, r, "BYE") { return .bye }
        case 4:
            if Scan.equals(p, r, "INFO") { return .info }
        case 5:
            if Scan.equals(p, r, "PRACK") { return .prack }
            if Scan.equals(p, r, "REFER") { return .refer }
        case 6:
            switch p[r.lowerBound] {
            case 0x49: if Scan.equals(p, r, "INVITE") { return .invite }
            case 0x43: if Scan.equals(p, r, "CANCEL") { return .cancel }
            case 0x4E: if Scan.equals(p, r, "NOTIFY") { return .notify }
            case 0x55: if Scan.equals(p, r, "UPDATE") { return .update }
            default: break
            }
        case 7:
            switch p[r.lowerBound] {
            case 0x4F: if Scan.equals(p, r, "OPTIONS") { return .options }
            case 0x4D: if Scan.equals(p, r, "MESSAGE") { return .message }
            case 0x50: if Scan.equals(p, r, "PUBLISH") { return .publish }
            default: break
            }
        case 8:
            if Scan.equals(p, r, "REGISTER") { return .register }
        case 9:
            if Scan.equals(p, r, "SUBSCRIBE") { return .subscribe }
        default:
            break
        }
        return .other
    }
}
