import SIPCore

/// The one mutex type lives in SIPCore (the transaction layer, which sees only SIPCore, needs
/// it too); the name stays available to everything that imports TernScript.
public typealias Lock = SIPCore.Lock
