import Testing
@testable import DICOM

@Suite struct TagTests {
    @Test func ordersByGroupThenElement() {
        #expect(Tag(0x0008, 0x0020) < Tag(0x0010, 0x0010))
        #expect(Tag(0x0010, 0x0010) < Tag(0x0010, 0x0020))
        #expect(Tag(0x7FE0, 0x0010).description == "(7fe0,0010)")
        #expect(Tag(0x0010, 0x0010).jsonKey == "00100010")
    }

    @Test func privateTagsAndCreators() {
        let t = Tag(0x0029, 0x1010)
        #expect(t.isPrivate)
        #expect(t.privateCreatorTag == Tag(0x0029, 0x0010))
        #expect(Tag(0x0029, 0x0010).isPrivateCreator)
        #expect(!Tag(0x0008, 0x0010).isPrivate)
        #expect(!Tag(0xFFFE, 0xE000).isPrivate)
    }

    @Test func parsesHex() {
        #expect(Tag(hex: "(0010,0020)") == Tag(0x0010, 0x0020))
        #expect(Tag(hex: "7FE00010") == Tag(0x7FE0, 0x0010))
        #expect(Tag(hex: "zz") == nil)
    }

    @Test func dataSetKeepsTagOrder() {
        var ds = DataSet()
        ds[Tag(0x0010, 0x0020)] = DataElement(tag: Tag(0x0010, 0x0020), vr: .LO, bytes: Array("ID".utf8))
        ds[Tag(0x0008, 0x0020)] = DataElement(tag: Tag(0x0008, 0x0020), vr: .DA, bytes: Array("20200101".utf8))
        ds.append(DataElement(tag: Tag(0x0009, 0x0010), vr: .LO, bytes: Array("ACME".utf8)))
        #expect(ds.elements.map(\.tag) == [Tag(0x0008, 0x0020), Tag(0x0009, 0x0010), Tag(0x0010, 0x0020)])
        ds[Tag(0x0009, 0x0010)] = nil
        #expect(ds.count == 2)
    }
}
