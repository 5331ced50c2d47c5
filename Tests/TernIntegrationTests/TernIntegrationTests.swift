// TernIntegrationTests: the real `tern` binary driven from outside over 127.0.0.1 — SIPp load,
// the RFC 4475/5118 torture messages, malformed input on UDP and TCP, `tern -c`, signals,
// `-V` and the content of stateless replies. Each test bounds its traffic and its time; the
// servers are started by `TernTestSupport.TernProcess` and always stopped.
