/// Reads the generated dictionary tables: one record a line, fields separated by tabs.
enum DictionaryTSV {
    /// The records of `table`, each with exactly `fieldCount` fields; blank lines are skipped.
    static func records(_ table: String, fieldCount: Int) -> [[String]] {
        var records: [[String]] = []
        for line in table.utf8.split(separator: UInt8(ascii: "\n")) {
            let fields = line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false)
                .map { String(decoding: $0, as: UTF8.self) }
            precondition(fields.count == fieldCount,
                         "malformed generated dictionary line: \(String(decoding: line, as: UTF8.self))")
            records.append(fields)
        }
        return records
    }

    /// A tag pattern of 8 hex digits in which `x` marks a repeating digit (PS3.6 §6, §7):
    /// `value` has the x digits as zero, `mask` has 0 for each x digit and F elsewhere.
    static func tagPattern(_ text: String) -> (value: UInt32, mask: UInt32)? {
        guard text.utf8.count == 8 else { return nil }
        var value: UInt32 = 0
        var mask: UInt32 = 0
        for byte in text.utf8 {
            value <<= 4
            mask <<= 4
            if byte == UInt8(ascii: "x") { continue }
            guard let digit = hexDigit(byte) else { return nil }
            value |= UInt32(digit)
            mask |= 0xF
        }
        return (value, mask)
    }

    private static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        default: return nil
        }
    }
}
