#if canImport(Glibc)
import Glibc
#endif

/// A log record's time: milliseconds since 1970-01-01T00:00:00Z, written as ISO 8601 UTC.
public struct LogTimestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    public static func now() -> LogTimestamp {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return LogTimestamp(milliseconds: Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000)
    }

    public static func < (a: LogTimestamp, b: LogTimestamp) -> Bool { a.milliseconds < b.milliseconds }

    public var description: String { iso8601 }

    /// "2024-05-01T12:34:56.789Z".
    public var iso8601: String {
        let ms = milliseconds
        var days = ms / 86_400_000
        var rest = ms % 86_400_000
        if rest < 0 { rest += 86_400_000; days -= 1 }
        let (y, m, d) = Self.civil(days: days)
        let s = rest / 1000
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(s / 3600, 2)):\(pad(s / 60 % 60, 2)):\(pad(s % 60, 2)).\(pad(rest % 1000, 3))Z"
    }

    /// Reads an ISO 8601 date or date-time: `2024-05-01`, `2024-05-01T12:34`, `…:56`,
    /// `…:56.789`, with `Z` or an offset (`+02:00`, `-0500`); no offset means UTC. Answers the
    /// span the value covers at its precision (a day, a minute, a second, a millisecond).
    public static func parse(_ text: String) -> ClosedRange<LogTimestamp>? {
        var r = Reader(Array(text.utf8))
        guard let y = r.digits(4), r.take("-"), let mo = r.digits(2), r.take("-"), let d = r.digits(2),
              (1...12).contains(mo), d >= 1, d <= daysIn(month: mo, year: y) else { return nil }
        var ms = days(year: y, month: mo, day: d) * 86_400_000
        var span: Int64 = 86_400_000
        if r.atEnd { return LogTimestamp(milliseconds: ms)...LogTimestamp(milliseconds: ms + span - 1) }
        guard r.take("T") || r.take("t") || r.take(" "), let h = r.digits(2), r.take(":"), let mi = r.digits(2),
              h < 24, mi < 60 else { return nil }
        ms += Int64(h) * 3_600_000 + Int64(mi) * 60_000
        span = 60_000
        if r.take(":") {
            guard let s = r.digits(2), s <= 60 else { return nil }
            ms += Int64(min(s, 59)) * 1000
            span = 1000
            if r.take(".") || r.take(",") {
                var frac = 0, n = 0
                while let c = r.peek, c >= 0x30, c <= 0x39 {
                    if n < 3 { frac = frac * 10 + Int(c - 0x30) }
                    n += 1
                    r.i += 1
                }
                guard n > 0, n <= 9 else { return nil }
                if n < 3 { for _ in n..<3 { frac *= 10 } }
                ms += Int64(frac)
                span = 1
            }
        }
        if r.take("Z") || r.take("z") {
        } else if let sign = r.peek, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            r.i += 1
            guard let oh = r.digits(2), oh < 24 else { return nil }
            _ = r.take(":")
            guard let om = r.digits(2), om < 60 else { return nil }
            let offset = Int64(oh * 60 + om) * 60_000
            ms += sign == UInt8(ascii: "+") ? -offset : offset
        }
        guard r.atEnd else { return nil }
        return LogTimestamp(milliseconds: ms)...LogTimestamp(milliseconds: ms + span - 1)
    }

    struct Reader {
        let b: [UInt8]
        var i = 0
        init(_ b: [UInt8]) { self.b = b }
        var atEnd: Bool { i == b.count }
        var peek: UInt8? { i < b.count ? b[i] : nil }
        mutating func take(_ c: Character) -> Bool {
            guard peek == c.asciiValue else { return false }
            i += 1
            return true
        }
        mutating func digits(_ n: Int) -> Int? {
            guard i + n <= b.count else { return nil }
            var v = 0
            for k in i..<(i + n) {
                guard b[k] >= 0x30, b[k] <= 0x39 else { return nil }
                v = v * 10 + Int(b[k] - 0x30)
            }
            i += n
            return v
        }
    }

    static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    static func daysIn(month m: Int, year y: Int) -> Int {
        switch m {
        case 2: return isLeap(y) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func days(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64((month + 9) % 12)
        let doy = (153 * mp + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(days z0: Int64) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(yoe + era * 400 + (m <= 2 ? 1 : 0)), Int(m), Int(d))
    }

    func pad(_ v: Int64, _ n: Int) -> String { pad(Int(v), n) }
    func pad(_ v: Int, _ n: Int) -> String {
        let s = String(v)
        return s.count >= n ? s : String(repeating: "0", count: n - s.count) + s
    }
}
