/// Time (Kamailio 5.6.3 formats, checked): `$Ts`/`$Tf` the receive time (taken once per
/// message) as seconds / ctime text without the newline, `$TS`/`$TF` now, `$Tb` when the
/// server started, `$TV(s|u|sn|un|Sn|Fn)` seconds and microseconds, `$time(key)`/`$utime(key)`
/// broken-down local/UTC fields (month 1-12, weekday 1-7 with Sunday 1, year day from 1),
/// `$timef(fmt)`/`$utimef(fmt)` strftime.
enum TimePseudoVariables {
    /// When the first script of this process was loaded: the server's start, near enough.
    static let startTime = TimeText.now().seconds

    static var all: [PseudoVariableDeclaration] {
        var out: [PseudoVariableDeclaration] = []
        out += CorePseudoVariables.computed(["Ts"]) { ctx in .int(ctx.receiveTime.seconds) }
        out += CorePseudoVariables.computed(["TS"]) { _ in .int(TimeText.now().seconds) }
        out += CorePseudoVariables.computed(["Tf"]) { ctx in .string(ctimeText(ctx.receiveTime.seconds)) }
        out += CorePseudoVariables.computed(["TF"]) { _ in .string(ctimeText(TimeText.now().seconds)) }
        let started = startTime
        out += CorePseudoVariables.computed(["Tb"]) { _ in .int(started) }
        out.append(timeval)
        out.append(brokenDown("time", utc: false))
        out.append(brokenDown("utime", utc: true))
        out.append(strftime("timef", utc: false))
        out.append(strftime("utimef", utc: true))
        return out
    }

    enum TimevalKey: Sendable { case seconds, microseconds, secondsNow, microsecondsNow, decimalNow, formattedNow }

    /// `s`/`u` are the receive time; `sn`, `un`, `Sn`, `Fn` read the clock at each use.
    static let timeval = CorePseudoVariables.keyed(
        "TV", keys: ["s": TimevalKey.seconds, "u": .microseconds, "sn": .secondsNow, "un": .microsecondsNow, "Sn": .decimalNow, "Fn": .formattedNow]
    ) { ctx, key in
        switch key {
        case .seconds: return .int(ctx.receiveTime.seconds)
        case .microseconds: return .int(ctx.receiveTime.microseconds)
        case .secondsNow: return .int(TimeText.now().seconds)
        case .microsecondsNow: return .int(TimeText.now().microseconds)
        case .decimalNow:
            let now = TimeText.now()
            return .string("\(now.seconds).\(sixDigits(now.microseconds))")
        case .formattedNow:
            let now = TimeText.now()
            return .string(TimeText.format("%Y-%m-%d %H:%M:%S", seconds: now.seconds, utc: false) + "." + sixDigits(now.microseconds))
        }
    }

    static func sixDigits(_ v: Int) -> String {
        let d = String(v)
        return String(repeating: "0", count: max(0, 6 - d.utf8.count)) + d
    }

    enum Field: Sendable { case sec, min, hour, mday, mon, year, wday, yday, isdst }

    private static func brokenDown(_ name: String, utc: Bool) -> PseudoVariableDeclaration {
        CorePseudoVariables.keyed(
            name, keys: ["sec": Field.sec, "min": .min, "hour": .hour, "mday": .mday, "mon": .mon, "year": .year,
                         "wday": .wday, "yday": .yday, "isdst": .isdst]
        ) { ctx, field in
            let t = TimeText.brokenDown(ctx.receiveTime.seconds, utc: utc)
            switch field {
            case .sec: return .int(Int(t.tm_sec))
            case .min: return .int(Int(t.tm_min))
            case .hour: return .int(Int(t.tm_hour))
            case .mday: return .int(Int(t.tm_mday))
            case .mon: return .int(Int(t.tm_mon) + 1)
            case .year: return .int(Int(t.tm_year) + 1900)
            case .wday: return .int(Int(t.tm_wday) + 1)
            case .yday: return .int(Int(t.tm_yday) + 1)
            case .isdst: return .int(Int(t.tm_isdst))
            }
        }
    }

    private static func strftime(_ name: String, utc: Bool) -> PseudoVariableDeclaration {
        PseudoVariableDeclaration(name: name, innerName: .required) { binding throws(Diagnostic) in
            let format = binding.inner ?? ""
            return PseudoVariableAccessors(get: { ctx in
                let s = TimeText.format(format, seconds: ctx.receiveTime.seconds, utc: utc)
                return s.isEmpty ? .null : .string(s)
            })
        }
    }
}
