import Testing
@testable import DICOM

@Suite struct JSONParserTests {
    func parse(_ text: String, depth: Int = 64) throws -> JSONValue {
        try JSONParser.parse(Array(text.utf8), maximumDepth: depth)
    }

    @Test func parsesStructureAndKeepsNumberText() throws {
        let v = try parse(#" { "a" : [1, -0.50, 2E+3, true, false, null, "x"], "b": {} } "#)
        guard case let .object(members) = v, members.count == 2, case let .array(a) = members[0].value else {
            Issue.record("unexpected shape \(v)")
            return
        }
        #expect(members[0].key == "a")
        let numbers = a.prefix(3).compactMap { if case let .number(t) = $0 { t } else { nil } }
        #expect(numbers == ["1", "-0.50", "2E+3"])
        #expect(a.count == 7)
    }

    @Test(arguments: [
        (#""a\"b\\c\/d\b\f\n\r\t""#, "a\"b\\c/d\u{8}\u{C}\n\r\t"),
        (#""\u00e9\u00E9""#, "éé"),
        (#""\ud83d\ude00""#, "😀"),
        (#""王^小東""#, "王^小東"),
        (#""""#, ""),
        (#""\u0000""#, "\0"),
    ])
    func decodesStrings(json: String, expected: String) throws {
        guard case let .string(s) = try parse(json) else {
            Issue.record("not a string")
            return
        }
        #expect(s == expected)
    }

    @Test(arguments: [
        "", " ", "[", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "[1 2]", "01", "1.", ".5", "-", "1e", "+1",
        "tru", "nul", "\"abc", "\"a\nb\"", "\"\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"",
        "[1] [2]", "{\"a\":1}}", "NaN", "Infinity", "[-]", "\u{1}",
    ])
    func rejectsInvalidJSON(json: String) {
        #expect(throws: DICOMError.self) { try parse(json) }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: DICOMError.self) { try JSONParser.parse([0x22, 0xC3, 0x28, 0x22], maximumDepth: 8) }
        #expect(throws: DICOMError.self) { try JSONParser.parse([0x22, 0x5C, 0x6E, 0xFF, 0x22], maximumDepth: 8) }
        #expect(throws: DICOMError.self) { try JSONParser.parse([0x22, 0xED, 0xA0, 0x80, 0x22], maximumDepth: 8) }  // encoded surrogate
    }

    @Test func skipsByteOrderMark() throws {
        guard case .array = try JSONParser.parse([0xEF, 0xBB, 0xBF, 0x5B, 0x5D], maximumDepth: 8) else {
            Issue.record("BOM not skipped")
            return
        }
    }

    @Test func errorsCarryTheOffset() {
        #expect(throws: DICOMError.malformed(offset: 5, reason: "JSON: unexpected character 'x'")) {
            try parse("[1,  x]")
        }
    }

    @Test func boundsNestingDepth() throws {
        _ = try parse(String(repeating: "[", count: 10) + String(repeating: "]", count: 10), depth: 10)
        #expect(throws: DICOMError.self) {
            try parse(String(repeating: "[", count: 11) + String(repeating: "]", count: 11), depth: 10)
        }
        // Far deeper than any stack could recurse: refused at the limit, not by a crash.
        #expect(throws: DICOMError.self) { try parse(String(repeating: "[", count: 1_000_000), depth: 128) }
        #expect(throws: DICOMError.self) { try parse(String(repeating: "{\"a\":", count: 100_000), depth: 128) }
    }

    @Test func boundsNumberLength() {
        #expect(throws: DICOMError.self) { try parse(String(repeating: "9", count: 10_000)) }
    }
}

@Suite struct Base64Tests {
    @Test(arguments: [([], ""), ([0x61], "YQ=="), ([0x61, 0x62], "YWI="), ([0, 1, 2, 3, 255], "AAECA/8=")] as [([UInt8], String)])
    func encodesAndDecodes(bytes: [UInt8], text: String) {
        #expect(Base64.encode(bytes) == text)
        #expect(Base64.decode(text) == bytes)
    }

    @Test func decodesTheStandardsExampleAndToleratesWhitespaceAndMissingPadding() {
        #expect(Base64.decode("z0x9c8v7") == [207, 76, 125, 115, 203, 251])
        #expect(Base64.decode("AAEC\r\nA/8") == [0, 1, 2, 3, 255])
        #expect(Base64.decode("YQ") == [0x61])
    }

    @Test(arguments: ["Y", "YQ=a", "YQ===", "Y===", "@@@@", "YQ==YQ==", "é"])
    func rejectsInvalid(text: String) {
        #expect(Base64.decode(text) == nil)
    }

    @Test func roundTripsEveryLength() {
        var bytes: [UInt8] = []
        for n in 0..<300 {
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
            bytes.append(UInt8(truncatingIfNeeded: n &* 37 &+ 11))
        }
    }
}
