// SIPCore: SIP requests/replies and HTTP/1.x request heads parsed from bytes.
//
// What this target owns:
// - `SIPMessage`: one start-line classifier (request, response, HTTP request), the header
//   index (name + byte ranges), body by Content-Length, and typed views parsed on first access
//   (`ViaHeader`, `NameAddr`, `SIPURI`, `CSeqHeader`, `ContactList`, `DigestCredentials`).
// - `validate()`: the RFC 3261 §8.2 / RFC 4475 checks that decide between "process" and
//   "answer 400/416/505 with a reason" (`SIPParseError`).
// - `EditList` + `MessageSerializer`: changes recorded against the received bytes and applied
//   in one pass when the message is sent.
// - `StreamFrameScanner`: where one message ends in a TCP/TLS byte stream.
// - `SIPReplyBuilder`: stateless replies (RFC 3261 §8.2.6, RFC 3581) and `ReceiveInfo`.
// - `Lock` / `RecursiveLock`: the pthread mutexes the layers above share (worker threads block
//   on them, so they are neither Swift-concurrency primitives nor Foundation's).
//
// It knows nothing of sockets, scripts or modules, and depends on nothing but the standard
// library: the parse path works over unsafe buffer pointers, creates no Strings and throws
// typed errors so a bad packet costs no allocation beyond the message itself.
