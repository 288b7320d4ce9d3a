import Foundation
import HTTPServer
import Archive
import PACS

/// The web side of the appliance: the routes on top of the HTTP server — the health route
/// that monitoring and scripts use, the JSON API and /metrics behind authentication.
public struct WebApplication: Sendable {
    public let version: String
    public let archive: Archive
    /// Describes where the DICOM server listens, for the health answer.
    public let dicomStatus: @Sendable () -> String
    /// The one user store of the server: accounts, sessions, API tokens, login throttling.
    public let users: UserStore
    /// The stored settings with this run's overrides.
    public let settings: SettingsStore
    /// The DICOM server, whose settings the API changes live.
    public let dicom: DICOMService
    /// Whether the web server speaks TLS (session cookies are then `Secure`) when there is
    /// no `web` module to ask.
    public let secure: Bool
    /// The running web module: TLS state, `/api/settings/http` and its apply.
    public let web: WebService?
    /// The persisted logs, for `/api/logs/*`.
    public let logs: LogStore?
    /// Where unexpected errors (answered as 500) are reported.
    public let errorLog: (@Sendable (HTTPRequest, any Error) -> Void)?
    /// Where changes made through the API are recorded (the audit log).
    public let audit: (@Sendable (AuditLogEntry) -> Void)?
    /// HTTP requests answered, by status class (fed by the server's access log), for /metrics.
    public let requestCounts: HTTPStatusCounts
    /// When the application was made (`ProcessInfo.systemUptime`), for the uptime.
    let startedAt = ProcessInfo.processInfo.systemUptime

    public init(version: String, archive: Archive, users: UserStore, settings: SettingsStore, dicom: DICOMService,
                secure: Bool = false, web: WebService? = nil, logs: LogStore? = nil,
                dicomStatus: @escaping @Sendable () -> String,
                errorLog: (@Sendable (HTTPRequest, any Error) -> Void)? = nil,
                audit: (@Sendable (AuditLogEntry) -> Void)? = nil, requestCounts: HTTPStatusCounts = HTTPStatusCounts()) {
        self.version = version
        self.archive = archive
        self.users = users
        self.settings = settings
        self.dicom = dicom
        self.secure = secure
        self.web = web
        self.logs = logs
        self.dicomStatus = dicomStatus
        self.errorLog = errorLog
        self.audit = audit
        self.requestCounts = requestCounts
    }

    public func router() -> HTTPRouter {
        var r = HTTPRouter()
        r.use(SecurityHeadersMiddleware())
        r.use(APIErrorMiddleware(log: errorLog))
        r.use(AuthenticationMiddleware(users: users))
        r.get("/api/health") { _ in health() }
        let auditor = Auditor(sink: audit)
        let secureCookies: @Sendable () -> Bool = { [web, secure] in web?.isSecure ?? secure }
        SessionController(users: users, secureCookies: secureCookies, audit: auditor).register(on: &r)
        UsersController(users: users, secureCookies: secureCookies, audit: auditor).register(on: &r)
        TokensController(users: users, audit: auditor).register(on: &r)
        PeersController(archive: archive, settings: settings, dicom: dicom, audit: auditor).register(on: &r)
        SettingsController(settings: settings, dicom: dicom, audit: auditor).register(on: &r)
        if let web { HTTPSettingsController(web: web, audit: auditor).register(on: &r) }
        if let logs { LogsController(logs: logs).register(on: &r) }
        SystemController(version: version, archive: archive, dicom: dicom, startedAt: startedAt).register(on: &r)
        StudiesController(archive: archive, audit: auditor).register(on: &r)
        SeriesController(archive: archive, audit: auditor).register(on: &r)
        InstancesController(archive: archive, dicom: dicom, audit: auditor).register(on: &r)
        MetricsController(version: version, archive: archive, dicom: dicom, startedAt: startedAt, requests: requestCounts).register(on: &r)
        return r
    }

    /// `GET /api/health`, without authentication: whether the index answers.
    func health() -> HTTPResponse {
        let indexOK = (try? archive.statistics()) != nil
        let body = "{\"status\":\"\(indexOK ? "ok" : "degraded")\",\"version\":\(JSONText.string(version)),\"index\":\(indexOK),\"dicom\":\(JSONText.string(dicomStatus()))}"
        return HTTPResponse.json(Array(body.utf8), status: indexOK ? .ok : .serviceUnavailable)
    }
}
