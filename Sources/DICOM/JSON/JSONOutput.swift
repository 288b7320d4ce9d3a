/// A growing buffer of JSON text (RFC 8259), written byte by byte without intermediate strings.
struct JSONOutput {
    var bytes: [UInt8] = []

    init(capacity: Int = 4096) { bytes.reserveCapacity(capacity) }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func raw(_ text: some Sequence<UInt8>) { bytes.append(contentsOf: text) }

    /// A quoted JSON string of `text`'s UTF-8, escaped (RFC 8259 §7).
    mutating func string(_ text: String) {
        var t = text
        t.withUTF8 { string(utf8: $0) }
    }

    /// A quoted JSON string of UTF-8 bytes, escaping `"`, `\` and the control characters.
    mutating func string(utf8 text: some Collection<UInt8>) {
        bytes.append(0x22)
        for b in text {
            switch b {
            case 0x22: bytes.append(0x5C); bytes.append(0x22)
            case 0x5C: bytes.append(0x5C); bytes.append(0x5C)
            case 0x0A: bytes.append(0x5C); bytes.append(0x6E)  // \n
            case 0x0D: bytes.append(0x5C); bytes.append(0x72)  // \r
            case 0x09: bytes.append(0x5C); bytes.append(0x74)  // \t
            case 0x08: bytes.append(0x5C); bytes.append(0x62)  // \b
            case 0x0C: bytes.append(0x5C); bytes.append(0x66)  // \f
            case 0x00..<0x20:
                raw("\\u00")
                bytes.append(JSONOutput.hexDigit(b >> 4))
                bytes.append(JSONOutput.hexDigit(b & 0xF))
            default: bytes.append(b)
            }
        }
        bytes.append(0x22)
    }

    /// `"GGGGEEEE":`, the key of an attribute (PS3.18 F.2.1.1).
    mutating func key(_ tag: Tag) {
        bytes.append(0x22)
        hex(tag.rawValue)
        bytes.append(0x22)
        bytes.append(0x3A)
    }

    /// A tag as the quoted string of an AT value (PS3.18 F.2.3: "GGGGEEEE").
    mutating func tagString(_ tag: Tag) {
        bytes.append(0x22)
        hex(tag.rawValue)
        bytes.append(0x22)
    }

    /// Eight upper-case hex digits.
    private mutating func hex(_ v: UInt32) {
        var shift: UInt32 = 28
        for _ in 0..<8 {
            bytes.append(JSONOutput.hexDigit(UInt8(v >> shift & 0xF)))
            shift &-= 4
        }
    }

    static func hexDigit(_ v: UInt8) -> UInt8 { v < 10 ? 0x30 + v : 0x41 + v - 10 }

    mutating func integer(_ v: Int64) {
        if v < 0 {
            bytes.append(0x2D)
            unsigned(v.magnitude)
        } else {
            unsigned(UInt64(v))
        }
    }

    mutating func unsigned(_ v: UInt64) {
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        var x = v
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[19 - n] = UInt8(x % 10) + 0x30
                x /= 10
                n += 1
            } while x > 0
            bytes.append(contentsOf: d[(20 - n)...])
        }
    }

    /// A floating point number: Swift's shortest round-trip text, which is valid JSON for
    /// finite values. JSON has no infinities or NaN; they are written as the strings
    /// "Infinity", "-Infinity" and "NaN", which the decoder reads back.
    mutating func floatingPoint(_ description: String, isFinite: Bool, isNaN: Bool, sign: FloatingPointSign) {
        if isFinite {
            raw(description.utf8)
        } else if isNaN {
            raw("\"NaN\"")
        } else {
            raw(sign == .minus ? "\"-Infinity\"" : "\"Infinity\"")
        }
    }

    /// Whether `text` is a JSON number (RFC 8259 §6): `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    static func isNumber(_ text: some Collection<UInt8>) -> Bool {
        var it = text.makeIterator()
        var b = it.next()
        func isDigit(_ c: UInt8?) -> Bool { c.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }
        if b == 0x2D { b = it.next() }
        if b == 0x30 {
            b = it.next()
        } else if isDigit(b) {
            while isDigit(b) { b = it.next() }
        } else {
            return false
        }
        if b == 0x2E {
            b = it.next()
            guard isDigit(b) else { return false }
            while isDigit(b) { b = it.next() }
        }
        if b == 0x45 || b == 0x65 {
            b = it.next()
            if b == 0x2B || b == 0x2D { b = it.next() }
            guard isDigit(b) else { return false }
            while isDigit(b) { b = it.next() }
        }
        return b == nil
    }
}

/// JSON string quoting (RFC 8259 §7) for other modules that write small JSON texts.
public enum JSONString {
    /// `text` as a quoted, escaped JSON string.
    public static func quoted(_ text: String) -> String {
        var out = JSONOutput(capacity: text.utf8.count + 2)
        out.string(text)
        return String(decoding: out.bytes, as: UTF8.self)
    }
}
