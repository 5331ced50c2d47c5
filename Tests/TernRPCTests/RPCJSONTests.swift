import Testing
import TernRPCModel
import TernRuntime

@Suite("RPC JSON and JSON-RPC messages")
struct RPCJSONTests {
    @Test func roundTrip() throws {
        let value: RPCValue = .object(["b": 1, "a": [true, .null, 2.5, "x\"\\\n\t\u{1}é😀"], "c": .object([:])])
        let compact = RPCJSON.encode(value)
        #expect(compact == #"{"b":1,"a":[true,null,2.5,"x\"\\\n\t\u0001é😀"],"c":{}}"#)
        #expect(try RPCJSON.parse(Array(compact.utf8)) == value)
        #expect(try RPCJSON.parse(Array(RPCJSON.encode(value, pretty: true).utf8)) == value)
    }

    @Test func prettyFormatAsJsonrpcs() {
        let text = RPCJSON.encode(.object(["jsonrpc": "2.0", "result": .object(["uptime": 13]), "id": 1]), pretty: true)
        #expect(text == "{\n\t\"jsonrpc\":\t\"2.0\",\n\t\"result\":\t{\n\t\t\"uptime\":\t13\n\t},\n\t\"id\":\t1\n}")
    }

    @Test func escapesAndNumbers() throws {
        #expect(try RPCJSON.parse(Array(#""\ud83d\ude00\u00e9\/""#.utf8)) == .string("😀é/"))
        #expect(try RPCJSON.parse(Array("-12".utf8)) == .int(-12))
        #expect(try RPCJSON.parse(Array("1e3".utf8)) == .double(1000))
        #expect(try RPCJSON.parse(Array("99999999999999999999".utf8)) == .double(1e20))
    }

    @Test func invalidDocumentsAreRefused() {
        for text in ["", "{", "[1,]", "{\"a\" 1}", "\"\u{1}\"", "01x", "tru", "\"\\ud83d\"", "{} x", "[" + String(repeating: "[", count: 100) + "]"] {
            #expect(throws: RPCJSON.ParseError.self, "\(text)") { try RPCJSON.parse(Array(text.utf8)) }
        }
    }

    @Test func jsonRPCCalls() throws {
        let call = try JSONRPCCall.parse(Array(#"{"jsonrpc":"2.0","method":"ul.lookup","params":{"t":"location","a":"bob"},"id":"q","reply_name":"r"}"#.utf8)).get()
        #expect(call.method == "ul.lookup")
        #expect(call.parameters == ["location", "bob"])
        #expect(call.id == "q")
        #expect(call.replyName == "r")
        #expect(call.response(.success(.int(3), status: "200 OK"), pretty: false) == #"{"jsonrpc":"2.0","result":3,"id":"q"}"#)
        #expect(call.response(.failure(.methodNotFound), pretty: false) == #"{"jsonrpc":"2.0","error":{"code":500,"message":"Method Not Found"},"id":"q"}"#)

        guard case .failure(let parse) = JSONRPCCall.parse(Array("{".utf8)) else { Issue.record("accepted"); return }
        #expect(parse.error.code == -32700)
        guard case .failure(let noMethod) = JSONRPCCall.parse(Array(#"{"id":4}"#.utf8)) else { Issue.record("accepted"); return }
        #expect(noMethod.error.code == -32600)
        #expect(noMethod.id == .int(4))
    }
}
