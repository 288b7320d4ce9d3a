/// DS, Decimal String (PS3.5 §6.2): a fixed point number (digits, an optional leading `+` or
/// `-`, an optional `.`) or a floating point number with `E` or `e` before the exponent, at most
/// 16 bytes, leading and trailing spaces allowed.
public enum DecimalString {
    /// The largest length of one value.
    public static let maximumLength = 16

    /// The number of one DS value, or nil if the syntax is wrong or the number is not finite.
    /// Length is not checked, so that over-long values found in the wild are still read.
    public static func parse(_ text: some StringProtocol) -> Double? {
        let t = String(text).trimmingDICOMPadding()
        guard hasValidSyntax(t.utf8), let v = Double(t), v.isFinite else { return nil }
        return v
    }

    /// Whether `text` is a valid DS value: the syntax, a finite number and at most 16 bytes.
    public static func isValid(_ text: some StringProtocol) -> Bool {
        text.utf8.count <= maximumLength && parse(text) != nil
    }

    /// `[+-]? (digits [. digits*] | . digits) ([eE] [+-]? digits)?`, with no spaces.
    static func hasValidSyntax(_ bytes: some Collection<UInt8>) -> Bool {
        var it = bytes.makeIterator()
        var b = it.next()
        func isDigit(_ c: UInt8?) -> Bool { c.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }
        if b == 0x2B || b == 0x2D { b = it.next() }
        var mantissaDigits = 0
        while isDigit(b) { mantissaDigits += 1; b = it.next() }
        if b == 0x2E {
            b = it.next()
            while isDigit(b) { mantissaDigits += 1; b = it.next() }
        }
        guard mantissaDigits > 0 else { return false }
        if b == 0x45 || b == 0x65 {  // E e
            b = it.next()
            if b == 0x2B || b == 0x2D { b = it.next() }
            var exponentDigits = 0
            while isDigit(b) { exponentDigits += 1; b = it.next() }
            guard exponentDigits > 0 else { return false }
        }
        return b == nil
    }

    /// A DS text of at most 16 bytes for `value`: the digits of the shortest text that reads back
    /// as the same Double when they fit, otherwise the value rounded to as many significant digits
    /// as fit; in fixed notation when that fits, in scientific notation (`1.5e-7`) otherwise.
    /// Nil for infinities and NaN, which DS cannot represent.
    public static func format(_ value: Double) -> String? {
        guard value.isFinite else { return nil }
        if value == 0 { return "0" }
        var (digits, exponent) = decimalDigits(of: value.magnitude)
        let sign = value < 0 ? "-" : ""
        let original = digits
        while !digits.isEmpty {
            // Most significant digits first; at equal precision the fixed notation is preferred.
            let (fixed, scientific) = render(digits, exponent)
            let text = fixed.utf8.count + sign.utf8.count <= maximumLength ? sign + fixed
                : scientific.utf8.count + sign.utf8.count <= maximumLength ? sign + scientific : nil
            if let text {
                // Rounding up next to Double.greatestFiniteMagnitude can overflow: truncate then.
                if Double(text)?.isFinite == true { return text }
                let (d, e) = rounded(original, exponent, to: digits.count, towardZero: true)
                let (f, sc) = render(d, e)
                return sign + (f.utf8.count + sign.utf8.count <= maximumLength ? f : sc)
            }
            (digits, exponent) = rounded(digits, exponent, to: digits.count - 1)
        }
        return "0"
    }

    /// The significant digits of a positive finite value (no leading or trailing zeros) and the
    /// exponent `e` such that value = 0.d1d2d3… × 10^e, from Swift's shortest round-trip text.
    static func decimalDigits(of value: Double) -> ([UInt8], Int) {
        let text = value.description  // "123.45", "1e-05", "1.2345e+20"
        let parts = text.split(separator: "e", maxSplits: 1)
        let exponent10 = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        var digits: [UInt8] = []
        var pointPosition = 0
        var seenPoint = false
        for b in parts[0].utf8 {
            if b == 0x2E { seenPoint = true; continue }
            if !seenPoint { pointPosition += 1 }
            digits.append(b - 0x30)
        }
        var exponent = pointPosition + exponent10
        while let first = digits.first, first == 0 { digits.removeFirst(); exponent -= 1 }
        while let last = digits.last, last == 0 { digits.removeLast() }
        return (digits, exponent)
    }

    /// Rounds to `count` significant digits (half away from zero), keeping the form of
    /// `decimalDigits`. With `count` 0 the value rounds to one digit of the next power.
    static func rounded(_ digits: [UInt8], _ exponent: Int, to count: Int, towardZero: Bool = false) -> ([UInt8], Int) {
        guard count < digits.count else { return (digits, exponent) }
        var d = Array(digits.prefix(count))
        var e = exponent
        if digits[count] >= 5 && !towardZero {
            var i = d.count - 1
            while i >= 0 && d[i] == 9 { d[i] = 0; i -= 1 }
            if i >= 0 { d[i] += 1 } else { d.insert(1, at: 0); e += 1 }
        }
        while let last = d.last, last == 0 { d.removeLast() }
        return (d, e)
    }

    /// The fixed and the scientific notation of 0.digits × 10^exponent.
    static func render(_ digits: [UInt8], _ exponent: Int) -> (fixed: String, scientific: String) {
        let ascii = String(decoding: digits.map { $0 + 0x30 }, as: UTF8.self)
        let fixed: String
        if exponent <= 0 {
            fixed = "0." + String(repeating: "0", count: -exponent) + ascii
        } else if exponent < digits.count {
            let i = ascii.index(ascii.startIndex, offsetBy: exponent)
            fixed = ascii[..<i] + "." + ascii[i...]
        } else {
            fixed = ascii + String(repeating: "0", count: exponent - digits.count)
        }
        var scientific = String(ascii.prefix(1))
        if digits.count > 1 { scientific += "." + ascii.dropFirst() }
        scientific += "e" + String(exponent - 1)
        return (fixed, scientific)
    }
}
