import HTTPServer
import PACS

/// `/api/session`: logging in and out with a session cookie, and who the caller is.
struct SessionController {
    let users: UserStore
    /// Whether the cookie gets `Secure` (the web server speaks TLS).
    let secureCookies: @Sendable () -> Bool
    var audit = Auditor(sink: nil)

    func register(on r: inout HTTPRouter) {
        r.post("/api/session") { try login($0) }
        r.get("/api/session") { try whoAmI($0) }
        r.delete("/api/session") { try logout($0) }
    }

    func login(_ request: HTTPRequest) throws -> HTTPResponse {
        let f = JSONFields(try JSONIO.object(request))
        let name = try f.requiredString("username"), password = try f.requiredString("password")
        guard let user = try users.authenticate(username: name, password: password, client: request.clientAddress) else {
            audit.record(request, "session.login_failed", target: name.count <= 64 ? name : String(name.prefix(64)) + "…", user: "")
            throw Authentication.invalidCredentials
        }
        audit.record(request, "session.login", target: user.username, user: user.username)
        let lifetime = UserStore.defaultSessionLifetime
        let (token, csrf) = try users.createSession(user: user, client: request.clientAddress, lifetime: lifetime)
        request.user = user.username
        var r = try JSONIO.response(["username": user.username, "role": user.role.rawValue, "csrfToken": csrf])
        r.headers.add("Set-Cookie", cookie(token, maxAge: Int(lifetime)))
        return r
    }

    func whoAmI(_ request: HTTPRequest) throws -> HTTPResponse {
        let a = try request.auth()
        var body: [String: Any] = ["id": a.user.id, "username": a.user.username, "role": a.user.role.rawValue,
                                   "canSend": a.user.maySend, "canUpload": a.user.mayUpload]
        switch a.method {
        case let .session(_, csrf): body["method"] = "session"; body["csrfToken"] = csrf
        case .basic: body["method"] = "basic"
        case .bearer: body["method"] = "bearer"
        }
        return try JSONIO.response(body)
    }

    func logout(_ request: HTTPRequest) throws -> HTTPResponse {
        let a = try request.auth()
        if case let .session(token, _) = a.method { _ = try users.deleteSession(token: token) }
        audit.record(request, "session.logout", target: a.user.username)
        var r = HTTPResponse(status: .noContent)
        r.headers.add("Set-Cookie", cookie("", maxAge: 0))
        return r
    }

    func cookie(_ value: String, maxAge: Int) -> String {
        "\(Authentication.cookieName)=\(value); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Strict" + (secureCookies() ? "; Secure" : "")
    }
}
