import ArgumentParser
import TernRPCModel

/// `ternctl ul show|add|rm` — kamctl's user location commands over the ul.* RPCs.
struct ULCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ul",
        abstract: "User location: show, add and remove contacts (ul.* commands).",
        subcommands: [Show.self, Add.self, Remove.self]
    )

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Contacts of one AOR, or of all (ul.lookup / ul.dump).")
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "The usrloc table.") var table = "location"
        @Argument(help: "The AOR (user or user@domain); all when omitted.") var aor: String?

        func run() throws {
            try runCall { () throws(ClientFailure) in
                let client = connection.client()
                let result: RPCValue
                if let aor {
                    result = try client.call("ul.lookup", [.string(table), .string(aor)])
                } else {
                    result = try client.call("ul.dump")
                }
                if connection.json { return ResultPrinter.json(result) }
                let rows = ContactRows.collect(result)
                if rows.isEmpty {
                    print("no contacts")
                } else {
                    ResultPrinter.table(["AOR", "CONTACT", "EXPIRES", "Q"], rows)
                }
            }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a contact to an AOR (ul.add); expires 0 = permanent.")
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "The usrloc table.") var table = "location"
        @Argument(help: "The AOR.") var aor: String
        @Argument(help: "The contact URI.") var contact: String
        @Argument(help: "Seconds until it expires (0 = permanent).") var expires = 0
        @Argument(help: "The q value.") var q = "1.0"

        func run() throws {
            try runCall { () throws(ClientFailure) in
                // kamctl's defaults: no path, flags 0, cflags 0, every method.
                let parameters: [RPCValue] = [.string(table), .string(aor), .string(contact), .int(expires), .string(q),
                                              .string("."), .int(0), .int(0), .int(4_294_967_295)]
                let result = try connection.client().call("ul.add", parameters)
                if connection.json { ResultPrinter.json(result) } else { print("added \(contact) to \(aor)") }
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove an AOR with all its contacts (ul.rm), or one contact (ul.rm_contact).")
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "The usrloc table.") var table = "location"
        @Argument(help: "The AOR.") var aor: String
        @Argument(help: "Only this contact.") var contact: String?

        func run() throws {
            try runCall { () throws(ClientFailure) in
                let client = connection.client()
                let result: RPCValue
                if let contact {
                    result = try client.call("ul.rm_contact", [.string(table), .string(aor), .string(contact)])
                } else {
                    result = try client.call("ul.rm", [.string(table), .string(aor)])
                }
                if connection.json { ResultPrinter.json(result) } else { print("removed \(contact ?? aor)") }
            }
        }
    }
}

/// Finds every `{AoR, Contacts}` in ul.lookup or ul.dump output and lists its contacts.
enum ContactRows {
    static func collect(_ value: RPCValue) -> [[String]] {
        var rows: [[String]] = []
        walk(value, into: &rows)
        return rows
    }

    private static func walk(_ value: RPCValue, into rows: inout [[String]]) {
        switch value {
        case .array(let items):
            for item in items { walk(item, into: &rows) }
        case .object(let object):
            if let aor = object["AoR"]?.textValue, let contacts = object["Contacts"] {
                for contact in contactObjects(contacts) {
                    rows.append([aor, contact["Address"]?.textValue ?? "", contact["Expires"]?.textValue ?? "",
                                 contact["Q"].map(ResultPrinter.scalar) ?? ""])
                }
                return
            }
            for entry in object.entries { walk(entry.value, into: &rows) }
        default:
            return
        }
    }

    private static func contactObjects(_ value: RPCValue) -> [RPCObject] {
        switch value {
        case .array(let items): return items.flatMap(contactObjects)
        case .object(let object):
            if case .object(let inner)? = object["Contact"] { return [inner] }
            return object["Address"] != nil ? [object] : object.entries.flatMap { contactObjects($0.value) }
        default: return []
        }
    }
}
