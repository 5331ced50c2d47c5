// The sht_* script functions of Kamailio 5.6.3's htable: removal by key, name or value
// (regular expression or operator), matching tests, set with expiry, reset, slot locks,
// iterators and sht_print. They return 1 on success and -1 when the table does not exist,
// an operator is unknown or nothing matched (for the tests).
import TernRuntime
import TernScript

extension HTableModule {
    var functionDeclarations: [FunctionDeclaration] {
        var list: [FunctionDeclaration] = [
            function("sht_print", 0) { ctx, _, _ in
                for table in self.tables.values.sorted(by: { $0.name < $1.name }) {
                    ctx.worker.logger.error("htable[\(table.name)] slots: \(table.buckets.count) expire: \(table.definition.autoexpire)")
                    for (slot, items) in table.snapshot() {
                        for (key, item) in items {
                            ctx.worker.logger.error("htable[\(table.name)][\(slot)] \(key) => \(Self.text(item.value)) expire: \(item.expire)")
                        }
                    }
                }
                return 1
            },
            function("sht_rm", 2) { ctx, args, at in
                guard let table = self.table(args[0], ctx, "sht_rm", at) else { return -1 }
                table.delete(args[1])
                return 1
            },
            function("sht_reset", 1) { ctx, args, at in
                guard let table = self.table(args[0], ctx, "sht_reset", at) else { return -1 }
                table.reset()
                return 1
            },
            function("sht_setxs", 4) { ctx, args, at in
                guard let table = self.table(args[0], ctx, "sht_setxs", at) else { return -1 }
                table.set(args[1], .string(args[2]), expireIn: Int(args[3]) ?? 0)
                return 1
            },
            function("sht_setxi", 4) { ctx, args, at in
                guard let table = self.table(args[0], ctx, "sht_setxi", at) else { return -1 }
                guard let value = Int(args[2]) else {
                    ctx.logFunctionError("sht_setxi", "'\(args[2])' is not an integer", at: at)
                    return -1
                }
                table.set(args[1], .int(value), expireIn: Int(args[3]) ?? 0)
                return 1
            },
            function("sht_lock", 1) { ctx, args, at in
                guard let (table, key) = self.reference(args[0], ctx, "sht_lock", at) else { return -1 }
                table.lockSlot(of: key)
                return 1
            },
            function("sht_unlock", 1) { ctx, args, at in
                guard let (table, key) = self.reference(args[0], ctx, "sht_unlock", at) else { return -1 }
                table.unlockSlot(of: key)
                return 1
            },
            function("sht_rm_name_re", 1) { ctx, args, at in
                self.removeByRegex(args[0], byValue: false, ctx, "sht_rm_name_re", at)
            },
            function("sht_rm_value_re", 1) { ctx, args, at in
                self.removeByRegex(args[0], byValue: true, ctx, "sht_rm_value_re", at)
            },
            function("sht_rm_name", 3) { ctx, args, at in self.removeByOperator(args, byValue: false, ctx, "sht_rm_name", at) },
            function("sht_rm_value", 3) { ctx, args, at in self.removeByOperator(args, byValue: true, ctx, "sht_rm_value", at) },
            function("sht_iterator_start", 2) { ctx, args, at in
                guard let table = self.table(args[1], ctx, "sht_iterator_start", at) else { return -1 }
                let keys = table.snapshot().flatMap { $0.items.map(\.key) }
                ctx.htableIterators[args[0]] = HTableIteratorState(table: table.name, keys: keys)
                return 1
            },
            function("sht_iterator_next", 1) { ctx, args, at in
                guard var state = ctx.htableIterators[args[0]] else {
                    ctx.logFunctionError("sht_iterator_next", "iterator '\(args[0])' was not started", at: at)
                    return -1
                }
                state.position += 1
                // Skip keys removed since the snapshot.
                while let key = state.current, self.tables[state.table]?.get(key) == nil { state.position += 1 }
                ctx.htableIterators[args[0]] = state
                return state.current == nil ? -1 : 1
            },
            function("sht_iterator_end", 1) { ctx, args, _ in
                ctx.htableIterators[args[0]] = nil
                return 1
            },
            function("sht_iterator_rm", 1) { ctx, args, at in
                self.withIteratorItem(args[0], ctx, "sht_iterator_rm", at) { table, key in table.delete(key) }
            },
            function("sht_iterator_sets", 2) { ctx, args, at in
                self.withIteratorItem(args[0], ctx, "sht_iterator_sets", at) { table, key in table.set(key, .string(args[1])) }
            },
            function("sht_iterator_seti", 2) { ctx, args, at in
                guard let value = Int(args[1]) else {
                    ctx.logFunctionError("sht_iterator_seti", "'\(args[1])' is not an integer", at: at)
                    return -1
                }
                return self.withIteratorItem(args[0], ctx, "sht_iterator_seti", at) { table, key in table.set(key, .int(value)) }
            },
            function("sht_iterator_setex", 2) { ctx, args, at in
                let seconds = Int(args[1]) ?? 0
                return self.withIteratorItem(args[0], ctx, "sht_iterator_setex", at) { table, key in table.setExpire(key, seconds: seconds) }
            },
        ]
        for (name, byValue) in [("sht_match_name", false), ("sht_has_name", false), ("sht_match_str_value", true), ("sht_has_str_value", true)] {
            list.append(function(name, 3) { ctx, args, at in
                guard let table = self.table(args[0], ctx, name, at),
                      let test = self.test(HTableTest.matching, args, operators: "eq, ne, re, sw", ctx, name, at) else { return -1 }
                return table.contains { key, item in byValue ? test.matchesValue(item.value) : test.matchesName(key) } ? 1 : -1
            })
        }
        return list
    }

    /// A function whose arguments are all strings with pseudo-variables, evaluated per call.
    private func function(
        _ name: String, _ count: Int, _ body: @escaping (ScriptContext, [String], SourceLocation) -> Int
    ) -> FunctionDeclaration {
        FunctionDeclaration(name: name, argumentCounts: count...count, routeTypes: .any) { args, at throws(Diagnostic) in
            let formats = try args.map { arg throws(Diagnostic) in try arg.formatString() }
            return { ctx in body(ctx, formats.map { $0.evaluate(ctx) }, at) }
        }
    }

    private func table(_ name: String, _ ctx: ScriptContext, _ function: String, _ at: SourceLocation) -> HTable? {
        guard let table = tables[name] else {
            ctx.logFunctionError(function, "htable '\(name)' is not defined", at: at)
            return nil
        }
        return table
    }

    private func reference(_ text: String, _ ctx: ScriptContext, _ function: String, _ at: SourceLocation) -> (HTable, String)? {
        guard let reference = HTableReferenceText.parse(text) else {
            ctx.logFunctionError(function, "expected table=>key, not '\(text)'", at: at)
            return nil
        }
        guard let table = table(reference.table, ctx, function, at) else { return nil }
        return (table, reference.rest)
    }

    private func removeByRegex(_ text: String, byValue: Bool, _ ctx: ScriptContext, _ function: String, _ at: SourceLocation) -> Int {
        guard let (table, pattern) = reference(text, ctx, function, at) else { return -1 }
        let regex: POSIXRegex
        do {
            regex = try POSIXRegex.moduleArgument(pattern)
        } catch {
            ctx.logFunctionError(function, "bad regular expression: \(error.message)", at: at)
            return -1
        }
        table.removeAll { key, item in
            if !byValue { return regex.matches(key) }
            if case .string(let s) = item.value { return regex.matches(s) }
            return false
        }
        return 1
    }

    private func removeByOperator(_ args: [String], byValue: Bool, _ ctx: ScriptContext, _ function: String, _ at: SourceLocation) -> Int {
        guard let table = table(args[0], ctx, function, at),
              let test = test(HTableTest.removal, args, operators: "re, sw, ew, in", ctx, function, at) else { return -1 }
        table.removeAll { key, item in byValue ? test.matchesValue(item.value) : test.matchesName(key) }
        return 1
    }

    /// The test `make` builds from operator `args[1]` and operand `args[2]`; nil (logged) when
    /// the operator is not one of `operators` or the regular expression does not compile.
    private func test(
        _ make: (String, String) throws(POSIXRegex.RegexError) -> HTableTest?, _ args: [String], operators: String,
        _ ctx: ScriptContext, _ function: String, _ at: SourceLocation
    ) -> HTableTest? {
        do {
            guard let made = try make(args[1], args[2]) else {
                ctx.logFunctionError(function, "unknown operator '\(args[1])' (\(operators))", at: at)
                return nil
            }
            return made
        } catch {
            ctx.logFunctionError(function, "bad regular expression: \(error.message)", at: at)
            return nil
        }
    }

    private func withIteratorItem(
        _ iterator: String, _ ctx: ScriptContext, _ function: String, _ at: SourceLocation, _ body: (HTable, String) -> Void
    ) -> Int {
        guard let state = ctx.htableIterators[iterator], let key = state.current, let table = tables[state.table] else {
            ctx.logFunctionError(function, "iterator '\(iterator)' has no current item", at: at)
            return -1
        }
        body(table, key)
        return 1
    }

    static func text(_ value: HTableValue) -> String {
        switch value {
        case .int(let v): return String(v)
        case .string(let s): return s
        }
    }
}
