import Foundation
import Archive
import HTTPServer

/// What the study, series and instance routes share: reading the `{uid}` path parameter and
/// deleting (admin only, audited).
enum ArchiveRoutes {
    /// The `{uid}` path parameter. A value with control characters or longer than 256
    /// characters names nothing the archive holds: 404 like any unknown UID.
    static func uid(_ request: HTTPRequest, _ level: Archive.Level) throws -> String {
        let uid = try request.parameter("uid")
        guard uid.count <= 256, !uid.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw notFound(level)
        }
        return uid
    }

    static func notFound(_ level: Archive.Level) -> HTTPError {
        HTTPError(.notFound, code: "not_found", message: "no \(level.rawValue) with that UID")
    }

    /// `DELETE /api/{studies,series,instances}/{uid}`: the files and index rows go together
    /// (`Archive.delete`); answers how many instances went, and records it in the audit log.
    static func delete(_ level: Archive.Level, _ request: HTTPRequest, archive: Archive, audit: Auditor) throws -> HTTPResponse {
        _ = try request.admin()
        let uid = try uid(request, level)
        let count: Int
        do {
            count = try archive.delete(level, uid: uid)
        } catch ArchiveError.notFound {
            throw notFound(level)
        }
        audit.record(request, "\(level.rawValue).delete", target: uid, detail: "\(count) instance(s)")
        return try JSONIO.response(["level": level.rawValue, "uid": uid, "deletedInstances": count] as [String: Any])
    }

    /// `/api/instances/<uid>` with the UID percent-encoded (for Location).
    static func instancePath(_ uid: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: ".-_~")
        return "/api/instances/" + (uid.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")
    }
}
