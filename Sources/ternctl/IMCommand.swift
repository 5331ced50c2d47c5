import ArgumentParser
import TernRPCModel

/// `ternctl im FROM TO TEXT` — the seed's send_im: a MESSAGE sent by the server (tm.t_uac_wait).
struct IMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "im",
        abstract: "Send an instant message (MESSAGE) from FROM to TO; prints the final reply's status."
    )

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Sender URI, e.g. sip:alice@example.com.") var from: String
    @Argument(help: "Recipient URI; the request URI too.") var to: String
    @Argument(help: "The message text.") var text: String

    func run() throws {
        try runCall { () throws(ClientFailure) in
            let headers = "From: <\(from)>\r\nTo: <\(to)>\r\nContent-Type: text/plain; charset=UTF-8\r\n"
            let result = try connection.client().call("tm.t_uac_wait", [.string("MESSAGE"), .string(to), ".", ".", .string(headers), .string(text)])
            if connection.json { return ResultPrinter.json(result) }
            let reply = UACReply(result)
            print("\(reply.code) \(reply.reason)")
            guard (200..<300).contains(reply.code) else { throw ClientFailure.server(code: reply.code, message: reply.reason) }
        }
    }
}

/// `tm.t_uac_wait`'s answer: `[code, reason, remote target, next hop, routes, reply headers]`.
struct UACReply {
    var code = 0
    var reason = ""
    var remoteTarget = ""
    var nextHop = ""
    var routes = ""
    var headers = ""

    init(_ value: RPCValue) {
        guard case .array(let fields) = value else { return }
        let text = { (index: Int) in index < fields.count ? fields[index].textValue ?? "" : "" }
        code = fields.first?.intValue ?? 0
        reason = text(1)
        remoteTarget = text(2)
        nextHop = text(3)
        routes = text(4)
        headers = text(5)
    }

    /// The first value of a header in the reply (`To`, `From`, `Call-ID`…), case-insensitive.
    func header(_ name: String, compact: String? = nil) -> String? {
        for line in headers.split(whereSeparator: { $0 == "\r\n" || $0 == "\n" }) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let field = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            if field == name.lowercased() || field == compact {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }
}
