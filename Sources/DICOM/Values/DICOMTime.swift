/// A TM value (PS3.5 §6.2): `HH[MM[SS[.F{1-6}]]]`, hours 00–23, minutes 00–59, seconds 00–60
/// (a leap second), with a fraction of one to six digits.
///
/// The precision written is kept, so a value formats back exactly as read: `1015` stays `1015`
/// and `101500.50` stays `101500.50`. Reading also accepts the ACR-NEMA 2.0 form `HH:MM[:SS[.F]]`
/// that PS3.5 §6.2 TM mentions; it is written back without the colons.
public struct DICOMTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let hour: Int
    public let minute: Int?
    public let second: Int?
    /// The fractional second in microseconds (0–999 999), nil when no fraction was written.
    public let microsecond: Int?
    /// The number of fraction digits written (1–6), or 0 without a fraction.
    public let fractionDigits: Int

    /// Components must be given from the hour down without gaps (a second needs a minute, a
    /// fraction needs a second). `microsecond` is truncated to `fractionDigits` digits.
    public init?(hour: Int, minute: Int? = nil, second: Int? = nil, microsecond: Int? = nil, fractionDigits: Int = 6) {
        guard (0...23).contains(hour) else { return nil }
        if let minute { guard (0...59).contains(minute) else { return nil } }
        if let second { guard minute != nil, (0...60).contains(second) else { return nil } }
        if let microsecond {
            guard second != nil, (0...999_999).contains(microsecond), (1...6).contains(fractionDigits) else { return nil }
        }
        self.hour = hour
        self.minute = minute
        self.second = second
        self.microsecond = microsecond.map { truncateFraction($0, digits: fractionDigits) }
        self.fractionDigits = microsecond == nil ? 0 : fractionDigits
    }

    /// Parses a TM value; padding spaces are ignored. Nil if invalid.
    public init?(_ text: some StringProtocol) {
        var c = ASCIICursor(String(text).trimmingDICOMPadding())
        guard let fields = DICOMTime.scan(&c), c.atEnd else { return nil }
        self.init(hour: fields.hour, minute: fields.minute, second: fields.second,
                  microsecond: fields.fraction?.microsecond, fractionDigits: fields.fraction?.digits ?? 6)
    }

    typealias Fields = (hour: Int, minute: Int?, second: Int?, fraction: (microsecond: Int, digits: Int)?)

    /// Reads `HH[MM[SS[.F]]]` (or the colon form) from the cursor; shared with DT.
    static func scan(_ c: inout ASCIICursor, allowColons: Bool = true) -> Fields? {
        guard let h = c.digits(2) else { return nil }
        let colons = allowColons && c.next == 0x3A
        if colons { _ = c.take(0x3A) }
        guard let m = c.digits(2) else { return colons ? nil : (h, nil, nil, nil) }
        if colons && !c.take(0x3A) { return (h, m, nil, nil) }
        guard let s = c.digits(2) else { return colons ? nil : (h, m, nil, nil) }
        guard c.take(0x2E) else { return (h, m, s, nil) }
        guard let f = c.fraction() else { return nil }
        return (h, m, s, f)
    }

    /// The TM text, with the precision the value was read or made with.
    public var dicomString: String {
        var s = ""
        appendDigits(hour, width: 2, to: &s)
        if let minute { appendDigits(minute, width: 2, to: &s) }
        if let second { appendDigits(second, width: 2, to: &s) }
        if let microsecond {
            s += "."
            appendDigits(microsecond / pow10(6 - fractionDigits), width: fractionDigits, to: &s)
        }
        return s
    }

    public var description: String { dicomString }

    /// Microseconds since midnight, missing components counted as zero.
    public var microsecondsSinceMidnight: Int64 {
        let seconds = Int64(hour) * 3600 + Int64(minute ?? 0) * 60 + Int64(second ?? 0)
        return seconds * 1_000_000 + Int64(microsecond ?? 0)
    }

    /// 0 for HH, 1 for HHMM, 2 for HHMMSS, 3 with a fraction.
    var precisionRank: Int { microsecond != nil ? 3 : second != nil ? 2 : minute != nil ? 1 : 0 }

    /// Orders by time of day (missing components count as zero), then by precision, so that
    /// `10` < `1000` although both denote 10:00.
    public static func < (a: DICOMTime, b: DICOMTime) -> Bool {
        (a.microsecondsSinceMidnight, a.precisionRank, a.fractionDigits)
            < (b.microsecondsSinceMidnight, b.precisionRank, b.fractionDigits)
    }
}
