import TernStorage

/// usrloc's `db_mode` (Kamailio's numbers).
enum UsrlocDatabaseMode: Int, Sendable {
    /// Memory only.
    case memory = 0
    /// Every change written to the database before the REGISTER is answered.
    case writeThrough = 1
    /// Changes written by the timer every `timer_interval`.
    case writeBack = 2
    /// No cache: every save and lookup reads and writes the database (nodes share it).
    case databaseOnly = 3
    /// Loaded at start, never written.
    case readOnly = 4

    var usesDatabase: Bool { self != .memory }
    var loadsAtStart: Bool { self == .writeThrough || self == .writeBack || self == .readOnly }
}

/// How contacts of a REGISTER are matched to stored ones (`matching_mode`).
enum ContactMatching: Int, Sendable {
    case contact = 0
    case contactAndCallID = 1
    case contactAndPath = 2
    case callID = 3
}

/// usrloc's module parameters, as applied.
struct UsrlocSettings: Sendable {
    var databaseMode: UsrlocDatabaseMode = .memory
    /// SQLite beside the config unless db_url says otherwise.
    var databaseURL = DefaultDatabase.url
    var timerInterval = 60
    var useDomain = false
    var matching: ContactMatching = .contact
    var newestFirst = false
    /// Seconds during which a REGISTER repeating the stored Call-ID and CSeq counts as a
    /// retransmission rather than an out-of-order request.
    var cseqDelay = 20
    /// log2 of the bucket count.
    var hashSize = 10
    /// Branch flag marking contacts behind NAT; -1 when unset.
    var natBranchFlag = -1
    var serverID = 0
    /// Tables to create at start (`preload`).
    var preload: [String] = []
    /// Directory a relative SQLite path is resolved against.
    var baseDirectory: String?

    var natFlagMask: Int { natBranchFlag >= 0 && natBranchFlag < 32 ? 1 << natBranchFlag : 0 }
}
