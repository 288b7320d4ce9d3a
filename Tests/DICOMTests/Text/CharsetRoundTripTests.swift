import Testing
@testable import DICOM

/// Encoding then decoding sample text under each supported character set, exact bytes where
/// the standard fixes them, and the errors for characters a set cannot hold.
@Suite struct CharsetRoundTripTests {
    /// (0008,0005) value → texts that the set can hold.
    static let samples: [(String, [String])] = [
        ("", ["Smith^John", "O'Brien-Jones^Mary=", "Line 1\r\nLine\t2"]),
        ("ISO_IR 100", ["Buc^Jérôme", "Äneas^Rüdiger", "Ça va où? «là» ½ ÿ"]),
        ("ISO_IR 101", ["Dvořák^Antonín", "Łódź Świętokrzyska"]),
        ("ISO_IR 109", ["Ġużeppi^Ħabib", "ĉapelo ŝuo"]),
        ("ISO_IR 110", ["Šķēle^Ģirts", "Ŗīga ūdens"]),
        ("ISO_IR 144", ["Люкceмбypг", "Иванов^Иван", "Щука ёж"]),
        ("ISO_IR 127", ["قباني^لنزار", "مرحبا؟"]),
        ("ISO_IR 126", ["Διονυσιος", "Παπαδόπουλος^Γιώργος"]),
        ("ISO_IR 138", ["שרון^דבורה", "שלום"]),
        ("ISO_IR 148", ["Çağlar^Işık", "Gümüşhane İstanbul"]),
        ("ISO_IR 203", ["Œuvre 5€ Šš Žž Ÿ", "Dupont^Chloé"]),
        ("ISO_IR 166", ["สวัสดี", "ประเทศไทย^กรุงเทพ"]),
        ("ISO_IR 13", ["ﾔﾏﾀﾞ^ﾀﾛｳ", "ｱｲｳｴｵ ABC"]),
        ("ISO_IR 192", ["Wang^XiaoDong=王^小東", "Ünïcødé ☃ 😀 \u{10FFFF}"]),
        ("GB18030", ["Wang^XiaoDong=王^小东", "中文测试 😀 €", "ㄅ ǹ ḿ"]),
        ("GBK", ["Wang^XiaoDong=王^小东", "中文测试 €", "繁體字"]),
        ("\\ISO 2022 IR 87", ["Yamada^Tarou=山田^太郎=やまだ^たろう", "山田 太郎\r\nカタカナ　全角", "αβγ АБВ"]),
        ("ISO 2022 IR 13\\ISO 2022 IR 87", ["ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう", "ｱｲｳ 山田 ｴｵ 漢字"]),
        ("\\ISO 2022 IR 87\\ISO 2022 IR 159", ["Yamada=山田^丂", "丂山 龔"]),
        ("\\ISO 2022 IR 149", ["Hong^Gildong=洪^吉洞=홍^길동", "김희중", "한국어 텍스트"]),
        ("\\ISO 2022 IR 58", ["Wang^XiaoDong=王^小东", "中文 测试"]),
        ("ISO 2022 IR 100\\ISO 2022 IR 126", ["Jérôme Διονυσιος é", "Διονυσιος^é"]),
        ("ISO 2022 IR 6\\ISO 2022 IR 144\\ISO 2022 IR 138\\ISO 2022 IR 166\\ISO 2022 IR 203",
         ["Иван שלום สวัสดี €", "abc"]),
        ("ISO 2022 IR 6\\ISO 2022 IR 101\\ISO 2022 IR 109\\ISO 2022 IR 110\\ISO 2022 IR 148\\ISO 2022 IR 127",
         ["ř ħ ŗ ğ ع", "Ħ^ř=ğ"]),
    ]

    @Test(arguments: samples)
    func roundTrips(charset: String, texts: [String]) throws {
        let cs = SpecificCharacterSet(value: charset)
        #expect(cs.isKnown)
        for text in texts {
            for vr in [VR.PN, .LO, .SH, .UC, .LT, .ST, .UT] {
                let bytes = try cs.encode(text, vr: vr)
                let back = cs.decode(bytes, vr: vr)
                #expect(Array(back.unicodeScalars) == Array(text.unicodeScalars), "\(charset) \(vr) \(text)")
            }
        }
    }

    @Test func singleByteSetsWriteOneBytePerCharacter() throws {
        #expect(try SpecificCharacterSet(value: "ISO_IR 100").encode("Jérôme", vr: .PN) == [0x4A, 0xE9, 0x72, 0xF4, 0x6D, 0x65])
        #expect(try SpecificCharacterSet(value: "ISO_IR 126").encode("Διο", vr: .PN) == [0xC4, 0xE9, 0xEF])
        #expect(try SpecificCharacterSet(value: "ISO_IR 144").encode("Лю", vr: .PN) == [0xBB, 0xEE])
        #expect(try SpecificCharacterSet(value: "ISO_IR 203").encode("€Œ", vr: .LO) == [0xA4, 0xBC])
        #expect(try SpecificCharacterSet(value: "ISO_IR 166").encode("ก", vr: .LO) == [0xA1])
        #expect(try SpecificCharacterSet(value: "ISO_IR 13").encode("ｱ", vr: .LO) == [0xB1])
        #expect(try SpecificCharacterSet(value: "GB18030").encode("王", vr: .PN) == [0xCD, 0xF5])
        #expect(try SpecificCharacterSet(value: "GB18030").encode("😀", vr: .LO) == [0x94, 0x39, 0xFC, 0x36])
        #expect(SpecificCharacterSet(value: "GB18030").decode([0x94, 0x39, 0xFC, 0x36], vr: .LO) == "😀")
        #expect(try SpecificCharacterSet(value: "GBK").encode("东", vr: .PN) == [0xB6, 0xAB])
    }

    /// PS3.5 Annex K style: GB 2312 in G1 after ESC $ ) A, designated again after each
    /// delimiter since the decoder resets G1 there.
    @Test func chineseISO2022IR58() throws {
        let cs = SpecificCharacterSet(value: "\\ISO 2022 IR 58")
        let bytes = try cs.encode("Wang^XiaoDong=王^小东", vr: .PN)
        let esc: [UInt8] = [0x1B, 0x24, 0x29, 0x41]
        #expect(bytes == Array("Wang^XiaoDong=".utf8) + esc + [0xCD, 0xF5, 0x5E] + esc + [0xD0, 0xA1, 0xB6, 0xAB])
        #expect(cs.decode(bytes, vr: .PN) == "Wang^XiaoDong=王^小东")
    }

    /// JIS X 0208 in G0: back to ASCII (ESC ( B) before each backslash of a multi-valued VR,
    /// each value starting from the initial state.
    @Test func multiValuedJapanese() throws {
        let cs = SpecificCharacterSet(value: "\\ISO 2022 IR 87")
        let bytes = try cs.encode("山田\\太郎", vr: .LO)
        #expect(bytes == [0x1B, 0x24, 0x42, 0x3B, 0x33, 0x45, 0x44, 0x1B, 0x28, 0x42, 0x5C,
                          0x1B, 0x24, 0x42, 0x42, 0x40, 0x4F, 0x3A, 0x1B, 0x28, 0x42])
        #expect(cs.decode(bytes, vr: .LO) == "山田\\太郎")
        // In LT the backslash is text, not a delimiter, but still an ASCII character.
        let lt = try cs.encode("山\\田", vr: .LT)
        #expect(cs.decode(lt, vr: .LT) == "山\\田")
    }

    /// A G1 set designated by escape lasts until the next delimiter: after CR LF in text, or
    /// '^' in PN, the bytes ≥ 0x80 are read with the initial G1 again (PS3.5 §6.1.2.5.3).
    @Test func delimitersResetTheDesignations() throws {
        let cs = SpecificCharacterSet(value: "ISO 2022 IR 100\\ISO 2022 IR 126")
        let greek: [UInt8] = [0x1B, 0x2D, 0x46]
        // LT: Greek, CR LF, then 0xE9 which is é in the initial Latin-1.
        #expect(cs.decode(greek + [0xE1, 0x0D, 0x0A, 0xE9], vr: .LT) == "α\r\né")
        #expect(cs.decode(greek + [0xE1, 0x5E, 0xE9], vr: .PN) == "α^é")
        #expect(cs.decode(greek + [0xE1, 0x3D, 0xE9], vr: .PN) == "α=é")
        #expect(cs.decode(greek + [0xE1, 0x5C, 0xE9], vr: .LO) == "α\\é")
        // Not delimiters there: '^' in LO, '\' in LT.
        #expect(cs.decode(greek + [0xE1, 0x5E, 0xE9], vr: .LO) == "α^ι")
        #expect(cs.decode(greek + [0xE1, 0x5C, 0xE9], vr: .LT) == "α\\ι")
        // The encoder makes value 1's Latin-1 active again (ESC - A) before each delimiter and at
        // the end, so that readers that do not reset there read it right too.
        let latin1: [UInt8] = [0x1B, 0x2D, 0x41]
        #expect(try cs.encode("α\r\nα", vr: .LT) == greek + [0xE1] + latin1 + [0x0D, 0x0A] + greek + [0xE1] + latin1)
        #expect(try cs.encode("α^é", vr: .PN) == greek + [0xE1] + latin1 + [0x5E, 0xE9])
        // With no G1 in value 1 there is nothing to go back to: G1 is designated again after the
        // delimiter (PS3.5 Annex I: "ESC $ ) C 홍^ESC $ ) C 길동").
        let korean = SpecificCharacterSet(value: "\\ISO 2022 IR 149")
        let escC: [UInt8] = [0x1B, 0x24, 0x29, 0x43]
        #expect(try korean.encode("홍^길", vr: .PN) == escC + [0xC8, 0xAB, 0x5E] + escC + [0xB1, 0xE6])
    }

    /// A JIS X 0208 pair may contain the bytes of '^', '=', '\' without being a delimiter:
    /// delimiters are only looked for while G0 holds a single-byte set.
    @Test func delimiterBytesInsideDoubleByteCharacters() throws {
        let cs = SpecificCharacterSet(value: "\\ISO 2022 IR 87")
        // 0x5E5E and 0x3D3D and 0x5C5C as JIS X 0208 codes.
        let pairs: [[UInt8]] = [[0x5E, 0x5E], [0x3D, 0x3D], [0x5C, 0x5C]]
        for pair in pairs {
            let bytes: [UInt8] = [0x1B, 0x24, 0x42] + pair + [0x1B, 0x28, 0x42]
            let text = cs.decode(bytes, vr: .PN)
            #expect(text.unicodeScalars.count == 1, "\(pair)")
            #expect(try cs.encode(text, vr: .PN) == bytes)
        }
    }

    @Test func unrepresentableCharactersThrow() {
        let cases: [(String, String, VR)] = [
            ("", "Jérôme", .PN),                      // default repertoire is ASCII
            ("ISO_IR 6", "ü", .LO),
            ("ISO_IR 100", "Иван", .PN),              // Cyrillic in Latin-1
            ("ISO_IR 100", "€", .LO),                 // € is in Latin-9, not Latin-1
            ("ISO_IR 144", "é", .LO),
            ("ISO_IR 127", "α", .LO),
            ("ISO_IR 166", "中", .LO),
            ("ISO_IR 13", "山", .LO),                 // kanji need ISO 2022 IR 87
            ("\\ISO 2022 IR 87", "ﾔ", .PN),           // half-width katakana need IR 13
            ("\\ISO 2022 IR 87", "é", .PN),
            ("\\ISO 2022 IR 149", "中文 😀", .LO),
            ("\\ISO 2022 IR 58", "한", .LO),
            ("GBK", "😀", .LO),
            ("GBK", "한국", .LO),
            ("ISO_IR 100", "a\u{1B}b", .LT),          // ESC cannot be text
            ("ISO_IR 192", "é", .CS),                 // non-text VRs are ASCII
            ("ISO_IR 100", "é", .DA),
            ("ISO_IR 999", "é", .LO),                 // unknown term: default repertoire
        ]
        for (charset, text, vr) in cases {
            let cs = SpecificCharacterSet(value: charset)
            #expect(throws: DICOMError.self, "\(charset) \(text)") { try cs.encode(text, vr: vr) }
        }
        do {
            _ = try SpecificCharacterSet(value: "ISO_IR 100").encode("Иван", vr: .PN)
        } catch let DICOMError.encoding(message) {
            #expect(message.contains("U+0418"))
            #expect(message.contains("ISO_IR 100"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    /// UTF-8 holds everything; GB18030 holds everything but unpaired surrogates (which a Swift
    /// String cannot hold).
    @Test func universalSetsNeverThrow() throws {
        let text = "Ā ӿ ؈ ॐ ก ḁ ⅓ ⓐ ぁ 中 한 ꙮ 𝄞 😀 \u{E000}"
        for charset in ["ISO_IR 192", "GB18030"] {
            let cs = SpecificCharacterSet(value: charset)
            let bytes = try cs.encode(text, vr: .LT)
            #expect(Array(cs.decode(bytes, vr: .LT).unicodeScalars) == Array(text.unicodeScalars), "\(charset)")
        }
    }

    /// The VRs that do not take the specific character set are Latin-1/ASCII whatever it is.
    @Test func otherVRsIgnoreTheCharacterSet() throws {
        for charset in ["ISO_IR 192", "GB18030", "\\ISO 2022 IR 87", "ISO_IR 144"] {
            let cs = SpecificCharacterSet(value: charset)
            #expect(cs.decode([0x41, 0xE9, 0x1B, 0x24, 0x42], vr: .CS) == "Aé\u{1B}$B")
            #expect(try cs.encode("ORIGINAL\\PRIMARY", vr: .CS) == Array("ORIGINAL\\PRIMARY".utf8))
        }
    }

    /// Encoding then decoding random text drawn from each set's own repertoire gives it back;
    /// text drawn from anywhere either throws `DICOMError.encoding` or comes back intact.
    @Test(arguments: samples.map(\.0) + ["ISO_IR 999"])
    func randomTextRoundTrips(charset: String) throws {
        let cs = SpecificCharacterSet(value: charset)
        var rng = SplitMix64(seed: charset.utf8.reduce(7) { $0 &* 31 &+ UInt64($1) })
        let repertoire = Self.repertoire(of: charset)
        let anywhere: [UInt32] = Array(0x20...0x7E) + [0x09, 0x0A, 0x0D, 0x5C, 0x5E, 0x3D, 0xE9, 0x3B1, 0x416, 0x5D0,
                                                       0x627, 0xE01, 0x3042, 0x5C71, 0xD55C, 0xFF71, 0x1F600, 0x80, 0xFFFD]
        for round in 0..<300 {
            let pool = round % 2 == 0 ? repertoire : anywhere
            var scalars = String.UnicodeScalarView()
            for _ in 0..<(1 + Int(rng.next() % 24)) {
                scalars.append(Unicode.Scalar(pool[Int(rng.next() % UInt64(pool.count))])!)
            }
            let text = String(scalars)
            for vr in [VR.PN, .LO, .LT] {
                do {
                    let bytes = try cs.encode(text, vr: vr)
                    #expect(Array(cs.decode(bytes, vr: vr).unicodeScalars) == Array(text.unicodeScalars),
                            "\(charset) \(vr) \(text.unicodeScalars.map { String($0.value, radix: 16) })")
                } catch let error as DICOMError {
                    guard case .encoding = error else { Issue.record("\(error)"); continue }
                    #expect(pool == anywhere, "\(charset) \(vr): own repertoire failed: \(error)")
                }
            }
        }
    }

    /// The characters of the sets named by `charset`, plus ASCII and the delimiters.
    static func repertoire(of charset: String) -> [UInt32] {
        var scalars: [UInt32] = Array(0x20...0x7E) + [0x09, 0x0A, 0x0D]
        switch charset {
        case "ISO_IR 192", "GB18030":
            return scalars + [0xE9, 0x3B1, 0x416, 0x4E2D, 0xAC00, 0x1F600, 0x10437, 0xE000, 0xFFFC, 0x20AC]
        case "GBK":
            return scalars + Array(0x4E00...0x4E40) + [0x3000, 0x3001, 0xFF01, 0x3B1, 0x416, 0x20AC]
        default:
            break
        }
        for term in SpecificCharacterSet(value: charset).terms {
            guard case let .iso2022(g0, g1)? = DefinedTerm.lookup(term) else { continue }
            for set in [g0, g1].compactMap({ $0 }) {
                if set.isDoubleByte {
                    for b1 in UInt8(0x21)...0x7E { for b2 in UInt8(0x21)...0x7E {
                        if let s = set.scalar(b1, b2), s >= 0x80 { scalars.append(s) }
                    } }
                } else {
                    for b in UInt8(0xA0)...0xFF { if let s = set.scalar(b) { scalars.append(s) } }
                }
            }
        }
        return scalars
    }
}

/// A small deterministic generator for the randomised tests.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
