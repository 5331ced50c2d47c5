// registrar — REGISTER processing (RFC 3261 §10.3, RFC 3327 Path) over usrloc's tables,
// and lookup of where a request for an AOR goes (Kamailio's registrar module).

/// registrar's numeric module parameters, as applied (Kamailio's names and defaults). Plain
/// values only, so save() and lookup() copy it without a retain; the string parameters live
/// on RegistrarModule.
struct RegistrarSettings: Sendable {
    var defaultExpires = 3600
    /// Percent by which an expiry may be shortened at random (spreads re-registrations):
    /// `default_expires_range` when default_expires was used, `expires_range` otherwise.
    var defaultExpiresRange = 0
    var expiresRange = 0
    var minExpires = 60
    /// 0 raises a too-short expiry to min_expires; 1 answers 423 Interval Too Brief.
    var minExpiresMode = 0
    /// 0 = no limit.
    var maxExpires = 0
    /// 0 = unlimited.
    var maxContacts = 0
    /// Thousandths; -1 = unspecified.
    var defaultQ = -1
    var appendBranches = true
    var caseSensitive = false
    var usePath = false
    var pathMode = PathMode.strict
    var pathUseReceived = false
    var methodFiltering = false
    var retryAfter = 0
    var contactMaxSize = 512

    enum PathMode: Int, Sendable {
        /// Store Path, never put it in the reply.
        case off = 0
        /// Path in the reply only when the UA says `Supported: path`.
        case lazy = 1
        /// Refuse (420) a Path the UA did not say it supports.
        case strict = 2
    }
}

/// Kamailio's registrar error numbers with their reply codes and P-Registrar-Error texts.
enum RegistrarError: Int, Error, Sendable {
    case fine = 0
    case deleteRecordFailed, getRecordFailed, newRecordFailed, invalidCSeq, insertContactFailed, insertRecordFailed
    case deleteContactFailed, updateContactFailed, noUserInTo, aorTooLong, aorParse, invalidExpires, invalidQ
    case parse, toMissing, callIDMissing, cseqMissing, expiresParse, contactParse, starExpiresNotZero
    case starWithOthers, outOfOrder, retransmission, unescape, tooMany, contactTooLong, callIDTooLong
    case pathParse, pathUnsupported, outboundUnsupported, outboundRequired, outboundUnsupportedEdge
    case invalidRegID, intervalTooBrief

    var code: Int {
        switch self {
        case .fine, .outOfOrder, .retransmission: return 200
        case .deleteRecordFailed, .getRecordFailed, .newRecordFailed, .insertContactFailed, .insertRecordFailed,
             .deleteContactFailed, .updateContactFailed, .aorTooLong:
            return 500
        case .tooMany: return 503
        case .pathUnsupported, .outboundRequired: return 420
        case .outboundUnsupported: return 421
        case .outboundUnsupportedEdge: return 439
        case .intervalTooBrief: return 423
        default: return 400
        }
    }

    var reason: String {
        switch code {
        case 200: return "OK"
        case 420: return "Bad Extension"
        case 421: return "Extension Required"
        case 423: return "Interval Too Brief"
        case 439: return "First Hop Lacks Outbound Support"
        case 500: return "Server Internal Error"
        case 503: return "Service Unavailable"
        default: return "Bad Request"
        }
    }

    /// The P-Registrar-Error text of a failed registration.
    var info: String {
        switch self {
        case .fine: return "No problem"
        case .deleteRecordFailed: return "usrloc_record_delete failed"
        case .getRecordFailed: return "usrloc_record_get failed"
        case .newRecordFailed: return "usrloc_record_new failed"
        case .invalidCSeq: return "Invalid CSeq number"
        case .insertContactFailed: return "usrloc_contact_insert failed"
        case .insertRecordFailed: return "usrloc_record_insert failed"
        case .deleteContactFailed: return "usrloc_contact_delete failed"
        case .updateContactFailed: return "usrloc_contact_update failed"
        case .noUserInTo: return "No username in To URI"
        case .aorTooLong: return "Address Of Record too long"
        case .aorParse: return "Error while parsing AOR"
        case .invalidExpires: return "Invalid expires param in contact"
        case .invalidQ: return "Invalid q param in contact"
        case .parse: return "Message parse error"
        case .toMissing: return "To header not found"
        case .callIDMissing: return "Call-ID header not found"
        case .cseqMissing: return "CSeq header not found"
        case .expiresParse: return "Expires parse error"
        case .contactParse: return "Contact parse error"
        case .starExpiresNotZero: return "* used in contact and expires is not zero"
        case .starWithOthers: return "* used in contact and more than 1 contact"
        case .outOfOrder: return "Out of order request"
        case .retransmission: return "Retransmission"
        case .unescape: return "Error while unescaping username"
        case .tooMany: return "Too many registered contacts"
        case .contactTooLong: return "Contact/received too long"
        case .callIDTooLong: return "Callid too long"
        case .pathParse: return "Path parse error"
        case .pathUnsupported: return "No support for found Path indicated"
        case .outboundUnsupported: return "No support for Outbound indicated"
        case .outboundRequired: return "No support for Outbound on server"
        case .outboundUnsupportedEdge: return "No support for Outbound on edge proxy"
        case .invalidRegID: return "Invalid Reg-Id number"
        case .intervalTooBrief: return "Interval too brief"
        }
    }
}
