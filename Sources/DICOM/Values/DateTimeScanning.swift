/// Shared helpers for the date and time VRs DA, TM and DT (PS3.5 §6.2, Table 6.2-1).

/// Reads fixed-width runs of ASCII digits from the bytes of a value.
struct ASCIICursor {
    let bytes: [UInt8]
    var position = 0

    init(_ text: some StringProtocol) { bytes = Array(text.utf8) }

    var atEnd: Bool { position == bytes.count }
    var remaining: Int { bytes.count - position }
    var next: UInt8? { position < bytes.count ? bytes[position] : nil }

    /// Exactly `count` digits, or nil (the cursor does not move then).
    mutating func digits(_ count: Int) -> Int? {
        guard remaining >= count else { return nil }
        var value = 0
        for i in position..<position + count {
            let b = bytes[i]
            guard b >= 0x30 && b <= 0x39 else { return nil }
            value = value * 10 + Int(b - 0x30)
        }
        position += count
        return value
    }

    /// Consumes `byte` if it comes next.
    mutating func take(_ byte: UInt8) -> Bool {
        guard next == byte else { return false }
        position += 1
        return true
    }

    /// One to six digits of a fractional second, after the "." (PS3.5 TM and DT: .F to .FFFFFF).
    /// Returns the value in microseconds and the number of digits written.
    mutating func fraction() -> (microsecond: Int, digits: Int)? {
        var value = 0, count = 0
        while let b = next, b >= 0x30 && b <= 0x39 {
            guard count < 6 else { return nil }
            value = value * 10 + Int(b - 0x30)
            count += 1
            position += 1
        }
        guard count > 0 else { return nil }
        return (value * pow10(6 - count), count)
    }
}

/// 10^n for small n.
func pow10(_ n: Int) -> Int {
    var r = 1
    for _ in 0..<max(n, 0) { r *= 10 }
    return r
}

/// Appends `value` as exactly `width` decimal digits (zero-padded).
func appendDigits(_ value: Int, width: Int, to s: inout String) {
    let d = String(value)
    if d.count < width { s += String(repeating: "0", count: width - d.count) }
    s += d
}

/// Truncates a microsecond value to the precision of `digits` fraction digits.
func truncateFraction(_ microsecond: Int, digits: Int) -> Int {
    let unit = pow10(6 - digits)
    return microsecond / unit * unit
}

/// The proleptic Gregorian calendar that DA and DT use (PS3.5 §6.2: "Gregorian calendar system").
enum CivilCalendar {
    static func isLeapYear(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func isValid(year: Int, month: Int, day: Int) -> Bool {
        (0...9999).contains(year) && (1...12).contains(month) && day >= 1 && day <= daysInMonth(year: year, month: month)
    }

    /// Days from 1970-01-01 to the given date (negative before).
    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        // Count from a year starting on 1 March, so that the leap day ends the year.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let shiftedMonth = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The inverse of `daysSinceEpoch`.
    static func date(daysSinceEpoch days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
