import Foundation
import Testing
@testable import DICOM

/// Hostile input: decoding never crashes nor throws, and bytes that do not decode become
/// U+FFFD.
@Suite struct CharsetRobustnessTests {
    static let allCharsets: [String] = [
        "", "ISO_IR 6", "ISO_IR 100", "ISO_IR 101", "ISO_IR 109", "ISO_IR 110", "ISO_IR 144",
        "ISO_IR 127", "ISO_IR 126", "ISO_IR 138", "ISO_IR 148", "ISO_IR 203", "ISO_IR 13",
        "ISO_IR 166", "ISO_IR 192", "GB18030", "GBK",
        "ISO 2022 IR 6", "ISO 2022 IR 100", "ISO 2022 IR 101", "ISO 2022 IR 109", "ISO 2022 IR 110",
        "ISO 2022 IR 144", "ISO 2022 IR 127", "ISO 2022 IR 126", "ISO 2022 IR 138", "ISO 2022 IR 148",
        "ISO 2022 IR 203", "ISO 2022 IR 13", "ISO 2022 IR 166",
        "\\ISO 2022 IR 87", "ISO 2022 IR 13\\ISO 2022 IR 87", "\\ISO 2022 IR 87\\ISO 2022 IR 159",
        "\\ISO 2022 IR 149", "\\ISO 2022 IR 58", "ISO 2022 IR 87", "ISO 2022 IR 149",
        "ISO_IR 999", "ISO_IR 192\\ISO 2022 IR 87",
    ]

    @Test func truncatedAndUnknownEscapeSequences() {
        let cs = SpecificCharacterSet(value: "\\ISO 2022 IR 87\\ISO 2022 IR 149")
        #expect(cs.decode([0x1B], vr: .PN) == "\u{FFFD}")
        #expect(cs.decode([0x41, 0x1B], vr: .PN) == "A\u{FFFD}")
        #expect(cs.decode([0x1B, 0x24], vr: .PN) == "\u{FFFD}$")
        #expect(cs.decode([0x1B, 0x24, 0x29], vr: .LO) == "\u{FFFD}$)")
        #expect(cs.decode([0x1B, 0x24, 0x29, 0x1B, 0x28, 0x42, 0x41], vr: .LO) == "\u{FFFD}$)A")
        // Well-formed but unknown: one U+FFFD for the whole sequence.
        #expect(cs.decode([0x1B, 0x28, 0x5A, 0x41], vr: .LO) == "\u{FFFD}A")
        #expect(cs.decode([0x1B, 0x24, 0x29, 0x5A, 0x41], vr: .LO) == "\u{FFFD}A")
        // ESC followed by too many intermediate bytes.
        #expect(cs.decode([0x1B, 0x20, 0x20, 0x20, 0x20, 0x41], vr: .LO) == "\u{FFFD}    A")
        // JIS X 0208 cut in the middle of a character, or ended by ESC.
        #expect(cs.decode([0x1B, 0x24, 0x42, 0x3B], vr: .PN) == "\u{FFFD}")
        #expect(cs.decode([0x1B, 0x24, 0x42, 0x3B, 0x1B, 0x28, 0x42, 0x41], vr: .PN) == "\u{FFFD}A")
        // KS X 1001 lead byte alone, or followed by ASCII.
        #expect(cs.decode([0x1B, 0x24, 0x29, 0x43, 0xB1], vr: .PN) == "\u{FFFD}")
        #expect(cs.decode([0x1B, 0x24, 0x29, 0x43, 0xB1, 0x41], vr: .PN) == "\u{FFFD}A")
    }

    @Test func loneAndUndefinedHighBytes() {
        // 0xA1 is undefined in ISO 8859-6 (Arabic); 0xFF in ISO 8859-8 (Hebrew); 0xDB in TIS-620.
        #expect(SpecificCharacterSet(value: "ISO_IR 127").decode([0x41, 0xA1, 0x42], vr: .LO) == "A\u{FFFD}B")
        #expect(SpecificCharacterSet(value: "ISO_IR 138").decode([0xFF], vr: .LO) == "\u{FFFD}")
        #expect(SpecificCharacterSet(value: "ISO_IR 166").decode([0xDB], vr: .LO) == "\u{FFFD}")
        // JIS X 0201 has no 0xE0-0xFF.
        #expect(SpecificCharacterSet(value: "ISO_IR 13").decode([0xB1, 0xE0], vr: .LO) == "ｱ\u{FFFD}")
        // Default repertoire and unknown terms: Latin-1.
        #expect(SpecificCharacterSet.default.decode([0xE9], vr: .PN) == "é")
        #expect(SpecificCharacterSet(value: "ISO_IR 999").decode([0xE9], vr: .PN) == "é")
        // GB18030/GBK: lone lead byte, truncated 4-byte sequence, invalid second byte.
        let gb = SpecificCharacterSet(value: "GB18030")
        #expect(gb.decode([0x41, 0xCD], vr: .LO) == "A\u{FFFD}")
        #expect(gb.decode([0x94, 0x39, 0xFC], vr: .LO).hasPrefix("\u{FFFD}"))
        #expect(gb.decode([0xCD, 0xF5, 0xFF, 0x41], vr: .LO) == "王\u{FFFD}A")
        #expect(SpecificCharacterSet(value: "GBK").decode([0x80, 0xFF, 0x41], vr: .LO).hasSuffix("\u{FFFD}A"))
        // A GBK/GB18030 second byte of 0x5C is part of the character, not a delimiter.
        #expect(SpecificCharacterSet(value: "GBK").decode([0x81, 0x5C], vr: .LO).unicodeScalars.count == 1)
    }

    @Test func invalidUTF8() {
        let cs = SpecificCharacterSet.utf8
        #expect(cs.decode([0x41, 0xFF, 0x42], vr: .PN) == "A\u{FFFD}B")
        #expect(cs.decode([0xE7, 0x8E], vr: .LO) == "\u{FFFD}")
        #expect(cs.decode([0xED, 0xA0, 0x80], vr: .LO).allSatisfy { $0 == "\u{FFFD}" })  // surrogate
        #expect(cs.decode([0xC0, 0xAF], vr: .LO).allSatisfy { $0 == "\u{FFFD}" })        // overlong
        #expect(cs.decode([0xE7, 0x8E, 0x8B], vr: .LO) == "王")
    }

    /// 1 MB of random bytes under every character set (as PN, and partly as LO and LT): no
    /// crash, and the result is a String (always valid Unicode) of plausible length.
    @Test(arguments: allCharsets)
    func randomMegabyte(charset: String) {
        var rng = SplitMix64(seed: 0xD1C0_5EED)
        var bytes = [UInt8](repeating: 0, count: 1 << 20)
        for i in stride(from: 0, to: bytes.count, by: 8) {
            withUnsafeBytes(of: rng.next()) { word in
                for j in 0..<8 { bytes[i + j] = word[j] }
            }
        }
        // Sprinkle escape sequences of every known set, and truncated ones, to reach every state.
        let escapes: [[UInt8]] = GraphicSet.allCases.map(\.escapeSequence) + [[0x1B], [0x1B, 0x24], [0x1B, 0x24, 0x29]]
        for k in 0..<2000 {
            let e = escapes[k % escapes.count]
            let at = Int(rng.next() % UInt64(bytes.count - 4))
            for (j, b) in e.enumerated() { bytes[at + j] = b }
        }
        let cs = SpecificCharacterSet(value: charset)
        let text = cs.decode(bytes, vr: .PN)
        #expect(text.utf8.count >= bytes.count / 4)
        #expect(text.unicodeScalars.count <= bytes.count)
        // The other delimiter rules, on the first 128 KB (a debug build is slow enough).
        for vr in [VR.LO, .LT] {
            let part = bytes[0..<(1 << 17)]
            #expect(cs.decode(part, vr: vr).unicodeScalars.count <= part.count)
        }
        // A slice (non-contiguous-start collection) decodes like the array it comes from.
        let slice = bytes[1000..<5000]
        #expect(cs.decode(slice, vr: .LO) == cs.decode(Array(slice), vr: .LO))
    }

    /// Plain ASCII, Latin-1 and UTF-8 decode without going through iconv or the ISO 2022 state
    /// machine; a generous bound catches an accidental slow path (debug build).
    @Test func commonCasesAreFast() {
        let ascii = [UInt8](repeating: 0x41, count: 1 << 20)
        let latin1 = [UInt8]((0..<(1 << 20)).map { UInt8(0x40 + $0 % 0xC0) })
        let utf8 = Array(String(repeating: "Jérôme 王 ", count: 1 << 16).utf8)
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for _ in 0..<5 {
                _ = SpecificCharacterSet.default.decode(ascii, vr: .LO)
                _ = SpecificCharacterSet(value: "ISO_IR 100").decode(ascii, vr: .PN)
                _ = SpecificCharacterSet(value: "ISO_IR 100").decode(latin1, vr: .LO)
                _ = SpecificCharacterSet(value: "GB18030").decode(ascii, vr: .LO)
                _ = SpecificCharacterSet.utf8.decode(utf8, vr: .LO)
            }
        }
        #expect(elapsed < .seconds(5), "\(elapsed)")
    }

    /// Decoding and encoding from many tasks at once (iconv descriptors are not shared).
    @Test func concurrentUse() async {
        let gb = SpecificCharacterSet(value: "GB18030")
        let jp = SpecificCharacterSet(value: "ISO 2022 IR 13\\ISO 2022 IR 87")
        await withTaskGroup(of: Bool.self) { group in
            for i in 0..<16 {
                group.addTask {
                    var ok = true
                    for j in 0..<200 {
                        let text = "王小东 \(i) \(j) 😀"
                        guard let bytes = try? gb.encode(text, vr: .LO) else { return false }
                        ok = ok && gb.decode(bytes, vr: .LO) == text
                        let name = "ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎 \(j)"
                        guard let jb = try? jp.encode(name, vr: .PN) else { return false }
                        ok = ok && jp.decode(jb, vr: .PN) == name
                    }
                    return ok
                }
            }
            for await ok in group { #expect(ok) }
        }
    }
}
