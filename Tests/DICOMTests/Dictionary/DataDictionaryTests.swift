import Testing
@testable import DICOM

@Suite struct DataDictionaryTests {
    @Test func knownTags() throws {
        let name = try #require(DataDictionary.entry(for: Tag(0x0010, 0x0010)))
        #expect(name.vr == .PN && name.vrs == [.PN])
        #expect(name.keyword == "PatientName")
        #expect(name.name == "Patient's Name")
        #expect(name.vm == "1")
        #expect(!name.isRetired)

        let pixelData = try #require(DataDictionary.entry(for: Tag(0x7FE0, 0x0010)))
        #expect(pixelData.vrs == [.OB, .OW])
        #expect(pixelData.keyword == "PixelData")

        let smallest = try #require(DataDictionary.entry(for: Tag(0x0028, 0x0106)))
        #expect(smallest.vrs == [.US, .SS])
        #expect(smallest.keyword == "SmallestImagePixelValue")

        let grayLUT = try #require(DataDictionary.entry(for: Tag(0x0028, 0x1200)))
        #expect(grayLUT.vrs == [.US, .SS, .OW])
        #expect(grayLUT.isRetired)

        #expect(DataDictionary.entry(for: Tag(0x0008, 0x0018))?.vr == .UI)
        #expect(DataDictionary.entry(for: Tag(0x0040, 0xA730))?.vr == .SQ)
        #expect(DataDictionary.entry(for: Tag(0x0002, 0x0010))?.keyword == "TransferSyntaxUID")
        #expect(DataDictionary.entry(for: Tag(0x0000, 0x0100))?.keyword == "CommandField")
    }

    @Test func itemTagsHaveNoVR() throws {
        let item = try #require(DataDictionary.entry(for: .item))
        #expect(item.vrs.isEmpty)
        #expect(item.vr == .UN)
        #expect(item.keyword == "Item")
        #expect(DataDictionary.entry(for: .sequenceDelimitationItem)?.keyword == "SequenceDelimitationItem")
        #expect(DataDictionary.entry(for: .itemDelimitationItem)?.vrs.isEmpty == true)
    }

    @Test func repeatingGroups() throws {
        let overlay0 = try #require(DataDictionary.entry(for: Tag(0x6000, 0x3000)))
        let overlay2 = try #require(DataDictionary.entry(for: Tag(0x6002, 0x3000)))
        #expect(overlay0.keyword == "OverlayData")
        #expect(overlay0 == overlay2)
        #expect(overlay2.tag == Tag(0x6000, 0x3000))
        #expect(overlay2.vrs == [.OB, .OW])
        #expect(DataDictionary.entry(for: Tag(0x601E, 0x0010))?.keyword == "OverlayRows")
        #expect(DataDictionary.entry(for: Tag(0x5004, 0x3000))?.keyword == "CurveData")
        #expect(DataDictionary.entry(for: Tag(0x7F02, 0x0010))?.keyword == "VariablePixelData")
    }

    @Test func elementRepeaters() {
        #expect(DataDictionary.entry(for: Tag(0x0020, 0x3105))?.keyword == "SourceImageIDs")
        #expect(DataDictionary.entry(for: Tag(0x1000, 0x0120))?.keyword == "EscapeTriplet")
        #expect(DataDictionary.entry(for: Tag(0x1000, 0x0123))?.keyword == "HuffmanTableTriplet")
        #expect(DataDictionary.entry(for: Tag(0x1010, 0x1234))?.keyword == "ZonalMap")
        #expect(DataDictionary.entry(for: Tag(0x0028, 0x0410))?.keyword == "RowsForNthOrderCoefficients")
    }

    @Test func exactEntriesWinOverRepeaters() {
        // (7FE0,0010) Pixel Data matches the (7Fxx,0010) Variable Pixel Data repeater too.
        #expect(DataDictionary.entry(for: Tag(0x7FE0, 0x0010))?.keyword == "PixelData")
        // (1000,0000) is Group Length via the generic rule, not an Escape Triplet.
        #expect(DataDictionary.entry(for: Tag(0x1000, 0x0000))?.keyword == "GenericGroupLength")
    }

    @Test func keywordLookup() throws {
        #expect(DataDictionary.entry(forKeyword: "PatientName")?.tag == Tag(0x0010, 0x0010))
        #expect(DataDictionary.entry(forKeyword: "SOPInstanceUID")?.tag == Tag(0x0008, 0x0018))
        #expect(DataDictionary.entry(forKeyword: "OverlayData")?.tag == Tag(0x6000, 0x3000))
        #expect(DataDictionary.entry(forKeyword: "NoSuchKeyword") == nil)
        #expect(DataDictionary.entry(forKeyword: "") == nil)
    }

    @Test func tagConstants() {
        #expect(Tag.patientName == Tag(0x0010, 0x0010))
        #expect(Tag.sopInstanceUID == Tag(0x0008, 0x0018))
        #expect(Tag.studyInstanceUID == Tag(0x0020, 0x000D))
        #expect(Tag.rtPlanLabel == Tag(0x300A, 0x0002))
        #expect(Tag.xRayTubeCurrent == Tag(0x0018, 0x1151))
        #expect(Tag.uid == Tag(0x0040, 0xA124))
        #expect(Tag.pixelData == Tag(0x7FE0, 0x0010))
        #expect(Tag.transferSyntaxUID == Tag(0x0002, 0x0010))
        #expect(Tag.hl7InstanceIdentifier == Tag(0x0040, 0xE001))
    }

    @Test func genericGroupLength() throws {
        let length = try #require(DataDictionary.entry(for: Tag(0x0010, 0x0000)))
        #expect(length.vr == .UL)
        #expect(length.keyword == "GenericGroupLength")
        #expect(length.name == "Generic Group Length")
        #expect(length.tag == Tag(0x0010, 0x0000))
        #expect(DataDictionary.entry(for: Tag(0x0009, 0x0000))?.keyword == "GenericGroupLength")
        // The command and file meta group lengths are real PS3.6/PS3.7 entries.
        #expect(DataDictionary.entry(for: Tag(0x0000, 0x0000))?.keyword == "CommandGroupLength")
        #expect(DataDictionary.entry(for: Tag(0x0002, 0x0000))?.keyword == "FileMetaInformationGroupLength")
    }

    @Test func privateTags() throws {
        let creator = try #require(DataDictionary.entry(for: Tag(0x0029, 0x0010)))
        #expect(creator.vr == .LO)
        #expect(creator.keyword == "PrivateCreator")
        #expect(creator.name == "Private Creator")
        #expect(DataDictionary.entry(for: Tag(0x0029, 0x00FF))?.keyword == "PrivateCreator")
        #expect(DataDictionary.entry(for: Tag(0x0029, 0x1010)) == nil)
        #expect(DataDictionary.entry(for: Tag(0x0029, 0x0100)) == nil)
        #expect(DataDictionary.entry(for: Tag(0x6001, 0x3000)) == nil)
        #expect(DataDictionary.entry(for: Tag(0x0010, 0x9999)) == nil)
    }

    @Test func wholeTable() {
        let all = DataDictionary.allEntries
        #expect(all.count > 4_000)
        #expect(all.count == 5_179)
        #expect(all.filter(\.vrs.isEmpty).count == 3)
        #expect(zip(all, all.dropFirst()).allSatisfy { $0.tag <= $1.tag })
        #expect(DataDictionary.table.repeaters.count == 88)
        // Every entry is found again by keyword; every exact one by tag too. (A repeater's
        // x-as-zero tag may be another element: (0028,04x0) vs (0028,0400) Transform Label.)
        let repeating = Set(DataDictionary.table.repeaters.map(\.entry))
        for entry in all where !entry.keyword.isEmpty {
            #expect(DataDictionary.entry(forKeyword: entry.keyword) == entry)
        }
        for entry in all where !repeating.contains(entry) {
            #expect(DataDictionary.entry(for: entry.tag) == entry)
        }
    }
}

@Suite struct UIDDictionaryTests {
    @Test func transferSyntax() throws {
        let implicit = try #require(UIDDictionary.entry(for: "1.2.840.10008.1.2"))
        #expect(implicit.type == "Transfer Syntax")
        #expect(implicit.name == "Implicit VR Little Endian")
        #expect(implicit.keyword == "ImplicitVRLittleEndian")
        #expect(!implicit.isRetired)
        #expect(UIDDictionary.entry(for: "1.2.840.10008.1.2.2")?.isRetired == true)
        #expect(UIDDictionary.name(for: "1.2.840.10008.1.2.1") == "Explicit VR Little Endian")
        #expect(UIDDictionary.name(for: "1.2.3.4") == nil)
    }

    @Test func keywordLookup() {
        #expect(UIDDictionary.entry(forKeyword: "CTImageStorage")?.uid == "1.2.840.10008.5.1.4.1.1.2")
        #expect(UIDDictionary.entry(forKeyword: "Verification")?.uid == "1.2.840.10008.1.1")
        #expect(UIDDictionary.entry(forKeyword: "") == nil)
    }

    @Test func storageSOPClasses() {
        let storage = UIDDictionary.storageSOPClasses
        let uids = Set(storage.map(\.uid))
        #expect(uids.contains("1.2.840.10008.5.1.4.1.1.2"))  // CT Image Storage
        #expect(uids.contains("1.2.840.10008.5.1.4.1.1.1.1"))  // Digital X-Ray - For Presentation
        #expect(uids.contains("1.2.840.10008.5.1.4.1.1.1.1.1"))  // Digital X-Ray - For Processing
        #expect(!uids.contains("1.2.840.10008.1.20.1"))  // Storage Commitment Push Model
        #expect(!uids.contains("1.2.840.10008.1.1"))
        #expect(storage.allSatisfy { $0.type == "SOP Class" })
        #expect(storage.count > 150)
    }

    @Test func wholeTable() {
        #expect(UIDDictionary.allEntries.count == 482)
        #expect(Set(UIDDictionary.allEntries.map(\.uid)).count == 482)
    }
}
