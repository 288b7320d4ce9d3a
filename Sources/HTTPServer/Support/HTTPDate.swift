#if canImport(Glibc)
import Glibc
#endif

/// HTTP-date (RFC 9110 §5.6.7): IMF-fixdate is sent; IMF-fixdate, the obsolete RFC 850
/// form and asctime() form are all accepted.
public enum HTTPDate {
    static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// "Sun, 06 Nov 1994 08:49:37 GMT" for seconds since 1970.
    public static func format(_ seconds: Int) -> String {
        var t = time_t(seconds)
        var tm = Glibc.tm()
        gmtime_r(&t, &tm)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(days[Int(tm.tm_wday)]), \(two(tm.tm_mday)) \(months[Int(tm.tm_mon)]) \(tm.tm_year + 1900) "
            + "\(two(tm.tm_hour)):\(two(tm.tm_min)):\(two(tm.tm_sec)) GMT"
    }

    /// Seconds since 1970, or nil when `text` is no HTTP-date.
    public static func parse(_ text: String) -> Int? {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        var day: Int?, month: Int?, year: Int?, time: String?
        if parts.count == 6, parts[0].hasSuffix(","), parts[5] == "GMT" {
            // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
            day = Int(parts[1]); month = months.firstIndex(of: parts[2]); year = Int(parts[3]); time = parts[4]
        } else if parts.count == 4, parts[0].hasSuffix(","), parts[3] == "GMT" {
            // rfc850-date: Sunday, 06-Nov-94 08:49:37 GMT (two-digit years: RFC 9110 §5.6.7)
            let d = parts[1].split(separator: "-").map(String.init)
            guard d.count == 3, let yy = Int(d[2]) else { return nil }
            day = Int(d[0]); month = months.firstIndex(of: d[1]); time = parts[2]
            year = d[2].count == 2 ? (yy < 70 ? 2000 + yy : 1900 + yy) : yy
        } else if parts.count == 5 {
            // asctime-date: Sun Nov  6 08:49:37 1994
            month = months.firstIndex(of: parts[1]); day = Int(parts[2]); time = parts[3]; year = Int(parts[4])
        }
        guard let day, let month, let year, let time, (1...31).contains(day), year >= 1970 else { return nil }
        let hms = time.split(separator: ":").compactMap { Int($0) }
        guard hms.count == 3, (0...23).contains(hms[0]), (0...59).contains(hms[1]), (0...60).contains(hms[2]) else { return nil }
        var tm = Glibc.tm()
        tm.tm_year = Int32(year - 1900)
        tm.tm_mon = Int32(month)
        tm.tm_mday = Int32(day)
        tm.tm_hour = Int32(hms[0])
        tm.tm_min = Int32(hms[1])
        tm.tm_sec = Int32(hms[2])
        return Int(timegm(&tm))
    }
}
