import Foundation
import Testing
@testable import DICOM

@Suite struct DICOMDateTests {
    @Test(arguments: [
        ("20240229", "20240229"),
        ("19991231 ", "19991231"),
        ("1999.12.31", "19991231"),  // ACR-NEMA form, written back as YYYYMMDD
        ("00010101", "00010101"),
    ])
    func parsesAndFormats(text: String, formatted: String) throws {
        let d = try #require(DICOMDate(text))
        #expect(d.dicomString == formatted)
        #expect(d.description == formatted)
    }

    @Test(arguments: ["", "2024", "202402", "20230229", "20241301", "20240100", "20240132", "2024-02-01",
                      "2024.0201", "202402011", "abcdefgh", "1900.02.29", "2024 0101"])
    func rejectsInvalid(text: String) {
        #expect(DICOMDate(text) == nil)
    }

    @Test func components() throws {
        let d = try #require(DICOMDate("20000229"))
        #expect(d.year == 2000 && d.month == 2 && d.day == 29)
        #expect(DICOMDate(year: 1900, month: 2, day: 29) == nil)
        #expect(DICOMDate(year: 10000, month: 1, day: 1) == nil)
    }

    @Test func ordersChronologically() throws {
        let dates = ["20240101", "19991231", "20231231", "20240102"].compactMap { DICOMDate($0) }
        #expect(dates.sorted().map(\.dicomString) == ["19991231", "20231231", "20240101", "20240102"])
    }

    @Test func daysSinceEpochRoundTrips() {
        #expect(DICOMDate(year: 1970, month: 1, day: 1)!.daysSinceEpoch == 0)
        #expect(DICOMDate(year: 2000, month: 3, day: 1)!.daysSinceEpoch == 11_017)
        #expect(DICOMDate(year: 1969, month: 12, day: 31)!.daysSinceEpoch == -1)
        for days in [-719_528, -1, 0, 59, 11_016, 19_782, 2_932_896] {
            let (y, m, d) = CivilCalendar.date(daysSinceEpoch: days)
            #expect(CivilCalendar.daysSinceEpoch(year: y, month: m, day: d) == days)
        }
    }

    @Test func foundationDate() throws {
        let utc = TimeZone(secondsFromGMT: 0)!
        let d = try #require(DICOMDate("20240229"))
        #expect(d.date(in: utc).timeIntervalSince1970 == 1_709_164_800)
        #expect(DICOMDate(Date(timeIntervalSince1970: 1_709_164_800 + 86_399), in: utc) == d)
        let plusTwo = TimeZone(secondsFromGMT: 7200)!
        #expect(d.date(in: plusTwo).timeIntervalSince1970 == 1_709_164_800 - 7200)
    }
}

@Suite struct DICOMTimeTests {
    @Test(arguments: [
        ("07", "07"), ("0715", "0715"), ("071530", "071530"), ("071530.1", "071530.1"),
        ("071530.123456", "071530.123456"), ("235960", "235960"), ("071530.50 ", "071530.50"),
        ("07:15", "0715"), ("07:15:30", "071530"), ("07:15:30.25", "071530.25"),
    ])
    func parsesAndFormatsBack(text: String, formatted: String) throws {
        let t = try #require(DICOMTime(text))
        #expect(t.dicomString == formatted)
    }

    @Test(arguments: ["", "7", "24", "0760", "071561", "071530.", "071530.1234567", "07:1530", "0715:30",
                      "07:15:", "071", "07153", "071530.12a", "ab"])
    func rejectsInvalid(text: String) {
        #expect(DICOMTime(text) == nil)
    }

    @Test func components() throws {
        let t = try #require(DICOMTime("101530.25"))
        #expect(t.hour == 10 && t.minute == 15 && t.second == 30)
        #expect(t.microsecond == 250_000 && t.fractionDigits == 2)
        #expect(DICOMTime(hour: 1, second: 3) == nil)
        #expect(DICOMTime(hour: 1, minute: 2, second: 3, microsecond: 123_456, fractionDigits: 3)?.dicomString == "010203.123")
    }

    @Test func ordersByTimeThenPrecision() {
        let times = ["1015", "10", "101500", "0959", "101500.0", "1014"].compactMap { DICOMTime($0) }
        #expect(times.sorted().map(\.dicomString) == ["0959", "10", "1014", "1015", "101500", "101500.0"])
        #expect(DICOMTime("10")! != DICOMTime("1000")!)
    }

    @Test func fromFoundationDate() {
        let t = DICOMTime(Date(timeIntervalSince1970: 3600 * 5 + 62.5), in: TimeZone(secondsFromGMT: 3600)!)
        #expect(t.dicomString == "060102.500000")
    }
}

@Suite struct DICOMDateTimeTests {
    @Test(arguments: ["2024", "202402", "20240229", "2024022913", "202402291305", "20240229130559",
                      "20240229130559.5", "20240229130559.123456", "20240229130559.123456+0100",
                      "2024-0500", "20240229+1400", "20240229130559-1200", "202402291305+0530"])
    func parsesAndFormatsBack(text: String) throws {
        let dt = try #require(DICOMDateTime(text))
        #expect(dt.dicomString == text)
    }

    @Test(arguments: ["", "202", "20241", "2024022", "20240230", "2024022924", "20240229130559.", "2024+01",
                      "20240229+1500", "20240229-1300", "20240229+0160", "20240229130559.1234567",
                      "2024022913:05", "2024 0229"])
    func rejectsInvalid(text: String) {
        #expect(DICOMDateTime(text) == nil)
    }

    @Test func components() throws {
        let dt = try #require(DICOMDateTime("20240229130559.25-0330"))
        #expect(dt.year == 2024 && dt.month == 2 && dt.day == 29)
        #expect(dt.hour == 13 && dt.minute == 5 && dt.second == 59 && dt.microsecond == 250_000)
        #expect(dt.utcOffsetMinutes == -210)
        #expect(dt.date == DICOMDate("20240229"))
        #expect(dt.time == DICOMTime("130559.25"))
        #expect(DICOMDateTime(date: DICOMDate("20240229")!, time: DICOMTime("1305")).dicomString == "202402291305")
    }

    @Test func ordersByInstant() {
        // 12:00+0100 is 11:00 UTC, before 11:30 UTC.
        #expect(DICOMDateTime("202401011200+0100")! < DICOMDateTime("202401011130+0000")!)
        #expect(DICOMDateTime("2024")! < DICOMDateTime("202401")!)
        #expect(DICOMDateTime("20231231235959.999999")! < DICOMDateTime("2024")!)
    }

    @Test func foundationDate() throws {
        let utc = TimeZone(secondsFromGMT: 0)!
        let dt = try #require(DICOMDateTime("20240229130559.5+0100"))
        let expected: Double = 1_709_164_800 + 43_559.5  // 12:05:59.5 UTC
        #expect(dt.date(defaultTimeZone: utc).timeIntervalSince1970 == expected)
        let noOffset = try #require(DICOMDateTime("20240229"))
        #expect(noOffset.date(defaultTimeZone: TimeZone(secondsFromGMT: -3600)!).timeIntervalSince1970 == 1_709_164_800 + 3600)
        let back = try #require(DICOMDateTime(Date(timeIntervalSince1970: 1_709_164_800.25), in: TimeZone(secondsFromGMT: 5400)!))
        #expect(back.dicomString == "20240229013000.250000+0130")
    }
}
