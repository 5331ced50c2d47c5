// siputils tests on strings: is_e164, is_uri_user_e164 (both read a pseudo-variable),
// is_tel_number, is_numeric, is_alphanum, is_alphanumex.
import TernScript

enum SIPUtilsStringChecks {
    static var functions: [FunctionDeclaration] {
        [
            pseudoVariableTest("is_e164", routeTypes: [.request, .failure]) { text in isE164(text[...]) },
            pseudoVariableTest("is_uri_user_e164", routeTypes: .any) { text in
                guard let colon = text.firstIndex(of: UInt8(ascii: ":")) else { return -1 }
                let rest = text[(colon + 1)...]
                guard let at = rest.firstIndex(of: UInt8(ascii: "@")) else { return -1 }
                return isE164(rest[..<at])
            },
            stringTest("is_tel_number") { s in
                guard !s.isEmpty else { return -2 }
                var digits = s[...]
                if s[0] == UInt8(ascii: "+") {
                    // After '+' the number starts with 1-9.
                    guard s.count >= 2, (UInt8(ascii: "1") ... UInt8(ascii: "9")).contains(s[1]) else { return -2 }
                    digits = s[2...]
                }
                return digits.allSatisfy(isDigit) ? 1 : -2
            },
            stringTest("is_numeric") { s in
                !s.isEmpty && s.allSatisfy(isDigit) ? 1 : -2
            },
            stringTest("is_alphanum") { s in
                guard !s.isEmpty else { return -2 }
                return s.allSatisfy(isAlphanumeric) ? 1 : -3
            },
            FunctionDeclaration(name: "is_alphanumex", argumentCounts: 2...2, routeTypes: .any) { args, _ throws(Diagnostic) in
                let text = try args[0].formatString()
                let extra = try args[1].formatString()
                return { ctx in
                    let s = Array(text.evaluate(ctx).utf8)
                    guard !s.isEmpty else { return -2 }
                    let allowed = Array(extra.evaluate(ctx).utf8)
                    return s.allSatisfy { isAlphanumeric($0) || allowed.contains($0) } ? 1 : -3
                }
            },
        ]
    }

    /// `+` and 2 to 15 digits (ITU-T E.164).
    static func isE164(_ s: ArraySlice<UInt8>) -> Int {
        guard s.count > 2, s.count < 17, s.first == UInt8(ascii: "+") else { return -1 }
        return s.dropFirst().allSatisfy(isDigit) ? 1 : -1
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    private static func isAlphanumeric(_ b: UInt8) -> Bool {
        isDigit(b) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
    }

    private static func stringTest(_ name: String, _ test: @escaping @Sendable ([UInt8]) -> Int) -> FunctionDeclaration {
        FunctionDeclaration(name: name, argumentCounts: 1...1, routeTypes: .any) { args, _ throws(Diagnostic) in
            let text = try args[0].formatString()
            return { ctx in test(Array(text.evaluate(ctx).utf8)) }
        }
    }

    /// The argument must name a pseudo-variable (Kamailio refuses a literal here); a null
    /// value is a failure.
    private static func pseudoVariableTest(
        _ name: String, routeTypes: RouteTypes, _ test: @escaping @Sendable ([UInt8]) -> Int
    ) -> FunctionDeclaration {
        FunctionDeclaration(name: name, argumentCounts: 1...1, routeTypes: routeTypes, argumentKinds: [.literal]) { args, _ throws(Diagnostic) in
            let pv = try args[0].pseudoVariable(writable: false)
            return { ctx in
                let text: String
                switch pv.get(ctx) {
                case .string(let s): text = s
                case .int(let i): text = String(i)
                case .null: return -1
                }
                guard !text.isEmpty else { return -1 }
                return test(Array(text.utf8))
            }
        }
    }
}
