import Foundation
import HTTPServer
import PACS

/// `/api/tokens`: API tokens for scripts. The secret is in the creation answer only. Users
/// see and revoke their own tokens; admins see and revoke everyone's.
struct TokensController {
    let users: UserStore
    let audit: Auditor

    func register(on r: inout HTTPRouter) {
        r.get("/api/tokens") { try list($0) }
        r.post("/api/tokens") { try create($0) }
        r.delete("/api/tokens/{id}") { try revoke($0) }
    }

    static func json(_ t: APIToken) -> [String: Any] {
        ["id": t.id, "userId": t.userID, "name": t.name, "createdAt": t.createdAt, "lastUsedAt": t.lastUsedAt.map { $0 as Any } ?? NSNull()]
    }

    func list(_ request: HTTPRequest) throws -> HTTPResponse {
        let a = try request.auth()
        return try JSONIO.response(try users.apiTokens(of: a.user.isAdmin ? nil : a.user).map(Self.json))
    }

    func create(_ request: HTTPRequest) throws -> HTTPResponse {
        let a = try request.auth()
        let f = JSONFields(try JSONIO.object(request))
        let (token, info) = try users.createAPIToken(user: a.user, name: try f.requiredString("name"))
        audit.record(request, "token.create", target: info.name)
        var body = Self.json(info)
        body["token"] = token
        return try JSONIO.response(body, status: .created)
    }

    func revoke(_ request: HTTPRequest) throws -> HTTPResponse {
        let a = try request.auth()
        guard let id = Int(try request.parameter("id")) else { throw HTTPError.notFound("no API token with that id") }
        try users.revokeAPIToken(id: id, of: a.user.isAdmin ? nil : a.user)
        audit.record(request, "token.revoke", target: String(id))
        return HTTPResponse(status: .noContent)
    }
}
