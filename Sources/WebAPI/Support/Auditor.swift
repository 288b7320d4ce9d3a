import HTTPServer
import PACS

/// Records who changed what through the API in the audit log (`/api/logs/audit`, SPEC §5).
struct Auditor: Sendable {
    let sink: (@Sendable (AuditLogEntry) -> Void)?

    func record(_ request: HTTPRequest, _ action: String, target: String, detail: String = "", user: String? = nil) {
        sink?(AuditLogEntry(user: user ?? request.user ?? "", client: request.clientAddress, action: action,
                            target: target, detail: detail))
    }
}
