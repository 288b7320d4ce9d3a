import Foundation
import HTTPServer
import TLS
import PACS

/// Who made a request, and how they proved it.
struct AuthContext: Sendable {
    enum Method: Sendable {
        /// The browser's session cookie, with the session's token and CSRF token.
        case session(token: String, csrf: String)
        case basic
        case bearer
    }
    let user: User
    let method: Method

    static let attribute = "swiftpacs.auth"
}

extension HTTPRequest {
    /// The authenticated caller (set by `AuthenticationMiddleware`); 401 if there is none.
    func auth() throws -> AuthContext {
        guard let a = attributes[AuthContext.attribute] as? AuthContext else { throw Authentication.unauthorized }
        return a
    }

    /// The caller, who must be an admin (403 `forbidden` otherwise).
    func admin() throws -> AuthContext {
        let a = try auth()
        guard a.user.isAdmin else {
            throw HTTPError(.forbidden, code: "forbidden", message: "this needs the admin role")
        }
        return a
    }
}

enum Authentication {
    static let cookieName = "swiftpacs_session"

    static let unauthorized = HTTPError(.unauthorized, code: "unauthorized",
                                        message: "log in first: POST /api/session, HTTP Basic or a bearer token")
    static let invalidCredentials = HTTPError(.unauthorized, code: "invalid_credentials",
                                              message: "unknown user or wrong password")

    static let realm = "SwiftPACS"

    /// The challenges a 401 carries (RFC 9110 §11.6.1), one `WWW-Authenticate` field each.
    /// Scripts and tools get `Basic` (RFC 7617, UTF-8) and `Bearer` (RFC 6750, with
    /// `error="invalid_token"` when a token was refused). The browser UI gets `Bearer` only, so
    /// that no browser answers a 401 with a login dialog of its own: a request is the UI's when
    /// it says `X-Requested-With` (the UI's scripts are to send it on every call) or carries the
    /// session cookie.
    static func challenges(for request: HTTPRequest, code: String) -> [String] {
        let bearer = "Bearer realm=\"\(realm)\"" + (code == "invalid_token" ? ", error=\"invalid_token\"" : "")
        let fromUI = request.headers["X-Requested-With"] != nil || cookie(cookieName, in: request) != nil
        return fromUI ? [bearer] : ["Basic realm=\"\(realm)\", charset=\"UTF-8\"", bearer]
    }

    /// The value of cookie `name` in the request's `Cookie` headers.
    static func cookie(_ name: String, in request: HTTPRequest) -> String? {
        for header in request.headers.values("Cookie") {
            for part in header.split(separator: ";") {
                let kv = part.split(separator: "=", maxSplits: 1)
                if kv.count == 2, kv[0].trimmingCharacters(in: .whitespaces) == name {
                    return kv[1].trimmingCharacters(in: .whitespaces)
                }
            }
        }
        return nil
    }

    /// Compares in time independent of where the first difference is.
    static func same(_ a: String, _ b: String) -> Bool { PasswordHasher.constantTimeEqual(a, b) }
}

/// Lets through `GET /api/health` and `POST /api/session`; everything else needs a session
/// cookie, HTTP Basic or `Authorization: Bearer <API token>`. A cookie-authenticated change
/// (POST, PUT, PATCH, DELETE) also needs `X-CSRF-Token` equal to the session's token.
struct AuthenticationMiddleware: HTTPMiddleware {
    let users: UserStore

    static func isPublic(_ request: HTTPRequest) -> Bool {
        (request.method == "GET" || request.method == "HEAD") && request.path == "/api/health"
            || request.method == "POST" && request.path == "/api/session"
    }

    func handle(_ request: HTTPRequest, next: (HTTPRequest) throws -> HTTPResponse) throws -> HTTPResponse {
        if Self.isPublic(request) { return try next(request) }
        let context = try authenticate(request)
        if case let .session(_, csrf) = context.method, !["GET", "HEAD", "OPTIONS"].contains(request.method) {
            guard let sent = request.headers["X-CSRF-Token"], Authentication.same(sent, csrf) else {
                throw HTTPError(.forbidden, code: "csrf_failed",
                                message: "send the session's CSRF token (from POST /api/session) in X-CSRF-Token")
            }
        }
        request.attributes[AuthContext.attribute] = context
        request.user = context.user.username
        return try next(request)
    }

    func authenticate(_ request: HTTPRequest) throws -> AuthContext {
        if let header = request.headers["Authorization"] {
            let parts = header.split(separator: " ", maxSplits: 1)
            let scheme = parts.first.map { $0.lowercased() } ?? ""
            let value = parts.count == 2 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
            switch scheme {
            case "basic":
                guard let data = Data(base64Encoded: value), let text = String(data: data, encoding: .utf8),
                      let colon = text.firstIndex(of: ":") else {
                    throw HTTPError(.unauthorized, code: "invalid_credentials", message: "malformed Basic credentials")
                }
                let name = String(text[..<colon]), password = String(text[text.index(after: colon)...])
                guard let user = try users.authenticate(username: name, password: password, client: request.clientAddress) else {
                    throw Authentication.invalidCredentials
                }
                return AuthContext(user: user, method: .basic)
            case "bearer":
                guard !value.isEmpty, let user = try users.user(forAPIToken: value) else {
                    throw HTTPError(.unauthorized, code: "invalid_token", message: "unknown or revoked API token")
                }
                return AuthContext(user: user, method: .bearer)
            default:
                throw HTTPError(.unauthorized, code: "unauthorized", message: "use Basic or Bearer authorization")
            }
        }
        if let token = Authentication.cookie(Authentication.cookieName, in: request), !token.isEmpty {
            guard let (user, csrf) = try users.session(forToken: token) else {
                throw HTTPError(.unauthorized, code: "session_expired", message: "the session ended: log in again")
            }
            return AuthContext(user: user, method: .session(token: token, csrf: csrf))
        }
        throw Authentication.unauthorized
    }
}
