import Testing
@testable import DICOM

/// Reading the terms of (0008,0005).
@Suite struct CharsetTermTests {
    @Test func parsesTheRawValue() {
        let cs = SpecificCharacterSet(value: "\\ISO 2022 IR 87")
        #expect(cs.terms == ["", "ISO 2022 IR 87"])
        #expect(cs.isKnown)
        #expect(cs.usesCodeExtensions)
        #expect(SpecificCharacterSet(value: "ISO_IR 100 ").terms == ["ISO_IR 100"])
        #expect(SpecificCharacterSet(value: "ISO_IR 100\0").terms == ["ISO_IR 100"])
        #expect(SpecificCharacterSet(value: "ISO_IR 100") == SpecificCharacterSet(terms: ["ISO_IR 100"]))
        #expect(SpecificCharacterSet(value: "ISO_IR 100").hashValue == SpecificCharacterSet(terms: ["ISO_IR 100 "]).hashValue)
        #expect(SpecificCharacterSet.default.terms.isEmpty)
        #expect(SpecificCharacterSet.default.isKnown)
        #expect(!SpecificCharacterSet(value: "ISO_IR 100").usesCodeExtensions)
    }

    @Test func everyDefinedTermIsKnown() {
        let terms = ["", "ISO_IR 6", "ISO_IR 100", "ISO_IR 101", "ISO_IR 109", "ISO_IR 110", "ISO_IR 144",
                     "ISO_IR 127", "ISO_IR 126", "ISO_IR 138", "ISO_IR 148", "ISO_IR 203", "ISO_IR 13",
                     "ISO_IR 166", "ISO_IR 192", "GB18030", "GBK", "ISO 2022 IR 6", "ISO 2022 IR 100",
                     "ISO 2022 IR 101", "ISO 2022 IR 109", "ISO 2022 IR 110", "ISO 2022 IR 144",
                     "ISO 2022 IR 127", "ISO 2022 IR 126", "ISO 2022 IR 138", "ISO 2022 IR 148",
                     "ISO 2022 IR 203", "ISO 2022 IR 13", "ISO 2022 IR 166", "ISO 2022 IR 87",
                     "ISO 2022 IR 159", "ISO 2022 IR 149", "ISO 2022 IR 58"]
        for term in terms {
            #expect(SpecificCharacterSet(terms: [term]).isKnown, "\(term)")
            #expect(DefinedTerm.exactTerms[term] != nil, "\(term)")
        }
    }

    @Test func unknownTermsAreReportedAndFallBackToLatin1() throws {
        let cs = SpecificCharacterSet(value: "ISO_IR 999\\KOI8-R")
        #expect(!cs.isKnown)
        #expect(cs.unknownTerms == ["ISO_IR 999", "KOI8-R"])
        #expect(cs.decode([0x41, 0xE9], vr: .LO) == "Aé")
        #expect(try cs.encode("ABC", vr: .LO) == [0x41, 0x42, 0x43])
        // Value 1 unknown, value 2 known: the extension still works.
        let mixed = SpecificCharacterSet(value: "ISO_IR 999\\ISO 2022 IR 87")
        #expect(mixed.unknownTerms == ["ISO_IR 999"])
        #expect(mixed.decode([0x1B, 0x24, 0x42, 0x3B, 0x33, 0x1B, 0x28, 0x42], vr: .PN) == "山")
    }

    @Test func acceptsCommonMisspellings() {
        for (spelled, bytes, text) in [("ISO IR 100", [UInt8(0xE9)], "é"), ("ISO_IR_100", [0xE9], "é"),
                                       ("iso_ir 144", [0xBB], "Л"), ("ISO-IR 126", [0xE1], "α"),
                                       ("ISO IR 192", [0xC3, 0xA9], "é"), ("UTF-8", [0xC3, 0xA9], "é"),
                                       ("gb18030", [0xCD, 0xF5], "王")] {
            let cs = SpecificCharacterSet(value: spelled)
            #expect(cs.isKnown, "\(spelled)")
            #expect(cs.decode(bytes, vr: .LO) == text, "\(spelled)")
        }
        let jp = SpecificCharacterSet(value: "ISO_2022_IR_13\\ISO 2022 IR87")
        #expect(jp.isKnown)
        #expect(jp.decode([0xB1, 0x1B, 0x24, 0x42, 0x3B, 0x33, 0x1B, 0x28, 0x4A], vr: .LO) == "ｱ山")
    }

    /// PS3.3 Table C.12-5 / PS3.5 §6.1.2.5.4: UTF-8, GB18030 and GBK take no code extensions.
    @Test func standAloneTerms() throws {
        let utf8First = SpecificCharacterSet(value: "ISO_IR 192\\ISO 2022 IR 87")
        #expect(utf8First.decode(Array("王".utf8), vr: .PN) == "王")
        #expect(try utf8First.encode("王", vr: .PN) == Array("王".utf8))
        // A stand-alone term after value 1 is ignored.
        let later = SpecificCharacterSet(value: "ISO 2022 IR 100\\ISO_IR 192")
        #expect(later.decode([0xE9], vr: .LO) == "é")
        #expect(throws: DICOMError.self) { try later.encode("王", vr: .LO) }
        // ESC is an ordinary control character under the stand-alone sets.
        #expect(SpecificCharacterSet.utf8.decode([0x1B, 0x24, 0x42], vr: .LO) == "\u{1B}$B")
        #expect(SpecificCharacterSet(value: "GB18030").decode([0x1B, 0x24, 0x42], vr: .LO) == "\u{1B}$B")
    }

    /// Escape sequences are honoured under any ISO 2022 compatible set, even when the terms do
    /// not name the set they designate (lenient reading).
    @Test func undeclaredEscapesAreHonoured() {
        let cs = SpecificCharacterSet(value: "ISO_IR 100")
        #expect(cs.decode([0x1B, 0x2D, 0x46, 0xE1, 0x1B, 0x2D, 0x41, 0xE9], vr: .LO) == "αé")
    }
}
