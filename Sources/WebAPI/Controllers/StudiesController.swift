import Archive
import HTTPServer

/// `/api/studies`: the study search of the portal and of scripts, a study with its series,
/// and deleting a study (SPEC §4, §5). Any logged-in user searches and reads; deleting needs
/// the admin role.
struct StudiesController {
    let archive: Archive
    let audit: Auditor

    func register(on r: inout HTTPRouter) {
        r.get("/api/studies") { try search($0) }
        r.get("/api/studies/{uid}") { try read($0) }
        r.delete("/api/studies/{uid}") { try ArchiveRoutes.delete(.study, $0, archive: archive, audit: audit) }
    }

    func search(_ request: HTTPRequest) throws -> HTTPResponse {
        _ = try request.auth()
        let search = try StudySearch(query: QueryParameters(request, allowed: StudySearch.parameters))
        return try JSONIO.response(ArchiveJSON.page(try archive.searchStudies(search)))
    }

    func read(_ request: HTTPRequest) throws -> HTTPResponse {
        _ = try request.auth()
        let uid = try ArchiveRoutes.uid(request, .study)
        guard let study = try archive.study(uid: uid), let series = try archive.seriesList(studyUID: uid) else {
            throw ArchiveRoutes.notFound(.study)
        }
        var json = ArchiveJSON.study(study)
        json["series"] = series.map(ArchiveJSON.series)
        return try JSONIO.response(json)
    }
}
