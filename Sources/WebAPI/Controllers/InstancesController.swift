import Foundation
import Archive
import DICOM
import HTTPServer
import PACS

/// `/api/instances`: an instance's details and data set, its stored file, uploading a Part 10
/// file, and deleting. Any logged-in user reads and downloads (downloads are audited);
/// uploading needs the upload right (`canUpload`) or the admin role; deleting the admin role.
struct InstancesController {
    let archive: Archive
    let dicom: DICOMService
    let audit: Auditor

    func register(on r: inout HTTPRouter) {
        r.get("/api/instances/{uid}") { try read($0) }
        r.get("/api/instances/{uid}/file") { try download($0) }
        r.post("/api/instances", maxBodySize: InstanceUpload.maxSize) { try upload($0) }
        r.delete("/api/instances/{uid}") { try ArchiveRoutes.delete(.instance, $0, archive: archive, audit: audit) }
    }

    func instance(_ request: HTTPRequest) throws -> InstanceSummary {
        _ = try request.auth()
        guard let i = try archive.instance(uid: try ArchiveRoutes.uid(request, .instance)) else { throw ArchiveRoutes.notFound(.instance) }
        return i
    }

    /// The index's values, the names of the SOP class and transfer syntax, and the data set as
    /// DICOM JSON without bulk data (`InstanceDataSet`).
    func read(_ request: HTTPRequest) throws -> HTTPResponse {
        let i = try instance(request)
        let dataSet = try InstanceDataSet.read(path: i.path)
        var json = ArchiveJSON.instance(i)
        json["sopClassName"] = UIDDictionary.entry(for: i.sopClassUID)?.name ?? ""
        json["transferSyntaxName"] = TransferSyntax.isKnown(i.transferSyntaxUID) ? TransferSyntax.forUID(i.transferSyntaxUID).name : ""
        json["omittedBulkData"] = dataSet.omitted.map { o -> [String: Any] in
            ["path": o.path, "vr": o.vr, "length": o.length.map { $0 as Any } ?? NSNull()]
        }
        return try JSONIO.response(json, rawMembers: ["dataSet": dataSet.json])
    }

    /// The stored Part 10 file as it is, streamed, with ranges and validators. The file name
    /// is the SOP Instance UID only when it is made of digits and dots.
    func download(_ request: HTTPRequest) throws -> HTTPResponse {
        let i = try instance(request)
        let safe = !i.sopInstanceUID.isEmpty && i.sopInstanceUID.count <= 64
            && i.sopInstanceUID.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E }
        let headers: HTTPHeaders = ["Content-Disposition": "attachment; filename=\"\(safe ? i.sopInstanceUID : "instance").dcm\"",
                                    "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-cache"]
        let response = try HTTPStaticFiles.serveFile(request, path: i.path, contentType: "application/dicom", headers: headers)
        if request.method == "GET", response.status == .ok || response.status == .partialContent {
            audit.record(request, "instance.download", target: i.sopInstanceUID, detail: response.headers["Content-Range"] ?? "\(i.size) bytes")
        }
        return response
    }

    func upload(_ request: HTTPRequest) throws -> HTTPResponse {
        let caller = try request.auth()
        guard caller.user.mayUpload else {
            throw HTTPError(.forbidden, code: "forbidden", message: "uploading needs the admin role or the upload right (canUpload)")
        }
        try InstanceUpload.checkMediaType(request)
        let spooled = try request.body.writeToTemporaryFile(in: archive.files.temporaryDirectory)
        let stored = try InstanceUpload.store(path: spooled.path, archive: archive, duplicates: dicom.provider.duplicatePolicy)
        audit.record(request, "instance.upload", target: stored.sopInstanceUID, detail: InstanceUpload.name(stored.outcome))
        guard let i = try archive.instance(uid: stored.sopInstanceUID) else { throw ArchiveRoutes.notFound(.instance) }
        var json = ArchiveJSON.instance(i)
        json["outcome"] = InstanceUpload.name(stored.outcome)
        var response = try JSONIO.response(json, status: stored.outcome == .duplicateKept ? .ok : .created)
        response.headers.set("Location", ArchiveRoutes.instancePath(i.sopInstanceUID))
        return response
    }
}
