// htable's management commands, named and shaped as Kamailio 5.6.3's (outputs checked with
// kamcmd): htable.get/sets/seti/setex/setxs/setxi/delete/dump/listTables/stats/flush, and
// reload/store, which need the database layer.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import TernRuntime

extension HTableModule {
    var commandList: [RPCCommand] {
        [
            RPCCommand(name: "htable.get", help: "Get one key from a hash table.") { [unowned self] request throws in
                let table = try self.rpcTable(request)
                let key = try request.string(1, missing: "Key name not found")
                guard let item = table.item(key) else { throw RPCError.failed("Key name doesn't exist in htable.") }
                return .object(RPCObject([("item", .object(RPCObject([
                    ("name", .string(key)),
                    ("value", Self.rpcValue(item.value)),
                    ("flags", .int(Self.flags(item.value))),
                    ("expire", .string(Self.expireText(item.expire))),
                ])))]))
            },
            RPCCommand(name: "htable.sets", help: "Set one key in a hash table to a string value.") { [unowned self] request throws in
                let table = try self.rpcTable(request)
                let key = try request.string(1, missing: "Key name not found")
                let value = try request.string(2, missing: "Value not found")
                table.set(key, .string(value))
                return .string("Ok. Key set to new value.")
            },
            RPCCommand(name: "htable.seti", help: "Set one key in a hash table to an integer value.") { [unowned self] request throws in
                let table = try self.rpcTable(request)
                let key = try request.string(1, missing: "Key name not found")
                let value = try request.int(2, invalid: "Value not found")
                table.set(key, .int(value))
                return .string("Ok. Key set to new value.")
            },
            RPCCommand(name: "htable.setex", help: "Set the expire time of one key in a hash table.") { [unowned self] request throws in
                let table = try self.rpcTable(request)
                let key = try request.string(1, missing: "Key name not found")
                let seconds = try request.int(2, invalid: "Expire not found")
                table.setExpire(key, seconds: seconds)
                return .string("Ok. Key set to new value.")
            },
            RPCCommand(name: "htable.setxs", help: "Set one key to a string value with an expire time.") { [unowned self] request throws in
                let table = try self.rpcTable(request)
                let key = try request.string(1, missing: "Key name not found")
                let value = try request.string(2, missing: "Value not found")
                let seconds = try request.int(3, invalid: "Expire not found")
                table.set(key, .string(value), expireIn: seconds)
                return .string("Ok. Key set to new value.")
            },
            RPCCommand(name: "htable.setxi", help: "Set one key to an integer value with an expire time.") { [unowned self] request throws in
                let table = try self.rpcTable(request)
                let key = try request.string(1, missing: "Key name not found")
                let value = try request.int(2, invalid: "Value not found")
                let seconds = try request.int(3, invalid: "Expire not found")
                table.set(key, .int(value), expireIn: seconds)
                return .string("Ok. Key set to new value.")
            },
            RPCCommand(name: "htable.delete", help: "Delete one key from a hash table.") { [unowned self] request throws in
                let table = try self.rpcTable(request)
                let key = try request.string(1, missing: "Key name not found")
                table.delete(key)
                return .string("Ok. Key deleted.")
            },
            RPCCommand(name: "htable.dump", help: "Dump the content of a hash table.") { [unowned self] request throws in
                let table = try self.rpcTable(request)
                return .array(table.snapshot().map { slot in
                    .object(RPCObject([
                        ("entry", .int(slot.slot)),
                        ("size", .int(slot.items.count)),
                        ("slot", .array(slot.items.map { key, item in
                            .object(RPCObject([
                                ("name", .string(key)),
                                ("value", Self.rpcValue(item.value)),
                                ("type", .string(Self.typeName(item.value))),
                            ]))
                        })),
                    ]))
                })
            },
            RPCCommand(name: "htable.listTables", help: "List the hash tables.") { [unowned self] _ throws in
                .array(self.tables.values.sorted { $0.name < $1.name }.map { table in
                    let d = table.definition
                    return .object(RPCObject([
                        ("name", .string(d.name)),
                        ("dbtable", .string(d.dbTable ?? "")),
                        ("dbmode", .int(d.dbMode)),
                        ("expire", .int(d.autoexpire)),
                        ("updateexpire", .int(d.updateExpire ? 1 : 0)),
                        ("size", .int(d.slotCount)),
                        ("dmqreplicate", .int(d.dmqReplicate)),
                    ]))
                })
            },
            RPCCommand(name: "htable.stats", help: "Statistics of the hash tables.") { [unowned self] _ throws in
                .array(self.tables.values.sorted { $0.name < $1.name }.map { table in
                    let sizes = table.buckets.map { b in b.withLock { $0.items.count } }
                    return .object(RPCObject([
                        ("name", .string(table.name)),
                        ("slots", .int(sizes.count)),
                        ("all", .int(sizes.reduce(0, +))),
                        ("min", .int(sizes.min() ?? 0)),
                        ("max", .int(sizes.max() ?? 0)),
                    ]))
                })
            },
            RPCCommand(name: "htable.flush", help: "Remove every item of a hash table.") { [unowned self] request throws in
                try self.rpcTable(request).reset()
                return .null
            },
            RPCCommand(name: "htable.reload", help: "Reload a hash table from its database table.") { [unowned self] request throws in
                try self.databaseCommand(request)
            },
            RPCCommand(name: "htable.store", help: "Write a hash table to its database table.") { [unowned self] request throws in
                try self.databaseCommand(request)
            },
        ]
    }

    private func rpcTable(_ request: RPCRequest) throws(RPCError) -> HTable {
        let name = try request.string(0, missing: "Name of htable not found")
        guard let table = tables[name] else { throw .failed("No such htable") }
        return table
    }

    private func databaseCommand(_ request: RPCRequest) throws(RPCError) -> RPCValue {
        let table = try rpcTable(request)
        guard table.definition.dbTable != nil else { throw .failed("htable '\(table.name)' has no dbtable") }
        throw .failed(Self.databaseMissing(table.name))
    }

    static func databaseMissing(_ table: String) -> String {
        "htable '\(table)': dbtable needs the database layer, not built yet"
    }

    static func rpcValue(_ value: HTableValue) -> RPCValue {
        switch value {
        case .int(let v): return .int(v)
        case .string(let s): return .string(s)
        }
    }

    static func typeName(_ value: HTableValue) -> String {
        if case .int = value { return "int" }
        return "str"
    }

    /// Kamailio's item flags: 2 (AVP_VAL_STR) for strings, 0 for integers.
    static func flags(_ value: HTableValue) -> Int {
        if case .string = value { return 2 }
        return 0
    }

    /// `YYYY-MM-DD HH:MM:SS` local time, as kamcmd shows an item's expiry.
    static func expireText(_ seconds: Int) -> String {
        var t = time_t(seconds)
        var parts = tm()
        guard localtime_r(&t, &parts) != nil else { return String(seconds) }
        var buffer = [CChar](repeating: 0, count: 32)
        let n = strftime(&buffer, buffer.count, "%Y-%m-%d %H:%M:%S", &parts)
        return String(decoding: buffer[0 ..< n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
