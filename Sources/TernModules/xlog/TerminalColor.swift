import TernScript

/// `$C(fb)`: the ANSI escape for foreground `f` and background `b` (x default, s black,
/// r red, g green, y yellow, b blue, p purple, c cyan, w white; an upper-case foreground is
/// bold), as Kamailio's dprint_term_color writes it. Empty unless logs go to a terminal-like
/// standard error (`log_stderror=yes`) or xlog's `force_color` is set.
enum TerminalColor {
    static let foregrounds = Array("xsrgybpcwSRGYBPCW")
    static let backgrounds = Array("xsrgybpcw")

    static func isValid(_ name: String) -> Bool {
        let chars = Array(name)
        return chars.count == 2 && foregrounds.contains(chars[0]) && backgrounds.contains(chars[1])
    }

    static func escape(_ name: String) -> String {
        let chars = Array(name)
        guard chars.count == 2 else { return "" }
        var foreground = chars[0]
        var out = "\u{1B}["
        if foreground.isLowercase {
            out += "0;"
        } else {
            out += "1;"
            foreground = Character(foreground.lowercased())
        }
        out += code(foreground, base: 30, defaultCode: 39) + ";"
        out += code(chars[1], base: 40, defaultCode: 49)
        return out + "m"
    }

    private static func code(_ c: Character, base: Int, defaultCode: Int) -> String {
        let order: [Character] = ["s", "r", "g", "y", "b", "p", "c", "w"]
        guard let index = order.firstIndex(of: c) else { return String(defaultCode) }
        return String(base + index)
    }
}
