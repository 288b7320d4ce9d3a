import Testing
@testable import DICOM

@Suite struct DICOMJSONRoundTripTests {
    /// A data set with an element of every VR, multi-values, empty values, a private block and
    /// nested sequences, built through the setters so that its values are canonical.
    static func everyVR() throws -> DataSet {
        var ds = DataSet()
        try ds.put(0x0008, 0x0005, .CS, "ISO_IR 192")
        try ds.set(Tag(0x0008, 0x0008), vr: .CS, strings: ["ORIGINAL", "PRIMARY", "", "AXIAL"])
        try ds.put(0x0008, 0x0016, .UI, "1.2.840.10008.5.1.4.1.1.2")
        try ds.put(0x0008, 0x0020, .DA, "20240229")
        try ds.put(0x0008, 0x0030, .TM, "101530.25")
        try ds.put(0x0008, 0x002A, .DT, "20240229101530.123456-0500")
        try ds.put(0x0008, 0x0054, .AE, "STORESCP")
        try ds.put(0x0008, 0x0080, .LO, "Universitätsklinikum Köln")
        try ds.put(0x0008, 0x0090, .PN, "")
        try ds.put(0x0008, 0x1030, .LO, "Thorax^Routine")
        try ds.put(0x0008, 0x1190, .UR, "http://example.org/a\\b?c=1")
        try ds.put(0x0009, 0x0010, .LO, "ACME 1.0")
        ds.put(0x0009, 0x1001, .UN, bytes: [0xDE, 0xAD, 0xBE])
        try ds.set(Tag(0x0010, 0x0010), vr: .PN, strings: ["Yamada^Tarou=山田^太郎=やまだ^たろう", "Doe^John^^Dr.^Jr."])
        try ds.put(0x0010, 0x0020, .LO, "ID-42")
        try ds.put(0x0010, 0x1010, .AS, "045Y")
        try ds.put(0x0010, 0x2160, .SH, "Ελληνικά")
        try ds.put(0x0010, 0x4000, .LT, "  indented\r\nsecond line \\ with \"quotes\"")
        try ds.put(0x0018, 0x1030, .UC, "  unlimited characters")
        try ds.put(0x0018, 0x9219, .ST, "short text\ttab")
        try ds.set(Tag(0x0018, 0x0050), vr: .DS, strings: ["0.5", "-1.25e-3", "+5", "1E10"])
        try ds.set(Tag(0x0020, 0x0013), vr: .IS, strings: ["42", "-7", "0"])
        try ds.set(Tag(0x0020, 0x0037), vr: .DS, doubles: [1, 0, 0, 0, 1.0 / 3.0, -2.2250738585072014e-308])
        ds.set(Tag(0x0020, 0x9165), tags: [Tag(0x0010, 0x0010), Tag(0xFFFE, 0xE000)])
        ds.set(Tag(0x0028, 0x0010), vr: .US, uint16: 65_535)
        try ds.set(Tag(0x0028, 0x0106), vr: .SS, ints: [-32_768, 32_767])
        ds.set(Tag(0x0028, 0x0107), vr: .UL, uint32: .max)
        try ds.set(Tag(0x0028, 0x0108), vr: .SL, ints: [Int(Int32.min), 0, Int(Int32.max)])
        try ds.set(Tag(0x0028, 0x0109), vr: .SV, ints: [Int.min, -(1 << 53) - 1, 1 << 53, Int.max])
        ds.put(0x0028, 0x010A, .UV, bytes: le([UInt64.max, 0, 1 << 60]))
        try ds.set(Tag(0x0028, 0x010B), vr: .FL, doubles: [0.1, -0.0, .infinity, .nan, 3.4028234663852886e38])
        try ds.set(Tag(0x0028, 0x010C), vr: .FD, doubles: [0.1, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude])
        ds.put(0x0028, 0x1201, .OW, bytes: le([UInt16(0), 0xFFFF, 0x1234]))
        try ds.put(0x0040, 0xA160, .UT, "unlimited text \\ backslash")
        ds.put(0x0066, 0x0016, .OF, bytes: le([Float(1.5).bitPattern]))
        ds.put(0x0066, 0x0017, .OD, bytes: le([(2.5).bitPattern]))
        ds.put(0x0066, 0x0018, .OL, bytes: le([UInt32(7), 8]))
        ds.put(0x0066, 0x0019, .OV, bytes: le([UInt64.max]))
        ds.put(0x7FE0, 0x0010, .OB, bytes: [1, 2, 3])
        ds.put(0x0010, 0x0021, .LO, bytes: [])
        ds.put(0x0042, 0x0011, .OB, bytes: [])

        var leaf = DataSet()
        try leaf.put(0x0008, 0x0100, .SH, "T-D3000")
        // An item has no (0008,0005) of its own: it is encoded with the set it will inherit.
        try leaf.set(Tag(0x0008, 0x0104), vr: .LO, string: "Brustkorb – Übersicht", inheriting: .utf8)
        var middle = DataSet()
        middle.setSequence(Tag(0x0008, 0x2228), items: [leaf, DataSet(), leaf])
        try middle.put(0x0008, 0x1155, .UI, "1.2.3.4")
        ds.setSequence(Tag(0x0008, 0x1140), items: [middle])
        ds.setSequence(Tag(0x0008, 0x1150), items: [])
        ds.setSequence(Tag(0x0040, 0x0275), items: [DataSet()])
        return ds
    }

    @Test func everyVRSurvivesARoundTrip() throws {
        let ds = try Self.everyVR()
        let text = DICOMJSONEncoder().encodeString(ds)
        let back = try DICOMJSONDecoder().decode(text)
        for (a, b) in zip(ds.elements, back.elements) where a != b {
            Issue.record("\(a.tag) \(a.vr): \(a.bytes.array) became \(b.tag) \(b.vr): \(b.bytes.array)")
        }
        #expect(back.count == ds.count)
        #expect(back == ds)
        // And the JSON of the copy is the same text.
        #expect(DICOMJSONEncoder().encodeString(back) == text)
    }

    @Test func arraysRoundTrip() throws {
        let ds = try Self.everyVR()
        let bytes = DICOMJSONEncoder().encode([ds, DataSet(), ds])
        #expect(try DICOMJSONDecoder().decodeArray(bytes) == [ds, DataSet(), ds])
    }

    @Test func bulkDataRoundTripsThroughHandlerAndResolver() throws {
        let ds = try Self.everyVR()
        var store: [String: [UInt8]] = [:]
        let text = DICOMJSONEncoder(bulkDataThreshold: 4).encodeString(ds) { path, element in
            store[path.description] = element.bytes.array
            return path.description
        }
        #expect(store.keys.contains("7FE00010") == false)  // 3 bytes, under the threshold
        #expect(store.keys.contains("00280109"))  // SV may be bulk data too
        let back = try DICOMJSONDecoder().decode(text) { ref in store[ref.uri] }
        #expect(back == ds)
    }

    @Test func latin1DataSetRoundTrips() throws {
        var ds = DataSet()
        ds.put(0x0008, 0x0005, .CS, bytes: Array("ISO_IR 100".utf8))
        ds.put(0x0010, 0x0010, .PN, bytes: [0x4D, 0xFC, 0x6C, 0x6C, 0x65, 0x72, 0x5E, 0x4A, 0xF6, 0x72, 0x67, 0x20])  // Müller^Jörg
        let text = DICOMJSONEncoder().encodeString(ds)
        #expect(text.contains("Müller^Jörg"))
        let back = try DICOMJSONDecoder().decode(text)
        #expect(back.string(Tag(0x0008, 0x0005)) == "ISO_IR 100")
        if latin1EncodingAvailable {
            #expect(back == ds)
        }
    }

    @Test func deepButAllowedNestingRoundTrips() throws {
        var ds = DataSet()
        try ds.put(0x0010, 0x0020, .LO, "leaf")
        for _ in 0..<40 { var outer = DataSet(); outer.setSequence(Tag(0x0040, 0xA730), items: [ds]); ds = outer }
        let back = try DICOMJSONDecoder().decode(DICOMJSONEncoder().encode(ds))
        #expect(back == ds)
    }
}
