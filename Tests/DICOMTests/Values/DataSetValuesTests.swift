import Testing
@testable import DICOM

@Suite struct DataSetValuesTests {
    let patientName = Tag(0x0010, 0x0010)
    let sopInstanceUID = Tag(0x0008, 0x0018)

    @Test func stringsArePaddedToEvenLengthWithTheVRPadding() throws {
        var ds = DataSet()
        try ds.set(sopInstanceUID, vr: .UI, string: "1.2.3")
        #expect(ds[sopInstanceUID]?.bytes.array == Array("1.2.3\0".utf8))
        try ds.set(Tag(0x0008, 0x0060), vr: .CS, string: "CT")
        #expect(ds[Tag(0x0008, 0x0060)]?.bytes.count == 2)
        try ds.set(Tag(0x0008, 0x0061), vr: .CS, strings: ["CT", "MR", "PET"])
        #expect(ds[Tag(0x0008, 0x0061)]?.bytes.array == Array("CT\\MR\\PET ".utf8))
        #expect(ds.string(sopInstanceUID) == "1.2.3")
        #expect(ds.strings(Tag(0x0008, 0x0061)) == ["CT", "MR", "PET"])
    }

    @Test func trimmingFollowsTheVR() {
        var ds = DataSet()
        ds[Tag(0x0010, 0x0020)] = DataElement(tag: Tag(0x0010, 0x0020), vr: .LO, bytes: Array("  ID 1 \\ B ".utf8))
        ds[Tag(0x0020, 0x4000)] = DataElement(tag: Tag(0x0020, 0x4000), vr: .LT, bytes: Array("  indented \\ text ".utf8))
        ds[Tag(0x0008, 0x0016)] = DataElement(tag: Tag(0x0008, 0x0016), vr: .UI, bytes: Array("1.2\0".utf8))
        #expect(ds.strings(Tag(0x0010, 0x0020)) == ["ID 1", "B"])
        #expect(ds.strings(Tag(0x0020, 0x4000)) == ["  indented \\ text"])
        #expect(ds.string(Tag(0x0008, 0x0016)) == "1.2")
        #expect(ds.string(Tag(0x7777, 0x0010)) == nil)
        ds[Tag(0x0010, 0x0030)] = DataElement(tag: Tag(0x0010, 0x0030), vr: .DA, bytes: Array("  ".utf8))
        #expect(ds.string(Tag(0x0010, 0x0030)) == nil)  // padding only: no value
        #expect(ds.strings(Tag(0x0010, 0x0030)) == [])
    }

    @Test func multiValuedSplitting() {
        #expect(StringValues.split("", vr: .CS) == [])
        #expect(StringValues.split("\\", vr: .CS) == ["", ""])
        #expect(StringValues.split("A\\B", vr: .CS) == ["A", "B"])
        #expect(StringValues.split("A\\B", vr: .ST) == ["A\\B"])
        #expect(StringValues.split("http://x/a\\b", vr: .UR) == ["http://x/a\\b"])
    }

    @Test func encodingRejectsDelimitersAndWrongVRs() {
        var ds = DataSet()
        #expect(throws: DICOMError.self) { try ds.set(patientName, vr: .PN, strings: ["A\\B"]) }
        #expect(throws: DICOMError.self) { try ds.set(patientName, vr: .LT, strings: ["A", "B"]) }
        #expect(throws: DICOMError.self) { try ds.set(patientName, vr: .OB, string: "A") }
        #expect(throws: DICOMError.self) { try ds.set(Tag(0x0028, 0x0010), vr: .US, ints: [70_000]) }
        #expect(throws: DICOMError.self) { try ds.set(Tag(0x0028, 0x0010), vr: .LO, ints: [1]) }
        #expect(throws: DICOMError.self) { try ds.set(Tag(0x0028, 0x1050), vr: .DS, doubles: [.infinity]) }
        #expect(throws: DICOMError.self) { try ds.set(Tag(0x0028, 0x1050), vr: .FL, doubles: [1e300]) }
    }

    @Test func integers() throws {
        var ds = DataSet()
        ds.set(Tag(0x0028, 0x0010), uint16: 512)
        ds.set(Tag(0x0028, 0x0011), vr: .US, uint16: 0xFFFF)
        ds.set(Tag(0x0018, 0x9219), vr: .UL, uint32: 0x0102_0304)
        try ds.set(Tag(0x0028, 0x0106), vr: .SS, ints: [-3, 4])
        try ds.set(Tag(0x0020, 0x0013), vr: .IS, ints: [7, -8])
        try ds.set(Tag(0x0018, 0x9220), vr: .SV, ints: [Int.min])
        try ds.set(Tag(0x0018, 0x9221), vr: .UV, ints: [Int.max])
        #expect(ds[Tag(0x0028, 0x0010)]?.bytes.array == [0x00, 0x02])
        #expect(ds[Tag(0x0018, 0x9219)]?.bytes.array == [0x04, 0x03, 0x02, 0x01])
        #expect(ds.uint16(Tag(0x0028, 0x0010)) == 512)
        #expect(ds.int(Tag(0x0028, 0x0011)) == 65_535)
        #expect(ds.uint32(Tag(0x0018, 0x9219)) == 0x0102_0304)
        #expect(ds.ints(Tag(0x0028, 0x0106)) == [-3, 4])
        #expect(ds.ints(Tag(0x0020, 0x0013)) == [7, -8])
        #expect(ds.int(Tag(0x0020, 0x0013)) == 7)
        #expect(ds.int(Tag(0x0018, 0x9220)) == Int.min)
        #expect(ds.int(Tag(0x0018, 0x9221)) == Int.max)
        #expect(ds.uint16(Tag(0x0018, 0x9219)) == nil)  // wrong VR
        ds[Tag(0x0020, 0x0012)] = DataElement(tag: Tag(0x0020, 0x0012), vr: .IS, bytes: Array("1\\x ".utf8))
        #expect(ds.ints(Tag(0x0020, 0x0012)) == [])
        #expect(ds.int(Tag(0x0020, 0x0012)) == 1)
    }

    @Test func doubles() throws {
        var ds = DataSet()
        try ds.set(Tag(0x0028, 0x0030), vr: .DS, doubles: [0.5, 1.0 / 3.0])
        try ds.set(Tag(0x0018, 0x9087), vr: .FD, doubles: [2.5])
        try ds.set(Tag(0x0018, 0x9088), vr: .FL, doubles: [0.25, -1])
        #expect(ds.strings(Tag(0x0028, 0x0030)) == ["0.5", "0.33333333333333"])
        #expect(ds.doubles(Tag(0x0028, 0x0030)).first == 0.5)
        #expect(ds.double(Tag(0x0018, 0x9087)) == 2.5)
        #expect(ds.doubles(Tag(0x0018, 0x9088)) == [0.25, -1])
        #expect(ds.double(Tag(0x0018, 0x9088)) == 0.25)
    }

    @Test func datesNamesTagsAndItems() throws {
        var ds = DataSet()
        ds.set(Tag(0x0008, 0x0020), date: DICOMDate("20240229")!)
        ds.set(Tag(0x0008, 0x0030), time: DICOMTime("101")  ?? DICOMTime("1015")!)
        ds.set(Tag(0x0008, 0x002A), dateTime: DICOMDateTime("2024022910+0100")!)
        try ds.set(patientName, personNames: [PersonName("Doe^John"), PersonName("Roe^Jane")])
        ds.set(Tag(0x0020, 0x9165), tags: [Tag(0x0010, 0x0010), Tag(0x7FE0, 0x0010)])
        #expect(ds.date(Tag(0x0008, 0x0020)) == DICOMDate("20240229"))
        #expect(ds.time(Tag(0x0008, 0x0030))?.dicomString == "1015")
        #expect(ds.dateTime(Tag(0x0008, 0x002A))?.utcOffsetMinutes == 60)
        #expect(ds[Tag(0x0008, 0x002A)]?.bytes.count == 16)
        #expect(ds.personName(patientName)?.alphabetic.givenName == "John")
        #expect(ds.personNames(patientName).count == 2)
        #expect(ds[Tag(0x0020, 0x9165)]?.bytes.array == [0x10, 0x00, 0x10, 0x00, 0xE0, 0x7F, 0x10, 0x00])
        #expect(ds.tags(Tag(0x0020, 0x9165)) == [Tag(0x0010, 0x0010), Tag(0x7FE0, 0x0010)])
        #expect(ds.date(patientName) == nil)

        var item = DataSet()
        try item.set(Tag(0x0008, 0x0100), vr: .SH, string: "T-1")
        ds.setSequence(Tag(0x0008, 0x1032), items: [item, DataSet()])
        #expect(ds.items(Tag(0x0008, 0x1032)).count == 2)
        #expect(ds.items(Tag(0x0008, 0x1032))[0].string(Tag(0x0008, 0x0100)) == "T-1")
        #expect(ds.items(patientName).isEmpty)
    }

    @Test func characterSetIsInheritedByItems() throws {
        var root = DataSet()
        try root.set(Tag(0x0008, 0x0005), vr: .CS, string: "ISO_IR 100")
        #expect(root.specificCharacterSet.terms == ["ISO_IR 100"])
        try root.set(patientName, vr: .PN, string: "Müller")
        if latin1EncodingAvailable {
            // Latin-1: one byte for ü, six in all, so no padding.
            #expect(root[patientName]?.bytes.array == [0x4D, 0xFC, 0x6C, 0x6C, 0x65, 0x72])
            #expect(root.string(patientName) == "Müller")
        }

        var item = DataSet()
        item[patientName] = DataElement(tag: patientName, vr: .PN, bytes: [0x4D, 0xFC, 0x6C, 0x6C, 0x65, 0x72])
        #expect(item.string(patientName, inheriting: root.specificCharacterSet) == "Müller")
        #expect(item.specificCharacterSet(inheriting: root.specificCharacterSet).terms == ["ISO_IR 100"])
        var own = item
        try own.set(Tag(0x0008, 0x0005), vr: .CS, string: "ISO_IR 192")
        #expect(own.specificCharacterSet(inheriting: root.specificCharacterSet) == .utf8)
        #expect(DataSet().specificCharacterSet == .default)
        var empty = DataSet()
        empty.put(0x0008, 0x0005, .CS, bytes: [])
        #expect(empty.specificCharacterSet(inheriting: .utf8) == .default)  // present but empty: the default
    }

    @Test func attributeTags() {
        let bytes: [UInt8] = [0x08, 0x00, 0x18, 0x00, 0xFE, 0xFF, 0x00, 0xE0, 0x01]
        #expect(Tag.tags(fromLittleEndian: bytes) == [Tag(0x0008, 0x0018), Tag(0xFFFE, 0xE000)])
        #expect(Tag.littleEndianBytes([Tag(0x0008, 0x0018), Tag(0xFFFE, 0xE000)]) == Array(bytes.prefix(8)))
        #expect(Tag.tags(fromLittleEndian: []) == [])
    }
}

/// Whether the SpecificCharacterSet in the build encodes ISO_IR 100. The temporary
/// implementation decodes Latin-1 but encodes everything as UTF-8; checks that need the encoder
/// run once the full implementation is in.
let latin1EncodingAvailable: Bool = (try? SpecificCharacterSet(value: "ISO_IR 100").encode("ü", vr: .PN)) == [0xFC]
