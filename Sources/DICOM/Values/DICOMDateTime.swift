/// A DT value (PS3.5 §6.2): `YYYY[MM[DD[HH[MM[SS[.F{1-6}]]]]]][&ZZXX]`, where `&ZZXX` is an
/// offset from UTC, `+` or `-` then hours and minutes, from -1200 to +1400.
///
/// Components are optional from the right; the precision written is kept, so a value formats
/// back exactly as read.
public struct DICOMDateTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int?
    public let day: Int?
    public let hour: Int?
    public let minute: Int?
    public let second: Int?
    /// The fractional second in microseconds, nil when no fraction was written.
    public let microsecond: Int?
    /// The number of fraction digits written (1–6), or 0 without a fraction.
    public let fractionDigits: Int
    /// The `&ZZXX` suffix as minutes east of UTC, nil when absent.
    public let utcOffsetMinutes: Int?

    /// Components must be given from the year down without gaps. Nil if any is out of range.
    public init?(year: Int, month: Int? = nil, day: Int? = nil, hour: Int? = nil, minute: Int? = nil,
                 second: Int? = nil, microsecond: Int? = nil, fractionDigits: Int = 6, utcOffsetMinutes: Int? = nil) {
        guard (0...9999).contains(year) else { return nil }
        if let month { guard (1...12).contains(month) else { return nil } }
        if let day {
            guard let month, CivilCalendar.isValid(year: year, month: month, day: day) else { return nil }
        }
        if let hour {
            guard day != nil, DICOMTime(hour: hour, minute: minute, second: second, microsecond: microsecond,
                                        fractionDigits: fractionDigits) != nil else { return nil }
        } else if minute != nil || second != nil || microsecond != nil {
            return nil
        }
        if let utcOffsetMinutes {
            guard (-12 * 60...14 * 60).contains(utcOffsetMinutes) else { return nil }
        }
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.microsecond = microsecond.map { truncateFraction($0, digits: fractionDigits) }
        self.fractionDigits = microsecond == nil ? 0 : fractionDigits
        self.utcOffsetMinutes = utcOffsetMinutes
    }

    /// A date and optional time, as a DT of the same precision.
    public init(date: DICOMDate, time: DICOMTime? = nil, utcOffsetMinutes: Int? = nil) {
        self.year = date.year
        self.month = date.month
        self.day = date.day
        self.hour = time?.hour
        self.minute = time?.minute
        self.second = time?.second
        self.microsecond = time?.microsecond
        self.fractionDigits = time?.fractionDigits ?? 0
        self.utcOffsetMinutes = utcOffsetMinutes.flatMap { (-12 * 60...14 * 60).contains($0) ? $0 : nil }
    }

    /// Parses a DT value; padding spaces are ignored. Nil if invalid.
    public init?(_ text: some StringProtocol) {
        var c = ASCIICursor(String(text).trimmingDICOMPadding())
        guard let y = c.digits(4) else { return nil }
        let mo = c.digits(2)
        let d = mo == nil ? nil : c.digits(2)
        var time: DICOMTime.Fields?
        if d != nil, let b = c.next, b >= 0x30 && b <= 0x39 {
            guard let t = DICOMTime.scan(&c, allowColons: false) else { return nil }
            time = t
        }
        var offset: Int?
        if let sign = c.next, sign == 0x2B || sign == 0x2D {  // "+" or "-"
            c.position += 1
            guard let zz = c.digits(2), let xx = c.digits(2), xx < 60 else { return nil }
            offset = (zz * 60 + xx) * (sign == 0x2D ? -1 : 1)
        }
        guard c.atEnd else { return nil }
        self.init(year: y, month: mo, day: d, hour: time?.hour, minute: time?.minute, second: time?.second,
                  microsecond: time?.fraction?.microsecond, fractionDigits: time?.fraction?.digits ?? 6,
                  utcOffsetMinutes: offset)
    }

    /// The DT text, with the precision the value was read or made with.
    public var dicomString: String {
        var s = ""
        appendDigits(year, width: 4, to: &s)
        if let month { appendDigits(month, width: 2, to: &s) }
        if let day { appendDigits(day, width: 2, to: &s) }
        if let hour { appendDigits(hour, width: 2, to: &s) }
        if let minute { appendDigits(minute, width: 2, to: &s) }
        if let second { appendDigits(second, width: 2, to: &s) }
        if let microsecond {
            s += "."
            appendDigits(microsecond / pow10(6 - fractionDigits), width: fractionDigits, to: &s)
        }
        if let utcOffsetMinutes {
            s += utcOffsetMinutes < 0 ? "-" : "+"
            appendDigits(abs(utcOffsetMinutes) / 60, width: 2, to: &s)
            appendDigits(abs(utcOffsetMinutes) % 60, width: 2, to: &s)
        }
        return s
    }

    public var description: String { dicomString }

    /// The date part, when month and day are present.
    public var date: DICOMDate? {
        guard let month, let day else { return nil }
        return DICOMDate(year: year, month: month, day: day)
    }

    /// The time part, when the hour is present.
    public var time: DICOMTime? {
        guard let hour else { return nil }
        return DICOMTime(hour: hour, minute: minute, second: second, microsecond: microsecond,
                         fractionDigits: max(fractionDigits, 1))
    }

    /// Microseconds since 1970-01-01T00:00:00 of the value's own clock (the offset is not
    /// applied), missing components taken as their smallest value.
    public var localMicrosecondsSinceEpoch: Int64 {
        let days = Int64(CivilCalendar.daysSinceEpoch(year: year, month: month ?? 1, day: day ?? 1))
        let seconds = days * 86_400 + Int64(hour ?? 0) * 3600 + Int64(minute ?? 0) * 60 + Int64(second ?? 0)
        return seconds * 1_000_000 + Int64(microsecond ?? 0)
    }

    /// 0 (year only) to 6 (with a fraction).
    var precisionRank: Int {
        [month, day, hour, minute, second, microsecond].prefix { $0 != nil }.count
    }

    /// Orders by instant: values with an offset are compared in UTC, values without one as
    /// written. Ties are broken by precision and offset so that the order is total.
    public static func < (a: DICOMDateTime, b: DICOMDateTime) -> Bool {
        func key(_ v: DICOMDateTime) -> (Int64, Int, Int, Int) {
            (v.localMicrosecondsSinceEpoch - Int64(v.utcOffsetMinutes ?? 0) * 60_000_000,
             v.precisionRank, v.fractionDigits, v.utcOffsetMinutes ?? Int.min)
        }
        return key(a) < key(b)
    }
}
