/// A DA value (PS3.5 §6.2): a calendar date written `YYYYMMDD`.
///
/// Reading also accepts the `YYYY.MM.DD` form of ACR-NEMA 2.0, which PS3.5 §6.2 DA notes may be
/// found in older data; values are always written back as `YYYYMMDD`.
public struct DICOMDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// A valid Gregorian date with a year 0000–9999, or nil.
    public init?(year: Int, month: Int, day: Int) {
        guard CivilCalendar.isValid(year: year, month: month, day: day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYYMMDD` (or legacy `YYYY.MM.DD`); padding spaces are ignored. Nil if invalid.
    public init?(_ text: some StringProtocol) {
        var c = ASCIICursor(String(text).trimmingDICOMPadding())
        guard let y = c.digits(4) else { return nil }
        let dotted = c.take(0x2E)  // "."
        guard let m = c.digits(2) else { return nil }
        if dotted { guard c.take(0x2E) else { return nil } }
        guard let d = c.digits(2), c.atEnd else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The DA text: `YYYYMMDD`.
    public var dicomString: String {
        var s = ""
        appendDigits(year, width: 4, to: &s)
        appendDigits(month, width: 2, to: &s)
        appendDigits(day, width: 2, to: &s)
        return s
    }

    public var description: String { dicomString }

    /// Days since 1970-01-01 (negative before).
    public var daysSinceEpoch: Int { CivilCalendar.daysSinceEpoch(year: year, month: month, day: day) }

    public static func < (a: DICOMDate, b: DICOMDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }
}
