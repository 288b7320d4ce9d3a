/// The meaning of one Defined Term of Specific Character Set (0008,0005)
/// (PS3.3 C.12.1.1.2, Tables C.12-2 to C.12-5).
enum DefinedTerm: Sendable, Hashable {
    /// An ISO 2022 compatible 8-bit code: what it designates into G0 and G1 (nil: nothing).
    case iso2022(g0: GraphicSet?, g1: GraphicSet?)
    /// ISO_IR 192, UTF-8. Stand-alone: cannot be combined with code extensions.
    case utf8
    /// GB18030 (stand-alone).
    case gb18030
    /// GBK (stand-alone).
    case gbk

    var isStandAlone: Bool {
        if case .iso2022 = self { return false }
        return true
    }

    /// The term for `raw`, a value of (0008,0005) already stripped of padding; nil when
    /// unknown. Exact Defined Terms are matched first; then, as pydicom does, common
    /// misspellings are accepted: any case, and '_', '-' or ' ' separators missing or mixed up
    /// ("ISO IR 100", "ISO_IR_100", "ISO-2022-IR-87", "iso_ir 192", "UTF-8").
    static func lookup(_ raw: String) -> DefinedTerm? {
        if let exact = exactTerms[raw] { return exact }
        var compact = ""
        for ch in raw.uppercased() where ch != " " && ch != "_" && ch != "-" { compact.append(ch) }
        switch compact {
        case "GB18030": return .gb18030
        case "GBK": return .gbk
        case "UTF8": return .utf8
        default: break
        }
        for prefix in ["ISO2022IR", "ISOIR"] where compact.hasPrefix(prefix) {
            guard let n = Int(compact.dropFirst(prefix.count)) else { return nil }
            return byNumber(n)
        }
        return nil
    }

    /// The meaning of ISO-IR registration number `n` as used by DICOM.
    static func byNumber(_ n: Int) -> DefinedTerm? {
        switch n {
        case 6: return .iso2022(g0: .ascii, g1: nil)
        case 100: return .iso2022(g0: .ascii, g1: .latin1)
        case 101: return .iso2022(g0: .ascii, g1: .latin2)
        case 109: return .iso2022(g0: .ascii, g1: .latin3)
        case 110: return .iso2022(g0: .ascii, g1: .latin4)
        case 144: return .iso2022(g0: .ascii, g1: .cyrillic)
        case 127: return .iso2022(g0: .ascii, g1: .arabic)
        case 126: return .iso2022(g0: .ascii, g1: .greek)
        case 138: return .iso2022(g0: .ascii, g1: .hebrew)
        case 148: return .iso2022(g0: .ascii, g1: .latin5)
        case 203: return .iso2022(g0: .ascii, g1: .latin9)
        case 166: return .iso2022(g0: .ascii, g1: .thai)
        case 13: return .iso2022(g0: .jisRoman, g1: .katakana)
        case 87: return .iso2022(g0: .jisX0208, g1: nil)
        case 159: return .iso2022(g0: .jisX0212, g1: nil)
        case 149: return .iso2022(g0: nil, g1: .ksX1001)
        case 58: return .iso2022(g0: nil, g1: .gb2312)
        case 192: return .utf8
        default: return nil
        }
    }

    /// The Defined Terms as the standard spells them (plus "ISO_IR 6", widely written for the
    /// default repertoire).
    static let exactTerms: [String: DefinedTerm] = {
        var terms: [String: DefinedTerm] = ["": .iso2022(g0: .ascii, g1: nil),
                                            "ISO_IR 192": .utf8, "GB18030": .gb18030, "GBK": .gbk]
        for n in [6, 100, 101, 109, 110, 144, 127, 126, 138, 148, 203, 166, 13] {
            terms["ISO_IR \(n)"] = byNumber(n)
        }
        for n in [6, 100, 101, 109, 110, 144, 127, 126, 138, 148, 203, 166, 13, 87, 159, 149, 58] {
            terms["ISO 2022 IR \(n)"] = byNumber(n)
        }
        return terms
    }()
}
