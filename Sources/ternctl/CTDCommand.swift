import ArgumentParser
import Foundation
import TernRPCModel

/// `ternctl ctd CALLER CALLEE` — the seed's click-to-dial: INVITE the caller with an on-hold
/// offer, ACK its answer, REFER it to the callee (Referred-By the controller), BYE.
struct CTDCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ctd",
        abstract: "Click-to-dial: call CALLER, then REFER it to CALLEE (the seed's REFER flow)."
    )

    @OptionGroup var connection: ConnectionOptions
    @Option(help: "The controller's URI (From of the wrapper call, Referred-By).") var controller = "sip:controller@127.0.0.1"
    @Argument(help: "The calling party, called first.") var caller: String
    @Argument(help: "The party the caller is transferred to.") var callee: String

    func run() throws {
        try runCall { () throws(ClientFailure) in
            let client = connection.client()
            // #1 the wrapper call: SDP on hold (RFC 3264 §8.4).
            let sdp = "v=0\r\no=ctd 0 0 IN IP4 0.0.0.0\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\na=sendonly\r\n"
            let inviteHeaders = "From: <\(controller)>\r\nTo: <\(caller)>\r\nContact: <\(controller)>\r\nContent-Type: application/sdp\r\n"
            let invite = UACReply(try client.call("tm.t_uac_wait", ["INVITE", .string(caller), ".", ".", .string(inviteHeaders), .string(sdp)]))
            guard (200..<300).contains(invite.code) else { throw step("invitation", invite) }
            print("invitation succeeded")

            // #3 ACK, #4 REFER and #6 BYE go inside the dialog the 200 confirmed.
            let dialog = try DialogState(invite, caller: caller)
            _ = try client.call("tm.t_uac_start", ["ACK", .string(dialog.target), .string(dialog.nextHop), ".", .string(dialog.headers(cseq: dialog.cseq, method: "ACK"))])

            let referHeaders = dialog.headers(cseq: dialog.cseq + 1, method: "REFER")
                + "Contact: <\(controller)>\r\nRefer-To: <\(callee)>\r\nReferred-By: <\(controller)>\r\n"
            let refer = UACReply(try client.call("tm.t_uac_wait", ["REFER", .string(dialog.target), .string(dialog.nextHop), ".", .string(referHeaders)]))
            guard (200..<300).contains(refer.code) else { throw step("refer", refer) }
            print("refer succeeded")

            let bye = UACReply(try client.call("tm.t_uac_wait", ["BYE", .string(dialog.target), .string(dialog.nextHop), ".", .string(dialog.headers(cseq: dialog.cseq + 2, method: "BYE"))]))
            guard (200..<300).contains(bye.code) else { throw step("bye", bye) }
            print("bye succeeded")
        }
    }

    private func step(_ name: String, _ reply: UACReply) -> ClientFailure {
        print("\(name) failed: \(reply.code) \(reply.reason)")
        return .server(code: reply.code, message: "\(name) failed: \(reply.code) \(reply.reason)")
    }
}

/// The dialog the caller's 200 OK set up, as the requests inside it need it.
struct DialogState {
    var from: String
    var to: String
    var callID: String
    var cseq: Int
    var target: String
    var nextHop: String
    var routes: String

    init(_ reply: UACReply, caller: String) throws(ClientFailure) {
        guard let from = reply.header("From", compact: "f"), let to = reply.header("To", compact: "t"),
              let callID = reply.header("Call-ID", compact: "i")
        else { throw .noAnswer("the 200 OK lacks From, To or Call-ID") }
        self.from = from
        self.to = to
        self.callID = callID
        cseq = Int(reply.header("CSeq")?.split(separator: " ").first ?? "") ?? 1
        target = reply.remoteTarget.isEmpty ? caller : reply.remoteTarget
        nextHop = reply.nextHop.isEmpty ? "." : reply.nextHop
        routes = reply.routes
    }

    func headers(cseq: Int, method: String) -> String {
        "From: \(from)\r\nTo: \(to)\r\nCall-ID: \(callID)\r\nCSeq: \(cseq) \(method)\r\n" + routes
    }
}
