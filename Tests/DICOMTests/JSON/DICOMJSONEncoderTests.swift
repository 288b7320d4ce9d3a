import Testing
@testable import DICOM

@Suite struct DICOMJSONEncoderTests {
    @Test func stringsNumbersAndOrder() throws {
        var ds = DataSet()
        try ds.put(0x0020, 0x0013, .IS, "7")
        try ds.put(0x0008, 0x0060, .CS, "CT")
        try ds.put(0x0008, 0x0018, .UI, "1.2.3")
        try ds.put(0x0028, 0x0030, .DS, "0.5\\1.50")
        #expect(json(ds) == #"{"00080018":{"vr":"UI","Value":["1.2.3"]},"00080060":{"vr":"CS","Value":["CT"]},"#
            + #""00200013":{"vr":"IS","Value":[7]},"00280030":{"vr":"DS","Value":[0.5,1.50]}}"#)
    }

    @Test func emptyValuesAndNulls() throws {
        var ds = DataSet()
        ds.put(0x0010, 0x0010, .PN, bytes: [])
        ds.put(0x0008, 0x0008, .CS, bytes: Array("A\\\\B ".utf8))
        ds.put(0x0010, 0x0020, .LO, bytes: Array("  ".utf8))
        ds.put(0x0028, 0x1050, .DS, bytes: Array("\\2".utf8))
        ds.setSequence(Tag(0x0008, 0x1140), items: [])
        ds.setSequence(Tag(0x0008, 0x1150), items: [DataSet()])
        ds.put(0x7FE0, 0x0010, .OW, bytes: [])
        #expect(json(ds) == #"{"00080008":{"vr":"CS","Value":["A",null,"B"]},"00081140":{"vr":"SQ"},"#
            + #""00081150":{"vr":"SQ","Value":[{}]},"00100010":{"vr":"PN"},"00100020":{"vr":"LO"},"#
            + #""00281050":{"vr":"DS","Value":[null,2]},"7FE00010":{"vr":"OW"}}"#)
    }

    @Test func personNames() throws {
        var ds = DataSet()
        try ds.put(0x0008, 0x0005, .CS, "ISO_IR 192")
        try ds.set(Tag(0x0010, 0x0010), vr: .PN, strings: ["Yamada^Tarou=山田^太郎=やまだ^たろう", "=Ideo", "", "Doe==Pho"])
        #expect(json(ds) == #"{"00080005":{"vr":"CS","Value":["ISO_IR 192"]},"00100010":{"vr":"PN","Value":["#
            + #"{"Alphabetic":"Yamada^Tarou","Ideographic":"山田^太郎","Phonetic":"やまだ^たろう"},"#
            + #"{"Ideographic":"Ideo"},null,{"Alphabetic":"Doe","Phonetic":"Pho"}]}}"#)
    }

    @Test func escapingAndTextVRs() throws {
        var ds = DataSet()
        try ds.put(0x0008, 0x0005, .CS, "ISO_IR 192")
        try ds.put(0x0010, 0x4000, .LT, "  \"quoted\"\\path\r\n\ttab\u{1}")
        try ds.put(0x0008, 0x0080, .LO, "Straße ")
        #expect(json(ds) == #"{"00080005":{"vr":"CS","Value":["ISO_IR 192"]},"00080080":{"vr":"LO","Value":["Straße"]},"#
            + #""00104000":{"vr":"LT","Value":["  \"quoted\"\\path\r\n\ttab\u0001"]}}"#)
    }

    @Test func numbersThatAreNotJSONNumbersBecomeStrings() throws {
        var ds = DataSet()
        ds.put(0x0020, 0x0013, .IS, bytes: Array(" +5 ".utf8))
        ds.put(0x0028, 0x1050, .DS, bytes: Array(".5\\007 \\1e5 ".utf8))
        #expect(json(ds) == #"{"00200013":{"vr":"IS","Value":["+5"]},"00281050":{"vr":"DS","Value":[".5","007",1e5]}}"#)
    }

    @Test func binaryNumbers() {
        var ds = DataSet()
        ds.put(0x0028, 0x0010, .US, bytes: le([UInt16(512), 65535]))
        ds.put(0x0028, 0x0106, .SS, bytes: le([Int16(-32768)]))
        ds.put(0x0018, 0x9219, .UL, bytes: le([UInt32.max]))
        ds.put(0x0018, 0x9220, .SL, bytes: le([Int32.min]))
        ds.put(0x0018, 0x9221, .SV, bytes: le([Int64(1 << 53), Int64(-(1 << 53) - 1), Int64.min]))
        ds.put(0x0018, 0x9222, .UV, bytes: le([UInt64(1 << 53), UInt64.max]))
        ds.put(0x0018, 0x9223, .FL, bytes: le([Float(0.1).bitPattern, Float.nan.bitPattern, Float.infinity.bitPattern]))
        ds.put(0x0018, 0x9224, .FD, bytes: le([(-0.0).bitPattern, 1e-300.bitPattern, (-Double.infinity).bitPattern]))
        ds.put(0x0020, 0x9165, .AT, bytes: le([UInt16(0x0010), 0x0010, 0x7FE0, 0x0010]))
        let text = json(ds)
        #expect(text.contains(#""00280010":{"vr":"US","Value":[512,65535]}"#))
        #expect(text.contains(#""00280106":{"vr":"SS","Value":[-32768]}"#))
        #expect(text.contains(#""00189219":{"vr":"UL","Value":[4294967295]}"#))
        #expect(text.contains(#""00189220":{"vr":"SL","Value":[-2147483648]}"#))
        #expect(text.contains(#""00189221":{"vr":"SV","Value":[9007199254740992,"-9007199254740993","-9223372036854775808"]}"#))
        #expect(text.contains(#""00189222":{"vr":"UV","Value":[9007199254740992,"18446744073709551615"]}"#))
        #expect(text.contains(#""00189223":{"vr":"FL","Value":[0.1,"NaN","Infinity"]}"#))
        #expect(text.contains(#""00189224":{"vr":"FD","Value":[-0.0,1e-300,"-Infinity"]}"#))
        #expect(text.contains(#""00209165":{"vr":"AT","Value":["00100010","7FE00010"]}"#))
    }

    @Test func inlineBinaryAndGroupLengths() {
        var ds = DataSet()
        ds.put(0x0008, 0x0000, .UL, bytes: le([UInt32(10)]))
        ds.put(0x0009, 0x0010, .LO, bytes: Array("ACME 1.0".utf8))
        ds.put(0x0009, 0x1002, .UN, bytes: [207, 76, 125, 115, 203, 251])
        ds.put(0x7FE0, 0x0010, .OB, bytes: [0, 1, 2, 3, 255])
        #expect(json(ds) == #"{"00090010":{"vr":"LO","Value":["ACME 1.0"]},"00091002":{"vr":"UN","InlineBinary":"z0x9c8v7"},"#
            + #""7FE00010":{"vr":"OB","InlineBinary":"AAECA/8="}}"#)
    }

    @Test func bulkDataHandlerAndThreshold() {
        var ds = DataSet()
        ds.put(0x0028, 0x0010, .US, bytes: le([UInt16(512)]))
        ds.put(0x7FE0, 0x0010, .OW, bytes: [UInt8](repeating: 7, count: 64))
        var item = DataSet()
        item.put(0x0042, 0x0011, .OB, bytes: [UInt8](repeating: 1, count: 100))
        item.put(0x0040, 0xA160, .UT, bytes: [UInt8](repeating: 0x41, count: 100))
        ds.setSequence(Tag(0x0040, 0xA730), items: [DataSet(), item])
        var offered: [String] = []
        let text = json(ds, bulkData: { path, element in
            offered.append("\(path) \(element.vr)")
            return element.vr == .UT ? nil : "https://pacs/bulk/\(path)"
        }, threshold: 16)
        #expect(offered == ["0040A730/1/0040A160 UT", "0040A730/1/00420011 OB", "7FE00010 OW"])
        #expect(text.contains(#""7FE00010":{"vr":"OW","BulkDataURI":"https://pacs/bulk/7FE00010"}"#))
        #expect(text.contains(#""00420011":{"vr":"OB","BulkDataURI":"https://pacs/bulk/0040A730/1/00420011"}"#))
        #expect(text.contains(#""0040A160":{"vr":"UT","Value":["AAAA"#))
        #expect(text.contains(#""00280010":{"vr":"US","Value":[512]}"#))
    }

    @Test func encapsulatedPixelDataGoesToTheHandlerOrIsLeftWithoutValue() {
        var ds = DataSet()
        ds[Tag(0x7FE0, 0x0010)] = DataElement(tag: Tag(0x7FE0, 0x0010), vr: .OB,
                                              value: .encapsulated(offsetTable: .empty, fragments: [ByteView([1, 2])]),
                                              undefinedLength: true)
        #expect(json(ds) == #"{"7FE00010":{"vr":"OB"}}"#)
        #expect(json(ds, bulkData: { _, _ in "frames" }) == #"{"7FE00010":{"vr":"OB","BulkDataURI":"frames"}}"#)
    }

    @Test func textIsDecodedWithTheCharacterSetAndItemsInheritIt() {
        var ds = DataSet()
        ds.put(0x0008, 0x0005, .CS, bytes: Array("ISO_IR 100".utf8))
        ds.put(0x0010, 0x0010, .PN, bytes: [0x4D, 0xFC, 0x6C, 0x6C, 0x65, 0x72])  // Müller in Latin-1
        var item = DataSet()
        item.put(0x0010, 0x0010, .PN, bytes: [0x50, 0x72, 0xE9, 0x74, 0x79, 0x20])  // Préty
        var own = DataSet()
        own.put(0x0008, 0x0005, .CS, bytes: Array("ISO_IR 192".utf8))
        own.put(0x0010, 0x0010, .PN, bytes: Array("Grüß ".utf8))
        ds.setSequence(Tag(0x0010, 0x1002), items: [item, own])
        let text = json(ds)
        #expect(text.contains(#""00100010":{"vr":"PN","Value":[{"Alphabetic":"Müller"}]}"#))
        #expect(text.contains(#"[{"00100010":{"vr":"PN","Value":[{"Alphabetic":"Préty"}]}}"#))
        #expect(text.contains(#""00100010":{"vr":"PN","Value":[{"Alphabetic":"Grüß"}]}}]"#))
    }

    @Test func invalidUTF8IsReplacedNotCopied() throws {
        var ds = DataSet()
        try ds.put(0x0008, 0x0005, .CS, "ISO_IR 192")
        ds.put(0x0010, 0x0020, .LO, bytes: [0x41, 0xC3, 0x28, 0x42])  // C3 28 is not UTF-8
        ds.put(0x0010, 0x0021, .LO, bytes: Array("Köln\\Zürich".utf8))
        let text = json(ds)
        #expect(text.contains("\"00100020\":{\"vr\":\"LO\",\"Value\":[\"A\u{FFFD}(B\"]}"))
        #expect(text.contains(#""00100021":{"vr":"LO","Value":["Köln","Zürich"]}"#))
        #expect(try DICOMJSONDecoder().decode(text).count == 3)
    }

    @Test func arrays() throws {
        var a = DataSet()
        try a.put(0x0020, 0x000D, .UI, "1.2")
        a.put(0x7FE0, 0x0010, .OB, bytes: [UInt8](repeating: 0, count: 8))
        let encoder = DICOMJSONEncoder(bulkDataThreshold: 4)
        #expect(encoder.encodeString([a, DataSet(), a], bulkData: { i, path, _ in i == 2 ? "i\(i)/\(path)" : nil })
            == #"[{"0020000D":{"vr":"UI","Value":["1.2"]},"7FE00010":{"vr":"OB","InlineBinary":"AAAAAAAAAAA="}},{},"#
            + #"{"0020000D":{"vr":"UI","Value":["1.2"]},"7FE00010":{"vr":"OB","BulkDataURI":"i2/7FE00010"}}]"#)
        #expect(encoder.encodeString([]) == "[]")
    }
}
