import Testing
import DICOM
@testable import WebAPI

typealias Tag = DICOM.Tag

@Suite struct InstanceDataSetTests {
    @Test func bulkDataIsLeftOutAtEveryLevelAndListed() throws {
        var item = DataSet()
        try item.set(Tag(0x0008, 0x0100), vr: .SH, string: "CODE")
        item.append(DataElement(tag: Tag(0x0018, 0x9999), vr: .OB, bytes: [UInt8](repeating: 7, count: 2000)))
        var ds = DataSet()
        try ds.set(Tag(0x0010, 0x0010), vr: .PN, string: "Doe^Jane")
        ds.append(DataElement(tag: Tag(0x0028, 0x3010), items: [DataSet(), item]))
        ds.append(DataElement(tag: Tag(0x0029, 0x1010), vr: .OB, bytes: [UInt8](repeating: 1, count: 1024)))
        ds.append(DataElement(tag: Tag(0x0029, 0x1011), vr: .UN, bytes: [UInt8](repeating: 1, count: 1025)))
        ds.append(DataElement(tag: Tag(0x0029, 0x1012), vr: .UT, bytes: Array(String(repeating: "t", count: 4000).utf8)))
        ds.append(DataElement(tag: Tag(0x7FE0, 0x0010), vr: .OB,
                              value: .encapsulated(offsetTable: .empty, fragments: [ByteView([1, 2, 3, 4])]), undefinedLength: true))
        var omitted: [InstanceDataSet.Omitted] = []
        let kept = InstanceDataSet.filter(ds, steps: [], &omitted)
        #expect(omitted.map(\.path) == ["00283010/1/00189999", "00291011", "7FE00010"])
        #expect(omitted.map(\.vr) == ["OB", "UN", "OB"] && omitted.map(\.length) == [2000, 1025, nil])
        #expect(kept.elements.map(\.tag) == [Tag(0x0010, 0x0010), Tag(0x0028, 0x3010), Tag(0x0029, 0x1010), Tag(0x0029, 0x1012)],
                "binary values up to 1 KiB and long text stay")
        #expect(kept[Tag(0x0028, 0x3010)]?.items.map(\.count) == [0, 1])
        let json = DICOMJSONEncoder().encodeString(kept)
        #expect(!json.contains("BulkDataURI") && json.contains("\"Alphabetic\":\"Doe^Jane\""))
    }
}
