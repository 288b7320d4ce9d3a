import Testing
@testable import DICOM

/// A study-level QIDO-RS response in the style of the examples of PS3.18 F.2.1.1 and F.4 —
/// written for these tests — with a private block, an UN InlineBinary, a BulkDataURI, a PN with
/// an ideographic group and a sequence of two items.
let studyResponseExample = #"""
[
  {
    "00080005": { "vr": "CS", "Value": [ "ISO_IR 192" ] },
    "00080020": { "vr": "DA", "Value": [ "20130409" ] },
    "00080030": { "vr": "TM", "Value": [ "131600.0000" ] },
    "00080050": { "vr": "SH", "Value": [ "11235813" ] },
    "00080056": { "vr": "CS", "Value": [ "ONLINE" ] },
    "00080061": { "vr": "CS", "Value": [ "CT", "PET" ] },
    "00080090": { "vr": "PN", "Value": [ { "Alphabetic": "^Bob^^Dr." } ] },
    "00081190": { "vr": "UR", "Value": [ "http://wado.example.org/studies/1.2.392.200036.9116.2.2.2.1762893313.1029997326.945873" ] },
    "00090010": { "vr": "LO", "Value": [ "Vendor A" ] },
    "00091002": { "vr": "UN", "InlineBinary": "z0x9c8v7" },
    "00100010": { "vr": "PN", "Value": [ { "Alphabetic": "Wang^XiaoDong", "Ideographic": "王^小東" } ] },
    "00100020": { "vr": "LO", "Value": [ "12345" ] },
    "00100021": { "vr": "LO", "Value": [ "Hospital A" ] },
    "00100030": { "vr": "DA", "Value": [ "19670701" ] },
    "00100040": { "vr": "CS", "Value": [ "M" ] },
    "00101002": {
      "vr": "SQ",
      "Value": [
        { "00100020": { "vr": "LO", "Value": [ "54321" ] }, "00100021": { "vr": "LO", "Value": [ "Hospital B" ] } },
        { "00100020": { "vr": "LO", "Value": [ "24680" ] }, "00100021": { "vr": "LO", "Value": [ "Hospital C" ] } }
      ]
    },
    "0020000D": { "vr": "UI", "Value": [ "1.2.392.200036.9116.2.2.2.1762893313.1029997326.945873" ] },
    "00201206": { "vr": "IS", "Value": [ 4 ] },
    "00201208": { "vr": "IS", "Value": [ 942 ] }
  },
  {
    "00080005": { "vr": "CS", "Value": [ "ISO_IR 192" ] },
    "00080020": { "vr": "DA", "Value": [ "20130309" ] },
    "00080061": { "vr": "CS", "Value": [ "CT" ] },
    "00080090": { "vr": "PN" },
    "00091003": { "vr": "OB", "BulkDataURI": "http://wado.example.org/bulk/1" },
    "00100010": { "vr": "PN", "Value": [ { "Alphabetic": "Doe^John" } ] },
    "0020000D": { "vr": "UI", "Value": [ "1.2.392.200036.9116.2.2.2.2162893313.1029997326.9458761" ] },
    "00201206": { "vr": "IS", "Value": [ 1 ] },
    "00201208": { "vr": "IS", "Value": [ 29 ] }
  }
]
"""#

/// The last byte of the second study's UID, 55 characters long: the UI padding NUL.
func b0UIDPadding(_ ds: DataSet) -> UInt8? { ds[Tag(0x0020, 0x000D)]?.bytes.last }

@Suite struct DICOMJSONDecoderTests {
    let decoder = DICOMJSONDecoder()

    @Test func decodesTheStudyResponseExample() throws {
        var references: [String] = []
        let studies = try decoder.decodeArray(studyResponseExample, bulkData: { index, ref in
            references.append("\(index) \(ref.path) \(ref.vr) \(ref.uri)")
            return index == 1 ? [1, 2, 3] : nil
        })
        #expect(studies.count == 2)
        let a = studies[0]
        #expect(a.specificCharacterSet == .utf8)
        #expect(a.date(Tag(0x0008, 0x0020)) == DICOMDate("20130409"))
        #expect(a.time(Tag(0x0008, 0x0030))?.dicomString == "131600.0000")
        #expect(a.strings(Tag(0x0008, 0x0061)) == ["CT", "PET"])
        #expect(a[Tag(0x0008, 0x0061)]?.bytes.array == Array("CT\\PET".utf8))
        #expect(a.personName(Tag(0x0008, 0x0090))?.alphabetic.givenName == "Bob")
        #expect(a.personName(Tag(0x0008, 0x0090))?.alphabetic.namePrefix == "Dr.")
        #expect(a.privateCreator(of: Tag(0x0009, 0x1002)) == "Vendor A")
        #expect(a[Tag(0x0009, 0x1002)]?.bytes.array == [207, 76, 125, 115, 203, 251])
        let name = try #require(a.personName(Tag(0x0010, 0x0010)))
        #expect(name.ideographic.familyName == "王")
        #expect(a.string(Tag(0x0010, 0x0010)) == "Wang^XiaoDong=王^小東")
        #expect(a[Tag(0x0010, 0x0010)]?.bytes.count == 24)  // 13 + 1 + 10 bytes, even
        let others = a.items(Tag(0x0010, 0x1002))
        #expect(others.map { $0.string(Tag(0x0010, 0x0021), inheriting: a.specificCharacterSet) } == ["Hospital B", "Hospital C"])
        #expect(a[Tag(0x0020, 0x000D)]?.bytes.count == 54)  // even already: no NUL padding
        #expect(a.string(Tag(0x0020, 0x000D)) == "1.2.392.200036.9116.2.2.2.1762893313.1029997326.945873")
        #expect(b0UIDPadding(studies[1]) == 0)
        #expect(a.int(Tag(0x0020, 0x1206)) == 4)
        #expect(a[Tag(0x0020, 0x1208)]?.bytes.array == Array("942 ".utf8))

        let b = studies[1]
        #expect(b[Tag(0x0008, 0x0090)] == DataElement(tag: Tag(0x0008, 0x0090), vr: .PN, bytes: [UInt8]()))
        #expect(b[Tag(0x0009, 0x1003)]?.bytes.array == [1, 2, 3])
        #expect(references == ["1 00091003 OB http://wado.example.org/bulk/1"])
    }

    @Test func unresolvedBulkDataIsLeftOut() throws {
        let ds = try decoder.decode(#"{"7FE00010":{"vr":"OW","BulkDataURI":"x"},"00280010":{"vr":"US","Value":[4]}}"#)
        #expect(ds.count == 1)
        #expect(ds.uint16(Tag(0x0028, 0x0010)) == 4)
    }

    @Test func resolverErrorsPropagate() {
        struct Refused: Error {}
        #expect(throws: Refused.self) {
            try decoder.decode(#"{"7FE00010":{"vr":"OW","BulkDataURI":"x"}}"#, bulkData: { _ in throw Refused() })
        }
    }

    @Test func nonASCIITextWithoutCharacterSetBecomesUTF8() throws {
        let ds = try decoder.decode(#"{"00100010":{"vr":"PN","Value":[{"Alphabetic":"Müller"}]},"00100020":{"vr":"LO","Value":["X"]}}"#)
        #expect(ds.string(Tag(0x0008, 0x0005)) == "ISO_IR 192")
        #expect(ds[Tag(0x0010, 0x0010)]?.bytes.array == Array("Müller ".utf8))
        // ASCII only: no character set is added.
        let ascii = try decoder.decode(#"{"00100010":{"vr":"PN","Value":[{"Alphabetic":"Muller"}]}}"#)
        #expect(!ascii.contains(Tag(0x0008, 0x0005)))
        // Non-ASCII inside an item also marks the top level.
        let nested = try decoder.decode(#"{"00101002":{"vr":"SQ","Value":[{"00100021":{"vr":"LO","Value":["Hôpital"]}}]}}"#)
        #expect(nested.specificCharacterSet == .utf8)
    }

    @Test func declaredCharacterSetIsKeptAndUsed() throws {
        let ds = try decoder.decode(#"{"00080005":{"vr":"CS","Value":["ISO_IR 100"]},"00100010":{"vr":"PN","Value":[{"Alphabetic":"Müller"}]}}"#)
        #expect(ds.specificCharacterSet.terms == ["ISO_IR 100"])
        #expect(ds.string(Tag(0x0008, 0x0005)) == "ISO_IR 100")
        if latin1EncodingAvailable {
            #expect(ds[Tag(0x0010, 0x0010)]?.bytes.array == [0x4D, 0xFC, 0x6C, 0x6C, 0x65, 0x72])
            #expect(ds.string(Tag(0x0010, 0x0010)) == "Müller")
        }
    }

    @Test(arguments: [
        (#"{"vr":"IS","Value":[76]}"#, "76"),
        (#"{"vr":"IS","Value":[-0]}"#, "-0"),
        (#"{"vr":"IS","Value":[7.0, 1e2]}"#, "7\\100 "),
        (#"{"vr":"IS","Value":["+0076"]}"#, "+0076 "),
        (#"{"vr":"DS","Value":[1.50, -2.5e-3]}"#, "1.50\\-2.5e-3"),
        (#"{"vr":"DS","Value":[0.333333333333333333333]}"#, "0.33333333333333"),
        (#"{"vr":"DS","Value":[1e300]}"#, "1e300 "),
        (#"{"vr":"DS","Value":[null, 2]}"#, "\\2"),
        (#"{"vr":"DS","Value":[".5"]}"#, ".5"),
        (#"{"vr":"CS","Value":["A", null, "B"]}"#, "A\\\\B"),
        (#"{"vr":"CS","Value":[]}"#, ""),
        (#"{"vr":"PN","Value":["Doe^John"]}"#, "Doe^John"),
        (#"{"vr":"PN","Value":[{"Phonetic":"P"}, null]}"#, "==P\\"),
        (#"{"vr":"UI","Value":["1.2.3"]}"#, "1.2.3\0"),
    ])
    func normalisesTextValues(attribute: String, bytes: String) throws {
        let ds = try decoder.decode(#"{"00200013":"# + attribute + "}")
        #expect(ds[Tag(0x0020, 0x0013)]?.bytes.array == Array(bytes.utf8))
    }

    @Test func binaryValues() throws {
        let ds = try decoder.decode(#"""
        {"00189219":{"vr":"UL","Value":[4294967295, 0]},
         "00189220":{"vr":"SV","Value":["-9223372036854775808", 5]},
         "00189221":{"vr":"UV","Value":["18446744073709551615", 1e3]},
         "00189223":{"vr":"FL","Value":[0.1, "NaN", "-Infinity"]},
         "00189224":{"vr":"FD","Value":[-0.0, "Infinity"]},
         "00209165":{"vr":"AT","Value":["7fe00010", "00100010"]}}
        """#)
        #expect(ds[Tag(0x0018, 0x9219)]?.bytes.array == le([UInt32.max, 0]))
        #expect(ds[Tag(0x0018, 0x9220)]?.bytes.array == le([Int64.min, 5]))
        #expect(ds[Tag(0x0018, 0x9221)]?.bytes.array == le([UInt64.max, 1000]))
        let floats = BinaryValues.floats(ds[Tag(0x0018, 0x9223)]!.bytes)
        #expect(floats[0] == Float(0.1) && floats[1].isNaN && floats[2] == -.infinity)
        #expect(ds[Tag(0x0018, 0x9224)]?.bytes.array == le([(-0.0).bitPattern, Double.infinity.bitPattern]))
        #expect(ds.tags(Tag(0x0020, 0x9165)) == [Tag(0x7FE0, 0x0010), Tag(0x0010, 0x0010)])
    }

    @Test func groupLengthsAreSkipped() throws {
        let ds = try decoder.decode(#"{"00080000":{"vr":"UL","Value":[4]},"00080060":{"vr":"CS","Value":["CT"]}}"#)
        #expect(ds.elements.map(\.tag) == [Tag(0x0008, 0x0060)])
    }

    @Test func keysMayComeInAnyOrder() throws {
        let ds = try decoder.decode(#"{"00100020":{"Value":["B"],"vr":"LO"},"00080060":{"vr":"CS","Value":["CT"]}}"#)
        #expect(ds.elements.map(\.tag) == [Tag(0x0008, 0x0060), Tag(0x0010, 0x0020)])
    }
}
