/// IS, Integer String (PS3.5 §6.2): an optional leading `+` or `-` and digits, at most 12
/// bytes, representing an integer from -2^31 to 2^31-1. Leading and trailing spaces are allowed.
public enum IntegerString {
    /// The range an IS value may represent.
    public static let range: ClosedRange<Int> = Int(Int32.min)...Int(Int32.max)
    /// The largest length of one value.
    public static let maximumLength = 12

    /// The integer of one IS value, or nil if it is not one or lies outside `range`. Length is not
    /// checked, so that over-long values with leading zeros are still read.
    public static func parse(_ text: some StringProtocol) -> Int? {
        var bytes = Array(text.utf8)[...]
        while bytes.first == 0x20 { bytes = bytes.dropFirst() }
        while let b = bytes.last, b == 0x20 || b == 0x00 { bytes = bytes.dropLast() }
        var negative = false
        if let sign = bytes.first, sign == 0x2B || sign == 0x2D {
            negative = sign == 0x2D
            bytes = bytes.dropFirst()
        }
        guard !bytes.isEmpty else { return nil }
        var value = 0
        for b in bytes {
            guard b >= 0x30 && b <= 0x39 else { return nil }
            value = value * 10 + Int(b - 0x30)
            guard value <= Int(Int32.max) + 1 else { return nil }
        }
        value = negative ? -value : value
        return range.contains(value) ? value : nil
    }

    /// Whether `text` is a valid IS value: the syntax, the range and at most 12 bytes.
    public static func isValid(_ text: some StringProtocol) -> Bool {
        text.utf8.count <= maximumLength && parse(text) != nil
    }

    /// The IS text of `value`, or nil outside `range`.
    public static func format(_ value: Int) -> String? {
        range.contains(value) ? String(value) : nil
    }
}
