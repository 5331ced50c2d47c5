// $sht(t=>k) read/write/delete, $shtex(t=>k) expiry, $shtinc/$shtdec(t=>k) atomic counters,
// $shtcn/$shtcv(t=>test) counts, $shtitkey/$shtitval(it) iterator items and
// $shtrecord(key|value) in expiry routes. Tables are looked up when the PV is used, not
// when the script is compiled (tables come from modparam, applied after compiling; a
// missing table reads `$null` and refuses writes, as in Kamailio).
import TernScript

extension HTableModule {
    var pseudoVariableDeclarations: [PseudoVariableDeclaration] {
        [
            PseudoVariableDeclaration(name: "sht", innerName: .required) { [unowned self] binding throws(Diagnostic) in
                let (name, key) = try Self.bindReference(binding)
                let at = binding.location
                let handle = self.handle(for: name)
                return PseudoVariableAccessors(get: { ctx in
                    guard let table = handle.table else { return .null }
                    let k = key.evaluate(ctx)
                    switch table.get(k) {
                    case .int(let v)?: return .int(v)
                    case .string(let s)?: return .string(s)
                    case nil: return table.definition.initialValue.map { .int($0) } ?? .null
                    }
                }, set: { ctx, value in
                    guard let table = handle.table else {
                        ctx.worker.logger.error("$sht(\(name)=>…): htable '\(name)' is not defined (\(at))")
                        return
                    }
                    let k = key.evaluate(ctx)
                    switch value {
                    case .null: table.delete(k)
                    case .int(let v): table.set(k, .int(v))
                    case .string(let s): table.set(k, .string(s))
                    }
                })
            },
            PseudoVariableDeclaration(name: "shtex", innerName: .required) { [unowned self] binding throws(Diagnostic) in
                let (name, key) = try Self.bindReference(binding)
                let at = binding.location
                return PseudoVariableAccessors(get: { ctx in
                    guard let table = self.tables[name] else { return .null }
                    return .int(table.secondsToExpire(key.evaluate(ctx)))
                }, set: { ctx, value in
                    guard let table = self.tables[name] else {
                        ctx.worker.logger.error("$shtex(\(name)=>…): htable '\(name)' is not defined (\(at))")
                        return
                    }
                    // Only an integer counts; anything else clears the item's expiry (Kamailio).
                    let seconds: Int
                    if case .int(let v) = value { seconds = v } else { seconds = 0 }
                    table.setExpire(key.evaluate(ctx), seconds: seconds)
                })
            },
            counter("shtinc", delta: 1),
            counter("shtdec", delta: -1),
            census("shtcn", byValue: false),
            census("shtcv", byValue: true),
            PseudoVariableDeclaration(name: "shtitkey", innerName: .required) { binding throws(Diagnostic) in
                let iterator = binding.inner ?? ""
                return PseudoVariableAccessors(get: { ctx in
                    ctx.htableIterators[iterator]?.current.map { .string($0) } ?? .null
                })
            },
            PseudoVariableDeclaration(name: "shtitval", innerName: .required) { [unowned self] binding throws(Diagnostic) in
                let iterator = binding.inner ?? ""
                return PseudoVariableAccessors(get: { ctx in
                    guard let state = ctx.htableIterators[iterator], let key = state.current,
                          let table = self.tables[state.table] else { return .null }
                    return Self.scriptValue(table.get(key))
                })
            },
            PseudoVariableDeclaration(name: "shtrecord", innerName: .required) { binding throws(Diagnostic) in
                let wantsValue: Bool
                switch binding.inner {
                case "key": wantsValue = false
                case "value": wantsValue = true
                default: throw binding.error("unknown $shtrecord key '\(binding.inner ?? "")'", hint: "use $shtrecord(key) or $shtrecord(value)")
                }
                return PseudoVariableAccessors(get: { ctx in
                    guard let record = ctx[HTableExpiredRecord.contextKey] else { return .null }
                    return wantsValue ? Self.scriptValue(record.value) : .string(record.key)
                })
            },
        ]
    }

    private func counter(_ name: String, delta: Int) -> PseudoVariableDeclaration {
        PseudoVariableDeclaration(name: name, innerName: .required) { [unowned self] binding throws(Diagnostic) in
            let (table, key) = try Self.bindReference(binding)
            return PseudoVariableAccessors(get: { ctx in
                guard let t = self.tables[table], let value = t.add(key.evaluate(ctx), delta) else { return .null }
                return .int(value)
            })
        }
    }

    private func census(_ name: String, byValue: Bool) -> PseudoVariableDeclaration {
        PseudoVariableDeclaration(name: name, innerName: .required) { [unowned self] binding throws(Diagnostic) in
            let (table, testText) = try Self.bindReference(binding)
            let at = binding.location
            // A constant test is compiled once; one with pseudo-variables per use.
            var fixed: HTableTest?
            if let constant = testText.constantValue {
                do {
                    fixed = try HTableTest.counting(constant)
                } catch {
                    throw binding.error("$\(name): bad regular expression: \((error as? POSIXRegex.RegexError)?.message ?? "\(error)")")
                }
            }
            return PseudoVariableAccessors(get: { ctx in
                guard let t = self.tables[table] else { return .null }
                let test: HTableTest
                if let fixed {
                    test = fixed
                } else {
                    do {
                        guard let made = try HTableTest.counting(testText.evaluate(ctx)) else { return .int(0) }
                        test = made
                    } catch {
                        ctx.worker.logger.error("$\(name): bad regular expression: \((error as? POSIXRegex.RegexError)?.message ?? "\(error)") (\(at))")
                        return .int(0)
                    }
                }
                if case .all = test { return .int(t.storedCount) }
                return .int(t.count { key, item in byValue ? test.matchesValue(item.value) : test.matchesName(key) })
            })
        }
    }

    static func bindReference(_ binding: PseudoVariableBinding) throws(Diagnostic) -> (String, FormatString) {
        guard let inner = binding.inner, let reference = HTableReferenceText.parse(inner), !reference.rest.isEmpty else {
            throw binding.error("$\(binding.name) needs table=>key, e.g. $\(binding.name)(t=>$var(k))")
        }
        return (reference.table, try binding.compileFormat(reference.rest))
    }

    static func scriptValue(_ value: HTableValue?) -> ScriptValue {
        switch value {
        case .int(let v)?: return .int(v)
        case .string(let s)?: return .string(s)
        case nil: return .null
        }
    }
}
