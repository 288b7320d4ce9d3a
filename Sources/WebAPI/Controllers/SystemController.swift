import Foundation
import Archive
import HTTPServer
import PACS

/// `GET /api/system`: version, uptime, what the archive holds and the disk (SPEC §4).
struct SystemController {
    let version: String
    let archive: Archive
    let dicom: DICOMService
    /// `ProcessInfo.systemUptime` when the web application was made.
    let startedAt: Double

    func register(on r: inout HTTPRouter) {
        r.get("/api/system") { try system($0) }
    }

    func system(_ request: HTTPRequest) throws -> HTTPResponse {
        _ = try request.auth()
        let s = try archive.statistics()
        let uptime = Int(ProcessInfo.processInfo.systemUptime - startedAt)
        return try JSONIO.response([
            "version": version, "uptimeSeconds": max(uptime, 0), "dicom": dicom.listening,
            "counts": ["patients": s.patients, "studies": s.studies, "series": s.series, "instances": s.instances],
            "disk": ["bytesStored": s.bytesStored, "total": s.diskTotal, "free": s.diskFree],
        ] as [String: Any])
    }
}
