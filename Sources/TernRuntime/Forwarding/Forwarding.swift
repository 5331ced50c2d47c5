// Forwarding: how a request leaves Tern toward its next hop and how a reply goes back.
// `TargetResolver` turns the next-hop URI into transport addresses (RFC 3263), `ViaLine` and
// `OutgoingRequest` build the bytes (our Via on top, the received/rport the previous hop
// needs, the script's edits), `OnSendRoute` lets onsend_route see and veto them, and
// `StatelessForwarder` / `StatelessReplyRelay` are Kamailio's stateless forward() and the
// core's relaying of replies that no transaction claims. tm builds on the same pieces.
