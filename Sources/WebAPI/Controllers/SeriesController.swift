import Archive
import HTTPServer

/// `/api/series/{uid}`: a series with its instances (any logged-in user), and deleting it
/// (admin).
struct SeriesController {
    let archive: Archive
    let audit: Auditor

    func register(on r: inout HTTPRouter) {
        r.get("/api/series/{uid}") { try read($0) }
        r.delete("/api/series/{uid}") { try ArchiveRoutes.delete(.series, $0, archive: archive, audit: audit) }
    }

    func read(_ request: HTTPRequest) throws -> HTTPResponse {
        _ = try request.auth()
        let uid = try ArchiveRoutes.uid(request, .series)
        guard let series = try archive.series(uid: uid), let instances = try archive.instanceList(seriesUID: uid) else {
            throw ArchiveRoutes.notFound(.series)
        }
        var json = ArchiveJSON.series(series)
        json["instances"] = instances.map(ArchiveJSON.instance)
        return try JSONIO.response(json)
    }
}
