#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The right half (0xA0–0xFF) of an 8-bit ISO 8859 / TIS-620 code page, read once from iconv.
struct SingleByteTable: Sendable {
    /// Scalar for each byte 0xA0–0xFF; 0 where the code page leaves the byte unassigned.
    private let scalars: [UInt32]
    private let bytes: [UInt32: UInt8]

    init(iconvName: String) {
        var scalars = [UInt32](repeating: 0, count: 96)
        var bytes: [UInt32: UInt8] = [:]
        if let cd = Iconv.open(from: iconvName, to: "UTF-32LE") {
            defer { iconv_close(cd) }
            for b in UInt8(0xA0)...UInt8(0xFF) {
                guard let out = Iconv.convertExactly(cd, [b]), out.count == 4 else { continue }
                let s = UInt32(out[0]) | UInt32(out[1]) << 8 | UInt32(out[2]) << 16 | UInt32(out[3]) << 24
                scalars[Int(b - 0xA0)] = s
                bytes[s] = b
            }
        }
        self.scalars = scalars
        self.bytes = bytes
    }

    @inline(__always)
    func scalar(_ b: UInt8) -> UInt32? {
        guard b >= 0xA0 else { return nil }
        let s = scalars[Int(b - 0xA0)]
        return s == 0 ? nil : s
    }

    func byte(for scalar: UInt32) -> UInt8? { bytes[scalar] }
}

/// A 94×94 double-byte set (JIS X 0208, JIS X 0212, KS X 1001, GB 2312), read once from iconv
/// through the EUC form of its code page: the two 7-bit bytes of a code with their high bits
/// set, after `prefix` (0x8F, SS3, for JIS X 0212 in EUC-JP).
struct DoubleByteTable: Sendable {
    /// Scalar for code (b1 - 0x21) * 94 + (b2 - 0x21); 0 where unassigned.
    private let scalars: [UInt32]
    /// The 7-bit code, b1 << 8 | b2, of each scalar.
    private let codes: [UInt32: UInt16]

    init(iconvName: String, prefix: [UInt8] = [], overrides: [UInt16: UInt32] = [:]) {
        var scalars = [UInt32](repeating: 0, count: 94 * 94)
        var codes: [UInt32: UInt16] = [:]
        if let cd = Iconv.open(from: iconvName, to: "UTF-32LE") {
            defer { iconv_close(cd) }
            for b1 in UInt8(0x21)...UInt8(0x7E) {
                for b2 in UInt8(0x21)...UInt8(0x7E) {
                    guard let out = Iconv.convertExactly(cd, prefix + [b1 | 0x80, b2 | 0x80]),
                          out.count == 4 else { continue }
                    let s = UInt32(out[0]) | UInt32(out[1]) << 8 | UInt32(out[2]) << 16 | UInt32(out[3]) << 24
                    let code = UInt16(b1) << 8 | UInt16(b2)
                    scalars[Int(b1 - 0x21) * 94 + Int(b2 - 0x21)] = s
                    if codes[s] == nil { codes[s] = code }
                }
            }
        }
        for (code, s) in overrides {
            let index = Int((code >> 8) - 0x21) * 94 + Int((code & 0xFF) - 0x21)
            // The scalar iconv gave no longer reads back from this code: do not write it here.
            if codes[scalars[index]] == code { codes[scalars[index]] = nil }
            scalars[index] = s
            if s >= 0x80, codes[s] == nil { codes[s] = code }
        }
        self.scalars = scalars
        self.codes = codes
    }

    /// The scalar of the 7-bit pair (b1, b2), or nil when out of range or unassigned.
    @inline(__always)
    func scalar(_ b1: UInt8, _ b2: UInt8) -> UInt32? {
        guard (0x21...0x7E).contains(b1), (0x21...0x7E).contains(b2) else { return nil }
        let s = scalars[Int(b1 - 0x21) * 94 + Int(b2 - 0x21)]
        return s == 0 ? nil : s
    }

    func code(for scalar: UInt32) -> UInt16? { codes[scalar] }
}

/// The tables of the graphic sets, each built from iconv on first use (Swift initialises a
/// static `let` once, thread-safely) and immutable afterwards.
enum CodeTables {
    static let latin1 = SingleByteTable(iconvName: "ISO-8859-1")
    static let latin2 = SingleByteTable(iconvName: "ISO-8859-2")
    static let latin3 = SingleByteTable(iconvName: "ISO-8859-3")
    static let latin4 = SingleByteTable(iconvName: "ISO-8859-4")
    static let cyrillic = SingleByteTable(iconvName: "ISO-8859-5")
    static let arabic = SingleByteTable(iconvName: "ISO-8859-6")
    static let greek = SingleByteTable(iconvName: "ISO-8859-7")
    static let hebrew = SingleByteTable(iconvName: "ISO-8859-8")
    static let latin5 = SingleByteTable(iconvName: "ISO-8859-9")
    static let latin9 = SingleByteTable(iconvName: "ISO-8859-15")
    static let thai = SingleByteTable(iconvName: "TIS-620")

    static let jisX0208 = DoubleByteTable(iconvName: "EUC-JP")
    /// glibc maps JIS X 0212 0x2237 (TILDE) to U+FF5E; the Unicode mapping table, Python and so
    /// pydicom give U+007E. We follow the latter, so U+FF5E is not encodable in JIS X 0212
    /// (and '~' is written as ASCII).
    static let jisX0212 = DoubleByteTable(iconvName: "EUC-JP", prefix: [0x8F], overrides: [0x2237: 0x7E])
    static let ksX1001 = DoubleByteTable(iconvName: "EUC-KR")
    static let gb2312 = DoubleByteTable(iconvName: "EUC-CN")

    static func singleByte(_ set: GraphicSet) -> SingleByteTable? {
        switch set {
        case .latin1: return latin1
        case .latin2: return latin2
        case .latin3: return latin3
        case .latin4: return latin4
        case .cyrillic: return cyrillic
        case .arabic: return arabic
        case .greek: return greek
        case .hebrew: return hebrew
        case .latin5: return latin5
        case .latin9: return latin9
        case .thai: return thai
        default: return nil
        }
    }

    static func doubleByte(_ set: GraphicSet) -> DoubleByteTable? {
        switch set {
        case .jisX0208: return jisX0208
        case .jisX0212: return jisX0212
        case .ksX1001: return ksX1001
        case .gb2312: return gb2312
        default: return nil
        }
    }
}
