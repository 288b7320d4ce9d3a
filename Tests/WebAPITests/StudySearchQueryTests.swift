import Testing
import Archive
import DICOM
import HTTPServer
@testable import WebAPI

@Suite struct StudySearchQueryTests {
    func search(_ query: String) throws -> StudySearch {
        let request = HTTPRequest(head: HTTPRequestHead(method: "GET", target: "/api/studies" + query, headers: [:]))
        return try StudySearch(query: QueryParameters(request, allowed: StudySearch.parameters))
    }

    func refusal(_ query: String) -> HTTPError? {
        do {
            _ = try search(query)
            return nil
        } catch {
            return error as? HTTPError
        }
    }

    @Test func defaultsAndEveryParameter() throws {
        let d = try search("")
        #expect(d.limit == 100 && d.offset == 0 && d.sort == .studyDate && d.descending && d.patientName == nil && d.modalities.isEmpty)
        let s = try search("?patientName=smi%5Ejo&patientId=P%2A&accessionNumber=A1&studyDescription=brain+mr&dateFrom=2024-01-02"
                           + "&dateTo=20240131&modality=ct,%20mr%5CSR&limit=1000&offset=20&sort=patientName&order=desc")
        #expect(s.patientName == "smi^jo" && s.patientID == "P*" && s.accessionNumber == "A1" && s.studyDescription == "brain mr")
        #expect(s.dateFrom == DICOMDate(year: 2024, month: 1, day: 2) && s.dateTo == DICOMDate(year: 2024, month: 1, day: 31))
        #expect(s.modalities == ["CT", "MR", "SR"] && s.limit == 1000 && s.offset == 20 && s.sort == .patientName && s.descending)
        #expect(try search("?sort=patientId").descending == false, "text sorts A to Z unless told")
        #expect(try search("?sort=receivedAt").descending, "dates newest first unless told")
        #expect(try search("?sort=studyDate&order=asc").descending == false)
        #expect(try search("?patientName=&limit=5").patientName == nil, "an empty value is no filter")
    }

    @Test(arguments: [
        ("?dateFrom=2024-02-30", "invalid_date", "dateFrom"), ("?dateTo=2024131", "invalid_date", "dateTo"),
        ("?dateFrom=20240101%20", "invalid_date", "dateFrom"), ("?dateFrom=2024.01.01", "invalid_date", "dateFrom"),
        ("?dateFrom=yesterday", "invalid_date", "dateFrom"), ("?dateFrom=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%94%EF%BC%90%EF%BC%91%EF%BC%90%EF%BC%91", "invalid_date", "dateFrom"),
        ("?dateFrom=20240201&dateTo=20240101", "invalid_date_range", "dateTo"),
        ("?limit=0", "invalid_parameter", "limit"), ("?limit=1001", "invalid_parameter", "limit"), ("?limit=-1", "invalid_parameter", "limit"),
        ("?limit=1e3", "invalid_parameter", "limit"), ("?offset=99999999999999999999", "invalid_parameter", "offset"),
        ("?offset=+5", "invalid_parameter", "offset"), ("?sort=studyDate;DROP", "invalid_parameter", "sort"),
        ("?sort=st.id", "invalid_parameter", "sort"), ("?order=sideways", "invalid_parameter", "order"),
        ("?modality=CT')--", "invalid_parameter", "modality"), ("?modality=" + String(repeating: "A", count: 17), "invalid_parameter", "modality"),
        ("?patientName=a%00b", "invalid_parameter", "patientName"), ("?patientId=%0A", "invalid_parameter", "patientId"),
        ("?studyDescription=" + String(repeating: "x", count: 257), "invalid_parameter", "studyDescription"),
        ("?patientname=smith", "unknown_parameter", "patientname"), ("?patientName=a&patientName=b", "repeated_parameter", "patientName"),
        ("?patientName=%E0%80", "invalid_query", nil), ("?patientName=%G1", "invalid_query", nil),
    ] as [(String, String, String?)])
    func refusesWithCodeAndField(query: String, code: String, field: String?) {
        let e = refusal(query)
        #expect(e?.status == .badRequest && e?.code == code && e?.field == field, "\(query)")
    }

    @Test func hostileTextIsKeptAsData() throws {
        let s = try search("?patientName=%27%20OR%201%3D1%20--&studyDescription=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
        #expect(s.patientName == "' OR 1=1 --" && s.studyDescription == "<script>alert(1)</script>")
    }
}
