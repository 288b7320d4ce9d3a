import Foundation
import Archive
import DICOM
import HTTPServer

/// `GET /api/studies?…`: the query parameters of a study search (see `StudySearch` for how
/// each one matches).
extension StudySearch {
    enum Order: String, CaseIterable { case asc, desc }

    /// Most modalities one search names.
    static let maxModalities = 16

    /// The parameters `GET /api/studies` takes.
    static let parameters: Set<String> = ["patientName", "patientId", "accessionNumber", "studyDescription", "dateFrom", "dateTo",
                                          "modality", "limit", "offset", "sort", "order"]

    init(query q: QueryParameters) throws {
        self.init()
        patientName = try q.text("patientName")
        patientID = try q.text("patientId")
        accessionNumber = try q.text("accessionNumber")
        studyDescription = try q.text("studyDescription")
        dateFrom = try Self.date(q, "dateFrom")
        dateTo = try Self.date(q, "dateTo")
        if let from = dateFrom, let to = dateTo, from > to {
            throw HTTPError(.badRequest, code: "invalid_date_range", message: "'dateTo' is before 'dateFrom'", field: "dateTo")
        }
        modalities = try Self.modalities(q)
        limit = try q.int("limit", in: 1...Self.maxLimit, default: 100)
        offset = try q.int("offset", in: 0...Int(Int32.max), default: 0)
        sort = try q.choice("sort", Sort.self) ?? .studyDate
        descending = try q.choice("order", Order.self).map { $0 == .desc } ?? sort.descendingByDefault
    }

    /// `YYYYMMDD` or `YYYY-MM-DD`, a real calendar date.
    static func date(_ q: QueryParameters, _ name: String) throws -> DICOMDate? {
        guard let v = try q.text(name) else { return nil }
        let b = Array(v.utf8)
        func digits(_ r: Range<Int>) -> Int? {
            r.allSatisfy { b[$0] >= 0x30 && b[$0] <= 0x39 } ? Int(String(decoding: b[r], as: UTF8.self)) : nil
        }
        var parts: (Int?, Int?, Int?) = (nil, nil, nil)
        if b.count == 8 {
            parts = (digits(0..<4), digits(4..<6), digits(6..<8))
        } else if b.count == 10, b[4] == 0x2D, b[7] == 0x2D {
            parts = (digits(0..<4), digits(5..<7), digits(8..<10))
        }
        guard let y = parts.0, let m = parts.1, let d = parts.2, let date = DICOMDate(year: y, month: m, day: d) else {
            throw HTTPError(.badRequest, code: "invalid_date", message: "'\(name)' must be a date written YYYYMMDD or YYYY-MM-DD", field: name)
        }
        return date
    }

    /// `CT`, or several separated by commas or backslashes (`CT,MR`): Code String values of up
    /// to 16 characters (PS3.5 §6.2), compared upper-cased.
    static func modalities(_ q: QueryParameters) throws -> [String] {
        guard let v = try q.text("modality") else { return [] }
        // Exactly the document's pattern: at most 16 values between `,` or `\`, each of A-Z,
        // a-z, 0-9, `_` and inner spaces, at most 16 characters once its outer spaces are gone.
        let segments = v.unicodeScalars.split(omittingEmptySubsequences: false) { $0 == "," || $0 == "\\" }
        func isCode(_ u: Unicode.Scalar) -> Bool {
            (u >= "A" && u <= "Z") || (u >= "a" && u <= "z") || (u >= "0" && u <= "9") || u == "_" || u == " "
        }
        var values: [String] = []
        for segment in segments {
            let trimmed = segment.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()
            guard segments.count <= maxModalities, trimmed.count <= 16, trimmed.allSatisfy(isCode) else {
                throw QueryParameters.invalid("modality", "must be modalities such as CT or MR (A-Z, 0-9, _; at most 16 characters each, \(maxModalities) at most)")
            }
            if !trimmed.isEmpty { values.append(String(String.UnicodeScalarView(trimmed)).uppercased()) }
        }
        return values
    }
}
