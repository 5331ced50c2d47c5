import TernScript

extension ScriptContext {
    /// Where a request goes next: $du when set, else the (new) R-URI.
    public var nextHopURI: String {
        if let destinationURI, !destinationURI.isEmpty { return destinationURI }
        return outgoingRequestURI
    }

    /// The Request-URI as it will be sent: the script's new one, else the received one.
    public var outgoingRequestURI: String {
        newRequestURI ?? message.string(message.requestURIRange)
    }
}
