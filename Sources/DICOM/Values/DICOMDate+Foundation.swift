import Foundation

/// Conversions between the DA, TM and DT values and Foundation's `Date`, computed with the
/// proleptic Gregorian calendar. Values without a UTC offset are read in the time zone given.

extension DICOMDate {
    /// Midnight at the start of this date in `timeZone`.
    public func date(in timeZone: TimeZone) -> Date {
        localToDate(Int64(daysSinceEpoch) * 86_400_000_000, timeZone: timeZone)
    }

    /// The calendar date of `date` in `timeZone`; nil outside the years 0000–9999.
    public init?(_ date: Date, in timeZone: TimeZone) {
        let (days, _) = dateToLocal(date, timeZone: timeZone)
        let (y, m, d) = CivilCalendar.date(daysSinceEpoch: days)
        self.init(year: y, month: m, day: d)
    }
}

extension DICOMTime {
    /// The time of day of `date` in `timeZone`, to the microsecond.
    public init(_ date: Date, in timeZone: TimeZone, fractionDigits: Int = 6) {
        let (_, micro) = dateToLocal(date, timeZone: timeZone)
        let seconds = Int(micro / 1_000_000)
        self.init(hour: seconds / 3600, minute: seconds / 60 % 60, second: seconds % 60,
                  microsecond: Int(micro % 1_000_000), fractionDigits: fractionDigits)!
    }
}

extension DICOMDateTime {
    /// The instant this value starts at: with its UTC offset if it has one, else in
    /// `timeZone`. Missing components count as their smallest value.
    public func date(defaultTimeZone timeZone: TimeZone) -> Date {
        if let utcOffsetMinutes {
            let utc = localMicrosecondsSinceEpoch - Int64(utcOffsetMinutes) * 60_000_000
            return Date(timeIntervalSince1970: Double(utc) / 1_000_000)
        }
        return localToDate(localMicrosecondsSinceEpoch, timeZone: timeZone)
    }

    /// `date` as a DT to the microsecond in `timeZone`, with the `&ZZXX` offset of that zone
    /// when `includeOffset` is true; nil outside the years 0000–9999.
    public init?(_ date: Date, in timeZone: TimeZone, includeOffset: Bool = true) {
        let (days, micro) = dateToLocal(date, timeZone: timeZone)
        let (y, m, d) = CivilCalendar.date(daysSinceEpoch: days)
        let seconds = Int(micro / 1_000_000)
        let offset = includeOffset ? timeZone.secondsFromGMT(for: date) / 60 : nil
        self.init(year: y, month: m, day: d, hour: seconds / 3600, minute: seconds / 60 % 60,
                  second: seconds % 60, microsecond: Int(micro % 1_000_000), fractionDigits: 6,
                  utcOffsetMinutes: offset.flatMap { (-720...840).contains($0) ? $0 : nil })
    }
}

/// Local wall-clock microseconds since 1970 in `timeZone` to an instant.
private func localToDate(_ local: Int64, timeZone: TimeZone) -> Date {
    let guess = Date(timeIntervalSince1970: Double(local) / 1_000_000)
    // The offset at the local time read as UTC, then corrected once for a transition between.
    var offset = timeZone.secondsFromGMT(for: guess)
    offset = timeZone.secondsFromGMT(for: guess.addingTimeInterval(-Double(offset)))
    return guess.addingTimeInterval(-Double(offset))
}

/// An instant to days since 1970 and microseconds into that day, in `timeZone`.
private func dateToLocal(_ date: Date, timeZone: TimeZone) -> (days: Int, microsecond: Int64) {
    let local = (date.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: date))) * 1_000_000
    let micro = Int64(local.rounded())
    let perDay: Int64 = 86_400_000_000
    let days = micro >= 0 ? micro / perDay : (micro - perDay + 1) / perDay
    return (Int(days), micro - days * perDay)
}
