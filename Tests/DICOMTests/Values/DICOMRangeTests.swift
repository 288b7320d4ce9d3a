import Testing
@testable import DICOM

@Suite struct DICOMRangeTests {
    @Test(arguments: [
        ("20240101-20240131", "20240101", "20240131"),
        ("-20240131", nil, "20240131"),
        ("20240101-", "20240101", nil),
        (" 20240101 - 20240131 ", "20240101", "20240131"),
    ] as [(String, String?, String?)])
    func parsesDateRanges(text: String, lower: String?, upper: String?) throws {
        let r = try #require(DICOMDateRange(text))
        #expect(r.lower?.dicomString == lower)
        #expect(r.upper?.dicomString == upper)
    }

    @Test(arguments: ["20240101", "-", "", "2024-20240131", "20240101-2024", "20240101--20240131", "a-b"])
    func rejectsNonRanges(text: String) {
        #expect(DICOMDateRange(text) == nil)
    }

    @Test func dateTimeRangesWithNegativeOffsets() throws {
        let r = try #require(DICOMDateTimeRange("20240101120000-0500-20240102"))
        #expect(r.lower?.dicomString == "20240101120000-0500")
        #expect(r.upper?.dicomString == "20240102")
        let open = try #require(DICOMDateTimeRange("20240101120000-0500-"))
        #expect(open.lower?.utcOffsetMinutes == -300 && open.upper == nil)
        let upTo = try #require(DICOMDateTimeRange("-20240101120000-0500"))
        #expect(upTo.lower == nil && upTo.upper?.utcOffsetMinutes == -300)
        // One DT value with an offset is not a range.
        #expect(DICOMDateTimeRange("2024-0500") == nil)
    }

    @Test func containment() throws {
        let r = try #require(DICOMDateRange("20240101-20240131"))
        #expect(r.contains(DICOMDate("20240101")!))
        #expect(r.contains(DICOMDate("20240131")!))
        #expect(!r.contains(DICOMDate("20240201")!))
        #expect(!r.contains(DICOMDate("20231231")!))
        let t = try #require(DICOMTimeRange("-1100"))
        #expect(t.contains(DICOMTime("110000")!))
        #expect(!t.contains(DICOMTime("110001")!))
        #expect(t.contains(DICOMTime("00")!))
        #expect(t.dicomString == "-1100")
        let dt = try #require(DICOMDateTimeRange("202401011200+0100-"))
        #expect(dt.contains(DICOMDateTime("202401011100+0000")!))
        #expect(!dt.contains(DICOMDateTime("202401011059+0000")!))
    }
}
