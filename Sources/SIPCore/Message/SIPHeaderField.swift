// One header line of a received message, as offsets into the message bytes.

public struct SIPHeaderField: Sendable, Equatable {
    public var name: HeaderName
    /// The name as written (e.g. "v", "VIA", "C%6Fntact"), byte offsets into `SIPMessage.bytes`.
    public var nameRange: Range<Int>
    /// The value without leading/trailing white space; folded lines keep their CR LF + WSP inside.
    public var valueRange: Range<Int>

    public init(name: HeaderName, nameRange: Range<Int>, valueRange: Range<Int>) {
        self.name = name
        self.nameRange = nameRange
        self.valueRange = valueRange
    }
}

public enum MessageKind: Sendable, Equatable {
    case request
    case response
    /// An HTTP/1.x request head (`GET /path HTTP/1.1`), indexed like a SIP request.
    case httpRequest
}
