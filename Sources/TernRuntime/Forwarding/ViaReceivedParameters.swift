import SIPCore

/// What a proxy writes into the received top Via before passing a request on (RFC 3261
/// §18.2.1, RFC 3581 §4), the way Kamailio writes it: `received=<source ip>` as the first
/// parameter when the sent-by host is not the source address (replacing an old value), and
/// `rport=<source port>` filled in when the client asked for it or the script called
/// force_rport() (then it goes first, before a new received).
public enum ViaReceivedParameters {
    public static func add(to edits: inout EditList, message: SIPMessage, source: SocketAddressText, forceRport: Bool) {
        guard let via = try? message.topVia() else { return }
        let bytes = message.bytes
        let needsReceived = !sameAddress(via.hostAddressString(in: bytes), source.ip)
        // Parameters go where the first `;` is, or after sent-by when there are none.
        let paramsAt = via.paramsRange.map { $0.lowerBound - 1 } ?? via.whole.upperBound
        // Kamailio's order when both are new: rport, then received.
        let portText = "rport=" + String(source.port)
        if let name = via.rportName {
            let end = rportValueEnd(bytes, after: name.upperBound, limit: via.whole.upperBound)
            edits.replace(name.lowerBound ..< end, with: Array(portText.utf8))
        } else if forceRport {
            edits.insert(Array((";" + portText).utf8), at: paramsAt)
        }
        if let received = via.received {
            // An old received is always brought up to date.
            if !bytes[received].elementsEqual(source.ip.utf8) {
                edits.replace(received, with: Array(source.ip.utf8))
            }
        } else if needsReceived {
            edits.insert(Array((";received=" + source.ip).utf8), at: paramsAt)
        }
    }

    /// Offset past `=digits` following an rport name (the name's end when it has no value).
    private static func rportValueEnd(_ bytes: [UInt8], after offset: Int, limit: Int) -> Int {
        var i = offset
        while i < limit && (bytes[i] == 0x20 || bytes[i] == 0x09) { i += 1 }
        guard i < limit, bytes[i] == 0x3D else { return offset }
        i += 1
        while i < limit && (bytes[i] == 0x20 || bytes[i] == 0x09) { i += 1 }
        while i < limit && bytes[i] >= 0x30 && bytes[i] <= 0x39 { i += 1 }
        return i
    }

    /// Numeric addresses compare by value (`::1` equals `0:0::1`); a name never equals an IP
    /// (no DNS lookup: Kamailio's `dns=no`).
    static func sameAddress(_ viaHost: String, _ ip: String) -> Bool {
        if viaHost == ip { return true }
        guard let a = NumericAddress.binary(viaHost), let b = NumericAddress.binary(ip) else { return false }
        return a == b
    }
}
