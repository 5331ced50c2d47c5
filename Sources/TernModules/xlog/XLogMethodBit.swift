import SIPCore

/// Kamailio's method bits (msg_parser.h METHOD_*), which xlog's `methods_filter` parameter
/// is made of: INVITE 1, CANCEL 2, ACK 4, BYE 8, … PUBLISH 8192, KDMQ 16384, GET 32768 …,
/// and 524288 for any other method.
enum XLogMethodBit {
    static func of(_ message: SIPMessage) -> Int {
        switch message.method {
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
            for (name, bit) in [("KDMQ", 16384), ("GET", 32768), ("POST", 65536), ("PUT", 131072), ("DELETE", 262144)]
            where message.methodIs(raw: name) {
                return bit
            }
            return 524288
        }
    }
}
