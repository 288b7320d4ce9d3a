import HTTPServer
import Archive

/// The web side of the appliance: the routes on top of the HTTP server. For now the health
/// route that monitoring and scripts use; the admin API and the portal are added here.
public struct WebApplication: Sendable {
    public let version: String
    public let archive: Archive
    /// Describes where the DICOM server listens, for the health answer.
    public let dicomStatus: @Sendable () -> String

    public init(version: String, archive: Archive, dicomStatus: @escaping @Sendable () -> String) {
        self.version = version
        self.archive = archive
        self.dicomStatus = dicomStatus
    }

    public func router() -> HTTPRouter {
        var r = HTTPRouter()
        r.use(HTTPErrorMiddleware())
        r.get("/api/health") { _ in health() }
        return r
    }

    /// `GET /api/health`, without authentication: whether the index answers.
    func health() -> HTTPResponse {
        let indexOK = (try? archive.statistics()) != nil
        let body = "{\"status\":\"\(indexOK ? "ok" : "degraded")\",\"version\":\(JSONText.string(version)),\"index\":\(indexOK),\"dicom\":\(JSONText.string(dicomStatus()))}"
        return HTTPResponse.json(Array(body.utf8), status: indexOK ? .ok : .serviceUnavailable)
    }
}
