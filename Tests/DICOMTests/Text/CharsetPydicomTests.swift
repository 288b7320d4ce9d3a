import Foundation
import Testing
@testable import DICOM

/// Compares SpecificCharacterSet with pydicom 3.0.2 through Tests/Fixtures/charsets.json.
@Suite struct CharsetPydicomTests {
    let fixture = CharsetFixture.shared

    /// Every text element of every file (sequence items included, with the character set in
    /// force for the item) decodes to pydicom's value(s).
    @Test func decodesEveryFileElementLikePydicom() throws {
        var compared = 0
        var nonASCII = 0
        for file in fixture.files {
            for element in file.elements {
                let vr = try #require(VR(rawValue: element.vr))
                let bytes = [UInt8](hex: element.hex)
                let decoded = SpecificCharacterSet(value: element.charset).decode(bytes, vr: vr)
                #expect(pydicomView(decoded, vr: vr) == element.values,
                        "\(file.file) \(element.tag) \(element.vr) [\(element.charset)] \(element.hex)")
                compared += 1
                if bytes.contains(where: { $0 >= 0x80 || $0 == 0x1B }) { nonASCII += 1 }
            }
        }
        #expect(fixture.files.count >= 17)
        #expect(compared == 352)
        #expect(nonASCII == 28)
    }

    /// The charset of each file is recognised.
    @Test func everyFileCharsetIsKnown() {
        for file in fixture.files {
            let cs = SpecificCharacterSet(value: file.charset)
            #expect(cs.isKnown, "\(file.file): \(file.charset)")
        }
    }

    /// The upper halves of the single-byte sets match Python's codecs byte for byte (0xA0–0xFF).
    @Test func singleByteTablesMatchPython() throws {
        #expect(fixture.tables.count == 10)
        for (term, expected) in fixture.tables {
            let bytes = [UInt8](0xA0...0xFF)
            let decoded = SpecificCharacterSet(value: term).decode(bytes, vr: .LO)
            #expect(Array(decoded.unicodeScalars) == Array(expected.unicodeScalars), "\(term)")
        }
    }

    /// Samples that pydicom encodes differently from us, each for a reason given here.
    /// Key: charset | VR | text.
    static let knownEncodingDifferences: [String: String] = [
        // pydicom 3.0.2 maps ISO 2022 IR 58 to Python's gb2312 codec and writes the EUC-CN bytes
        // with no ESC $ ) A, so its output does not even read back as Chinese with pydicom
        // (PS3.5 Annex K requires the escape sequence before G1 GB 2312 characters).
        "\\ISO 2022 IR 58|PN|Wang^XiaoDong=王^小东": "pydicom omits ESC $ ) A",
        "\\ISO 2022 IR 58|PN|中文": "pydicom omits ESC $ ) A",
        "\\ISO 2022 IR 58|LO|中文": "pydicom omits ESC $ ) A",
        // pydicom's default repertoire is Latin-1, so it writes é as a bare 0xE9 under value 1 =
        // ISO 2022 IR 6; the standard needs ESC - A to designate ISO-IR 100 into G1 first.
        "\\ISO 2022 IR 100|PN|Buc^Jérôme": "pydicom writes Latin-1 without ESC - A",
        "\\ISO 2022 IR 100|LO|Jérôme": "pydicom writes Latin-1 without ESC - A",
        "\\ISO 2022 IR 100|PN|Jérôme": "pydicom writes Latin-1 without ESC - A",
        "\\ISO 2022 IR 100|LO|Buc^Jérôme": "pydicom writes Latin-1 without ESC - A",
        // pydicom designates a set again even when it is already the initial one (ESC ) I for
        // the katakana of value 1 = ISO 2022 IR 13, ESC - A for value 1 = ISO 2022 IR 100):
        // redundant but valid; we write no escape sequence that changes nothing.
        "ISO 2022 IR 13\\ISO 2022 IR 87|PN|ｱｲｳ 山田": "pydicom adds a redundant ESC ) I",
        "ISO 2022 IR 13\\ISO 2022 IR 87|LO|ｱｲｳ 山田": "pydicom adds a redundant ESC ) I",
        "ISO 2022 IR 100\\ISO 2022 IR 126|PN|Jérôme Διονυσιος é": "pydicom adds a redundant ESC - A",
        "ISO 2022 IR 100\\ISO 2022 IR 126|LO|Jérôme Διονυσιος é": "pydicom adds a redundant ESC - A",
        // PS3.5 §6.1.2.5.3: value 1's sets shall be active before '^'. We write ESC - A before
        // it; pydicom does not, and its own reader (convert_PN, which resets no designation at
        // '^') then reads its é as Greek ι, see decodesHandMadeValues.
        "ISO 2022 IR 100\\ISO 2022 IR 126|PN|Διονυσιος^é": "we restore G1 before '^'",
    ]

    /// Samples that pydicom cannot encode but we can (and the reason), or that nobody can.
    static let knownPydicomFailures: [String: Bool] = [
        // pydicom 3.0.2 has no ISO_IR 203 (it falls back to its default encoding).
        "ISO_IR 203|PN|Œuvre 5€ Šš Žž Ÿ": true,
        "ISO_IR 203|LO|Œuvre 5€ Šš Žž Ÿ": true,
        // pydicom's JIS X 0201 encoder refuses a value mixing GL (ASCII '^') and GR (katakana)
        // bytes unless it is a PN split at '^'; ISO_IR 13 holds both halves.
        "ISO_IR 13|LO|ﾔﾏﾀﾞ^ﾀﾛｳ": true,
        // Half-width katakana are not in JIS X 0208: nobody can encode them without IR 13.
        "\\ISO 2022 IR 87|PN|ﾔﾏﾀﾞ": false,
        "\\ISO 2022 IR 87|LO|ﾔﾏﾀﾞ": false,
    ]

    @Test func samplesAgreeWithPydicom() throws {
        var sameBytes = 0
        var decodedPydicomBytes = 0
        var differences: Set<String> = []
        var failures: Set<String> = []
        for sample in fixture.samples {
            let vr = try #require(VR(rawValue: sample.vr))
            let cs = SpecificCharacterSet(value: sample.charset)
            let key = "\(sample.charset)|\(sample.vr)|\(sample.text)"
            #expect(cs.isKnown, "\(sample.charset)")
            guard let hex = sample.hex, let pyRoundTrip = sample.roundTrip else {
                failures.insert(key)
                let encodable = try #require(Self.knownPydicomFailures[key] as Bool?, "unexpected pydicom failure \(key): \(sample.error ?? "")")
                if encodable {
                    let bytes = try cs.encode(sample.text, vr: vr)
                    #expect(cs.decode(bytes, vr: vr) == sample.text, "\(key)")
                } else {
                    #expect(throws: DICOMError.self, "\(key)") { try cs.encode(sample.text, vr: vr) }
                }
                continue
            }
            // We read pydicom's bytes as pydicom reads them.
            let pyBytes = [UInt8](hex: hex)
            let decoded = cs.decode(pyBytes, vr: vr)
            #expect(decoded == pyRoundTrip, "\(key): decoding pydicom's \(hex)")
            decodedPydicomBytes += 1
            // We write what pydicom writes, except for the known differences.
            let mine = try cs.encode(sample.text, vr: vr)
            #expect(cs.decode(mine, vr: vr) == sample.text, "\(key): round trip of \(mine.hex)")
            if mine == pyBytes {
                sameBytes += 1
            } else {
                differences.insert(key)
                #expect(Self.knownEncodingDifferences[key] != nil, "\(key): ours \(mine.hex), pydicom \(hex)")
            }
        }
        #expect(differences == Set(Self.knownEncodingDifferences.keys))
        #expect(failures == Set(Self.knownPydicomFailures.keys))
        #expect(sameBytes >= 70)
        #expect(decodedPydicomBytes + failures.count == fixture.samples.count)
    }

    /// Hand-made values where we read differently from pydicom 3.0.2, and why.
    /// Key: charset | VR | hex.
    static let knownDecodingDifferences: [String: String] = [
        // pydicom decodes ISO 2022 IR 58 with Python's gb2312 codec, which does not know the
        // escape sequence: ESC $ ) A stays in its text ("\u{1B}$)A中文").
        "\\ISO 2022 IR 58|PN|57616e675e5869616f446f6e673d1b242941cdf55e1b242941d0a1b6ab": "pydicom keeps ESC $ ) A",
        "\\ISO 2022 IR 58|LO|1b242941d6d0cec4": "pydicom keeps ESC $ ) A",
        // pydicom 3.0.2 decodes a whole PN or multi-valued value with only CR/LF/TAB/FF as
        // points where the designations go back to value 1's; PS3.5 §6.1.2.5.3 has value 1's
        // sets active again at '^' and '=' in PN and each value starts afresh, so 0xE9 after
        // the delimiter is Latin-1 é, not Greek ι.
        "ISO 2022 IR 100\\ISO 2022 IR 126|PN|1b2d46e15ee9": "reset at '^'",
        "ISO 2022 IR 100\\ISO 2022 IR 126|PN|1b2d46e13de9": "reset at '='",
        "ISO 2022 IR 100\\ISO 2022 IR 126|LO|1b2d46e15ce9": "reset at '\\'",
        // An escape sequence that designates nothing known: pydicom keeps ESC as a character,
        // we put U+FFFD in place of the whole sequence.
        "\\ISO 2022 IR 87|LO|411b285a42": "unknown escape sequence becomes U+FFFD",
    ]

    @Test func decodesHandMadeValues() throws {
        #expect(fixture.decodeSamples.count == 18)
        var differences: Set<String> = []
        for sample in fixture.decodeSamples {
            let vr = try #require(VR(rawValue: sample.vr))
            let decoded = SpecificCharacterSet(value: sample.charset).decode([UInt8](hex: sample.hex), vr: vr)
            let key = "\(sample.charset)|\(sample.vr)|\(sample.hex)"
            if pydicomView(decoded, vr: vr) != sample.values {
                differences.insert(key)
                #expect(Self.knownDecodingDifferences[key] != nil, "\(key): ours \(decoded.debugDescription), pydicom \(sample.values)")
            }
        }
        #expect(differences == Set(Self.knownDecodingDifferences.keys))
        // What we read instead.
        let greek = SpecificCharacterSet(value: "ISO 2022 IR 100\\ISO 2022 IR 126")
        #expect(greek.decode([0x1B, 0x2D, 0x46, 0xE1, 0x5E, 0xE9], vr: .PN) == "α^é")
        #expect(SpecificCharacterSet(value: "\\ISO 2022 IR 58").decode([0x1B, 0x24, 0x29, 0x41, 0xD6, 0xD0, 0xCE, 0xC4], vr: .LO) == "中文")
    }

    /// File values whose escape sequences are not the ones we write, though they read the same:
    /// chrKoreanMulti adds ESC ( B after KS X 1001 text although G0 never left ASCII;
    /// chrSQEncoding(1) returns G0 to ASCII with ESC ( B where value 1 (ISO 2022 IR 13) calls
    /// for JIS X 0201 Romaji, ESC ( J, as chrH32 does (PS3.5 §6.1.2.5.3).
    static let filesWithOtherEscapes: Set<String> = [
        "charset_files/chrKoreanMulti.dcm (0008,1070)",
        "charset_files/chrKoreanMulti.dcm (0010,0010)",
        "charset_files/chrKoreanMulti.dcm (0010,1001)",
        "charset_files/chrKoreanMulti.dcm (0010,21B0)",
        "charset_files/chrSQEncoding.dcm (0032,1064)[0]/(0010,0010)",
        "charset_files/chrSQEncoding1.dcm (0032,1064)[0]/(0010,0010)",
    ]

    /// Every text value of the files re-encodes to the very bytes of the file (after the
    /// trailing padding), e.g. chrH32's ESC $ B … ESC ( J and chrI2's ESC $ ) C, except for
    /// the values above, which re-encode to other bytes that decode to the same text.
    @Test func reencodesFileValuesToTheirBytes() throws {
        var same = 0
        var other: Set<String> = []
        for file in fixture.files {
            for element in file.elements {
                let vr = try #require(VR(rawValue: element.vr))
                let cs = SpecificCharacterSet(value: element.charset)
                var bytes = [UInt8](hex: element.hex)
                while let last = bytes.last, last == 0x20 || last == 0 { bytes.removeLast() }
                let text = cs.decode(bytes, vr: vr)
                let encoded = try cs.encode(text, vr: vr)
                #expect(cs.decode(encoded, vr: vr) == text)
                if encoded == bytes { same += 1 } else { other.insert("\(file.file) \(element.tag)") }
            }
        }
        #expect(other == Self.filesWithOtherEscapes)
        #expect(same == 352 - Self.filesWithOtherEscapes.count)
    }
}
