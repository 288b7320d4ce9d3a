import Foundation
import Archive
import HTTPServer
import PACS

/// `GET /metrics`: the server's figures in the Prometheus text format 0.0.4 (SPEC §7). Like
/// every route but the health check it needs a logged-in user: a Prometheus scrape job sends
/// an API token (`authorization: {credentials: <token>}`) or `basic_auth`.
struct MetricsController {
    let version: String
    let archive: Archive
    let dicom: DICOMService
    /// `ProcessInfo.systemUptime` when the web application was made.
    let startedAt: Double
    let requests: HTTPStatusCounts

    func register(on r: inout HTTPRouter) {
        r.get("/metrics") { try metrics($0) }
    }

    func metrics(_ request: HTTPRequest) throws -> HTTPResponse {
        _ = try request.auth()
        let s = try archive.statistics()
        let d = dicom.provider.counters.snapshot
        var t = PrometheusText()
        t.family("swiftpacs_build_info", .gauge, help: "The running swiftpacs version (the value is always 1).", [([("version", version)], 1)])
        t.single("swiftpacs_uptime_seconds", .gauge, help: "Seconds since the web application started.",
                 (max(0, ProcessInfo.processInfo.systemUptime - startedAt) * 1000).rounded() / 1000)
        t.single("swiftpacs_archive_patients", .gauge, help: "Patients in the archive index.", Double(s.patients))
        t.single("swiftpacs_archive_studies", .gauge, help: "Studies in the archive index.", Double(s.studies))
        t.single("swiftpacs_archive_series", .gauge, help: "Series in the archive index.", Double(s.series))
        t.single("swiftpacs_archive_instances", .gauge, help: "Instances in the archive index.", Double(s.instances))
        t.single("swiftpacs_archive_stored_bytes", .gauge, help: "Bytes of the stored Part 10 files.", Double(s.bytesStored))
        t.single("swiftpacs_disk_free_bytes", .gauge, help: "Bytes available on the file system of the data directory.", Double(s.diskFree))
        t.single("swiftpacs_disk_total_bytes", .gauge, help: "Size of the file system of the data directory in bytes.", Double(s.diskTotal))
        t.single("swiftpacs_dicom_associations_active", .gauge, help: "DICOM associations in progress.", Double(dicom.activeAssociations))
        t.family("swiftpacs_dicom_associations_total", .counter, help: "DICOM associations requested since start, by outcome.",
                 [([("outcome", "accepted")], Double(d.associationsAccepted)), ([("outcome", "rejected")], Double(d.associationsRejected))])
        t.family("swiftpacs_dicom_requests_total", .counter, help: "DIMSE requests received since start, by command.",
                 DICOMCounters.Operation.allCases.map { ([("command", $0.rawValue)], Double(d.operations[$0] ?? 0)) })
        t.family("swiftpacs_dicom_stores_total", .counter, help: "C-STORE requests handled since start, by outcome.",
                 DICOMCounters.StoreOutcome.allCases.map { ([("outcome", $0.rawValue)], Double(d.stores[$0] ?? 0)) })
        t.single("swiftpacs_dicom_stored_bytes_total", .counter, help: "Data set bytes stored by C-STORE since start.", Double(d.storedBytes))
        t.family("swiftpacs_http_requests_total", .counter, help: "HTTP requests answered since start, by status class.",
                 requests.byClass.map { ([("code", $0.0)], Double($0.1)) })
        return HTTPResponse(status: .ok, headers: ["Content-Type": PrometheusText.contentType, "Cache-Control": "no-store"],
                            body: .bytes(Array(t.text.utf8)))
    }
}
