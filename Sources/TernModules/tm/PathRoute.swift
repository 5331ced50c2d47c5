import SIPCore

/// A binding's Path (RFC 3327) on the request that goes to it: one `Route:` header holding the
/// path as stored, put before the request's first Route header, or before its first header
/// when it has none — where Kamailio puts it, so the next hops see the same message.
enum PathRoute {
    static func insert(_ path: String, into edits: inout EditList, of request: SIPMessage) {
        let anchor = request.headers.first { $0.name == .route }?.nameRange.lowerBound
            ?? request.headers.first?.nameRange.lowerBound
        guard let anchor else { return }
        var line: [UInt8] = []
        line.reserveCapacity(path.utf8.count + 9)
        line += "Route: ".utf8
        line += path.utf8
        line += [0x0D, 0x0A]
        edits.insert(line, at: anchor)
    }
}
