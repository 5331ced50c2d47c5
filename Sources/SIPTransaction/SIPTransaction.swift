// SIPTransaction: the RFC 3261 §17 transaction layer as pure values.
//
// What this target owns:
// - The four machines — `InviteServerTransaction` (with RFC 6026's Accepted state),
//   `NonInviteServerTransaction`, `InviteClientTransaction`, `NonInviteClientTransaction` —
//   each a struct with `mutating func handle(_ event) -> [TransactionAction]`. They never
//   touch a socket or a clock: time arrives as timer events, sends leave as actions.
// - `TransactionTimerValues` (T1, T2, T4 and the Kamailio-style overrides of Timers B/F).
// - `TimerWheel`: deadlines on a hashed wheel over an injected `MonotonicClock`.
// - `TransactionTable`: transactions in buckets with one lock each, addressed by
//   "hash index:label" as Kamailio does; `TransactionMatchKey` for RFC 3261 and RFC 2543
//   request matching; `TransactionBranchID` for the Via branch of forwarded requests.
// - `ProxyResponseContext`: the RFC 3261 §16.7 response context of a forking proxy
//   (which reply goes upstream now, which one wins once every branch is done).
//
// It depends on SIPCore only, so everything here is tested without a network or a clock.
