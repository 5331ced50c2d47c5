// TernRPC owns the transports of the management commands registered in `RPCRegistry`:
// the FIFO server (SER text protocol and JSON-RPC on the same pipe, as SER's core FIFO,
// mi_fifo and jsonrpcs served them), JSON-RPC 2.0 over a Unix stream socket (what
// ternctl speaks) and over HTTP `POST /RPC` on the SIP TCP ports. It parses management
// requests, never SIP.
