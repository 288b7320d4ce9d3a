/// A graphic character set that ISO 2022 code extension designates into G0 (the bytes
/// 0x21–0x7E) or G1 (the bytes 0xA1–0xFE), with the escape sequence that designates it
/// (PS3.3 Tables C.12-2 to C.12-4, PS3.5 §6.1.2.5 and Annexes H, I, K).
enum GraphicSet: UInt8, Sendable, Hashable, CaseIterable {
    /// ISO-IR 6, ASCII (G0).
    case ascii
    /// ISO-IR 14, JIS X 0201 Romaji (G0). It differs from ASCII only at 0x5C (YEN SIGN) and
    /// 0x7E (OVERLINE); as pydicom does, those bytes are read as ASCII here, since 0x5C
    /// is DICOM's value delimiter.
    case jisRoman
    /// ISO-IR 87, JIS X 0208 kanji and kana, 94×94 (G0).
    case jisX0208
    /// ISO-IR 159, JIS X 0212 supplementary kanji, 94×94 (G0).
    case jisX0212
    /// ISO-IR 100 … 203: the right halves of ISO 8859-1, -2, -3, -4, -5, -6, -7, -8, -9, -15 (G1).
    case latin1, latin2, latin3, latin4, cyrillic, arabic, greek, hebrew, latin5, latin9
    /// ISO-IR 166, TIS 620-2533 Thai (G1).
    case thai
    /// ISO-IR 13, JIS X 0201 half-width katakana (G1).
    case katakana
    /// ISO-IR 149, KS X 1001 Korean, 94×94 (G1).
    case ksX1001
    /// ISO-IR 58, GB 2312 simplified Chinese, 94×94 (G1).
    case gb2312

    /// True for the sets designated into G0; the others go into G1.
    var isG0: Bool {
        switch self {
        case .ascii, .jisRoman, .jisX0208, .jisX0212: return true
        default: return false
        }
    }

    /// True for the 94×94 sets, whose characters take two bytes.
    var isDoubleByte: Bool {
        switch self {
        case .jisX0208, .jisX0212, .ksX1001, .gb2312: return true
        default: return false
        }
    }

    /// The bytes that follow ESC in the escape sequence designating this set.
    var escapeTail: [UInt8] {
        switch self {
        case .ascii: return [0x28, 0x42]             // ESC ( B
        case .jisRoman: return [0x28, 0x4A]          // ESC ( J
        case .jisX0208: return [0x24, 0x42]          // ESC $ B
        case .jisX0212: return [0x24, 0x28, 0x44]    // ESC $ ( D
        case .latin1: return [0x2D, 0x41]            // ESC - A
        case .latin2: return [0x2D, 0x42]            // ESC - B
        case .latin3: return [0x2D, 0x43]            // ESC - C
        case .latin4: return [0x2D, 0x44]            // ESC - D
        case .cyrillic: return [0x2D, 0x4C]          // ESC - L
        case .arabic: return [0x2D, 0x47]            // ESC - G
        case .greek: return [0x2D, 0x46]             // ESC - F
        case .hebrew: return [0x2D, 0x48]            // ESC - H
        case .latin5: return [0x2D, 0x4D]            // ESC - M
        case .latin9: return [0x2D, 0x62]            // ESC - b
        case .thai: return [0x2D, 0x54]              // ESC - T
        case .katakana: return [0x29, 0x49]          // ESC ) I
        case .ksX1001: return [0x24, 0x29, 0x43]     // ESC $ ) C
        case .gb2312: return [0x24, 0x29, 0x41]      // ESC $ ) A
        }
    }

    /// The whole escape sequence, ESC included.
    var escapeSequence: [UInt8] { [0x1B] + escapeTail }

    /// The set designated by the escape sequence whose bytes after ESC are `tail`, or nil.
    /// Besides the sequences of PS3.3 Tables C.12-3/C.12-4, ESC $ @ (JIS C 6226-1978, the
    /// predecessor of JIS X 0208) is read as JIS X 0208, as ISO-2022-JP decoders do.
    static func designated(byEscapeTail tail: ArraySlice<UInt8>) -> GraphicSet? {
        if tail.elementsEqual([0x24, 0x40]) { return .jisX0208 }
        return allCases.first { $0.escapeTail.elementsEqual(tail) }
    }

    /// The Unicode scalar value of a character of this set, or nil when unassigned.
    /// Single-byte sets take the byte (0xA0–0xFF); double-byte sets take the two 7-bit bytes
    /// (0x21–0x7E each), whatever the half they were read from.
    @inline(__always)
    func scalar(_ b1: UInt8, _ b2: UInt8 = 0) -> UInt32? {
        switch self {
        case .ascii, .jisRoman: return b1 < 0x80 ? UInt32(b1) : nil
        case .katakana:
            return (0xA1...0xDF).contains(b1) ? 0xFF61 + UInt32(b1 - 0xA1) : nil
        default:
            if let t = CodeTables.singleByte(self) { return t.scalar(b1) }
            return CodeTables.doubleByte(self)?.scalar(b1 & 0x7F, b2 & 0x7F)
        }
    }

    /// The bytes of `scalar` in this set, without escape sequence: one byte 0xA0–0xFF for a
    /// single-byte G1 set, two bytes 0x21–0x7E for a G0 94×94 set and 0xA1–0xFE for a G1
    /// 94×94 set. Nil when the set lacks the character. ASCII characters are not asked for.
    func encode(_ scalar: UInt32) -> [UInt8]? {
        switch self {
        case .ascii, .jisRoman: return nil
        case .katakana:
            return (0xFF61...0xFF9F).contains(scalar) ? [UInt8(scalar - 0xFF61 + 0xA1)] : nil
        default:
            if let t = CodeTables.singleByte(self) { return t.byte(for: scalar).map { [$0] } }
            guard let code = CodeTables.doubleByte(self)?.code(for: scalar) else { return nil }
            let high: UInt8 = isG0 ? 0 : 0x80
            return [UInt8(code >> 8) | high, UInt8(code & 0xFF) | high]
        }
    }
}
