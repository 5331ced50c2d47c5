/// A q-value (RFC 3261 §20.10: `0`, `0.5`, `1.000`) read the way Kamailio's str2q reads it, in
/// thousandths; digits after the third decimal are ignored, anything above 1 is refused.
enum QValue {
    enum Failure: Error, Equatable {
        case empty, invalidCharacter, tooBig, missingDecimal
    }

    static func parse(_ text: String) throws(Failure) -> Int {
        enum State { case start, zero, one, zeroPoint, onePoint, onePointZero, fraction }
        var state = State.start
        var q = 0
        var order = 100
        var digits = 1
        for b in text.utf8 {
            let isDigit = b >= 0x30 && b <= 0x39
            switch state {
            case .start:
                switch b {
                case UInt8(ascii: " "), UInt8(ascii: "\t"): break
                case UInt8(ascii: "0"): q = 0; state = .zero
                case UInt8(ascii: "1"): q = 1000; state = .one
                case UInt8(ascii: "."): state = .zeroPoint
                default: throw .invalidCharacter
                }
            case .zero:
                switch b {
                case UInt8(ascii: "0"): break
                case UInt8(ascii: "."): state = .zeroPoint
                case UInt8(ascii: "1"): q = 1000; state = .one
                default: throw isDigit ? .tooBig : .invalidCharacter
                }
            case .one:
                guard b == UInt8(ascii: ".") else { throw isDigit ? .tooBig : .invalidCharacter }
                state = .onePoint
            case .zeroPoint:
                guard isDigit else { throw .invalidCharacter }
                q = Int(b - 0x30) * order
                order /= 10
                state = .fraction
            case .onePoint, .onePointZero:
                guard b == UInt8(ascii: "0") else { throw isDigit ? .tooBig : .invalidCharacter }
                state = .onePointZero
            case .fraction:
                guard isDigit else { throw .invalidCharacter }
                if digits <= 3 {
                    q += Int(b - 0x30) * order
                    order /= 10
                    digits += 1
                }
            }
        }
        switch state {
        case .start: throw .empty
        case .zeroPoint, .onePoint: throw .missingDecimal
        default: return q
        }
    }
}
