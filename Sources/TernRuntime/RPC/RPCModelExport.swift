// RPCValue, RPCObject and RPCJSON live in TernRPCModel so ternctl can use them without the
// server; everything importing TernRuntime sees them as before.
@_exported import TernRPCModel
