import HTTPServer
import PACS

/// `/api/users` (admin only) and `PUT /api/session/password` (anyone, their own password).
/// Passwords are write-only: no answer carries a password or a hash.
struct UsersController {
    let users: UserStore
    let secureCookies: @Sendable () -> Bool
    let audit: Auditor

    func register(on r: inout HTTPRouter) {
        r.get("/api/users") { try list($0) }
        r.post("/api/users") { try create($0) }
        r.get("/api/users/{id}") { try read($0) }
        r.put("/api/users/{id}") { try update($0) }
        r.delete("/api/users/{id}") { try remove($0) }
        r.put("/api/session/password") { try changeOwnPassword($0) }
    }

    static func json(_ u: User) -> [String: Any] {
        ["id": u.id, "username": u.username, "role": u.role.rawValue, "enabled": u.enabled, "canSend": u.canSend,
         "canUpload": u.canUpload, "createdAt": u.createdAt, "updatedAt": u.updatedAt, "passwordChangedAt": u.passwordChangedAt]
    }

    static func id(_ request: HTTPRequest) throws -> Int {
        guard let id = Int(try request.parameter("id")), id > 0 else { throw HTTPError.notFound("no user with that id") }
        return id
    }

    static func role(_ f: JSONFields) throws -> UserRole? {
        guard let s = try f.string("role") else { return nil }
        guard let role = UserRole(rawValue: s) else {
            throw HTTPError(.unprocessableContent, code: "invalid_role", message: "role is admin or user", field: "role")
        }
        return role
    }

    func list(_ request: HTTPRequest) throws -> HTTPResponse {
        _ = try request.admin()
        return try JSONIO.response(try users.users().map(Self.json))
    }

    func create(_ request: HTTPRequest) throws -> HTTPResponse {
        _ = try request.admin()
        let f = JSONFields(try JSONIO.object(request))
        let u = try users.createUser(username: try f.requiredString("username"), password: try f.requiredString("password"),
                                     role: try Self.role(f) ?? .user, enabled: try f.bool("enabled") ?? true,
                                     canSend: try f.bool("canSend") ?? false, canUpload: try f.bool("canUpload") ?? false)
        audit.record(request, "user.create", target: u.username, detail: "role \(u.role.rawValue)")
        return try JSONIO.response(Self.json(u), status: .created)
    }

    func read(_ request: HTTPRequest) throws -> HTTPResponse {
        _ = try request.admin()
        let id = try Self.id(request)
        guard let u = try users.user(id: id) else { throw HTTPError.notFound("no user with id \(id)") }
        return try JSONIO.response(Self.json(u))
    }

    func update(_ request: HTTPRequest) throws -> HTTPResponse {
        _ = try request.admin()
        let id = try Self.id(request)
        let f = JSONFields(try JSONIO.object(request))
        let change = UserUpdate(username: try f.string("username"), password: try f.string("password"), role: try Self.role(f),
                                enabled: try f.bool("enabled"), canSend: try f.bool("canSend"), canUpload: try f.bool("canUpload"))
        let u = try users.updateUser(id: id, change)
        let fields = ["username", "password", "role", "enabled", "canSend", "canUpload"].filter { f.has($0) }
        audit.record(request, "user.update", target: u.username, detail: fields.joined(separator: ", "))
        return try JSONIO.response(Self.json(u))
    }

    func remove(_ request: HTTPRequest) throws -> HTTPResponse {
        _ = try request.admin()
        let id = try Self.id(request)
        let name = try users.user(id: id)?.username ?? String(id)
        try users.deleteUser(id: id)
        audit.record(request, "user.delete", target: name)
        return HTTPResponse(status: .noContent)
    }

    /// The caller's own password, given the current one. Every session of the user ends; a
    /// caller on a cookie session gets a fresh one (new cookie and CSRF token).
    func changeOwnPassword(_ request: HTTPRequest) throws -> HTTPResponse {
        let a = try request.auth()
        let f = JSONFields(try JSONIO.object(request))
        let current = try f.requiredString("currentPassword"), new = try f.requiredString("newPassword")
        guard try users.authenticate(username: a.user.username, password: current, client: request.clientAddress) != nil else {
            // The caller is known but their proof for this change is not right: refused (403),
            // not a malformed value (the body matches the document), nor a failed login (401).
            throw HTTPError(.forbidden, code: "wrong_password", message: "the current password is not right",
                            field: "currentPassword")
        }
        do {
            try users.setPassword(userID: a.user.id, to: new)
        } catch let e as UserError where e.field == "password" {
            throw UserError(code: e.code, message: e.message, field: "newPassword")
        }
        audit.record(request, "user.password", target: a.user.username)
        guard case .session = a.method else { return HTTPResponse(status: .noContent) }
        let (token, csrf) = try users.createSession(user: a.user, client: request.clientAddress)
        var r = try JSONIO.response(["csrfToken": csrf])
        r.headers.add("Set-Cookie", SessionController(users: users, secureCookies: secureCookies)
            .cookie(token, maxAge: Int(UserStore.defaultSessionLifetime)))
        return r
    }
}
