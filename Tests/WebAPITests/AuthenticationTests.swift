import Foundation
import Testing
import Archive
import HTTPServer
@testable import PACS
@testable import TLS
@testable import WebAPI

/// A user store over a fresh index in a temporary directory, with cheap hashes.
final class AuthFixture {
    let path = NSTemporaryDirectory() + "swiftpacs-webapi-" + UUID().uuidString
    let index: ArchiveIndex
    let users: UserStore
    let router: HTTPRouter

    init() throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        index = try ArchiveIndex(path: path + "/index.sqlite")
        users = UserStore(index: index, clock: UserStore.systemClock, throttle: LoginThrottle(), hashIterations: 1000,
                          hasher: { PasswordHasher.hash($0, iterations: 1000) })
        var r = HTTPRouter()
        r.use(APIErrorMiddleware(log: nil))
        r.use(AuthenticationMiddleware(users: users))
        r.get("/api/health") { _ in .text("ok") }
        r.post("/api/session") { _ in .text("login") }
        r.get("/probe") { try .text($0.auth().user.username) }
        r.post("/probe") { try .text($0.admin().user.username) }
        router = r
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func send(_ method: String, _ path: String, _ headers: HTTPHeaders = [:]) throws -> HTTPResponse {
        try router.respond(to: HTTPRequest(head: HTTPRequestHead(method: method, target: path, headers: headers),
                                           clientAddress: "127.0.0.1"))
    }
}

extension HTTPResponse {
    var text: String {
        if case let .bytes(b) = body { return String(decoding: b, as: UTF8.self) }
        return ""
    }
}

@Suite struct AuthenticationMiddlewareTests {
    @Test func publicRoutesNeedNothingAndTheRestNeedsCredentials() throws {
        let f = try AuthFixture()
        #expect(try f.send("GET", "/api/health").status == .ok)
        #expect(try f.send("POST", "/api/session").status == .ok)
        let r = try f.send("GET", "/probe")
        #expect(r.status == .unauthorized)
        #expect(r.text.contains("\"unauthorized\""))
        #expect(try f.send("GET", "/nowhere").status == .unauthorized, "unknown paths do not tell what exists")
    }

    @Test func unauthorizedAnswersCarryChallengesButNoneThatMakesABrowserAsk() throws {
        let f = try AuthFixture()
        let script = try f.send("GET", "/probe")
        #expect(script.headers.values("WWW-Authenticate") == ["Basic realm=\"SwiftPACS\", charset=\"UTF-8\"",
                                                               "Bearer realm=\"SwiftPACS\""])
        let token = try f.send("GET", "/probe", ["Authorization": "Bearer spx_nope"])
        #expect(token.headers.values("WWW-Authenticate").last == "Bearer realm=\"SwiftPACS\", error=\"invalid_token\"")
        for ui in [["X-Requested-With": "XMLHttpRequest"], ["Cookie": "swiftpacs_session=expired"]] as [HTTPHeaders] {
            let r = try f.send("GET", "/probe", ui)
            #expect(r.status == .unauthorized)
            #expect(r.headers.values("WWW-Authenticate") == ["Bearer realm=\"SwiftPACS\""], "\(ui)")
        }
        #expect(try f.send("POST", "/probe", ["Authorization": "Basic " + Data("x:y".utf8).base64EncodedString()])
            .headers.values("WWW-Authenticate").count == 2)
    }

    @Test func basicBearerAndRoles() throws {
        let f = try AuthFixture()
        let alice = try f.users.createUser(username: "alice", password: "alice-password-1")
        let basic = "Basic " + Data("alice:alice-password-1".utf8).base64EncodedString()
        #expect(try f.send("GET", "/probe", ["Authorization": basic]).text == "alice")
        #expect(try f.send("POST", "/probe", ["Authorization": basic]).status == .forbidden, "admin routes refuse a user")
        let wrong = "Basic " + Data("alice:nope-nope-nope".utf8).base64EncodedString()
        #expect(try f.send("GET", "/probe", ["Authorization": wrong]).text.contains("invalid_credentials"))
        let (token, _) = try f.users.createAPIToken(user: alice, name: "t")
        #expect(try f.send("GET", "/probe", ["Authorization": "Bearer \(token)"]).text == "alice")
        #expect(try f.send("GET", "/probe", ["Authorization": "Bearer spx_nope"]).status == .unauthorized)
        #expect(try f.send("GET", "/probe", ["Authorization": "Digest x"]).status == .unauthorized)
    }

    @Test func cookieSessionsNeedTheCSRFTokenForChanges() throws {
        let f = try AuthFixture()
        let admin = try f.users.createUser(username: "root", password: "root-password-1", role: .admin)
        let (token, csrf) = try f.users.createSession(user: admin, client: "127.0.0.1")
        let cookie = "theme=dark; swiftpacs_session=\(token); other=1"
        #expect(try f.send("GET", "/probe", ["Cookie": cookie]).text == "root")
        let refused = try f.send("POST", "/probe", ["Cookie": cookie])
        #expect(refused.status == .forbidden && refused.text.contains("csrf_failed"))
        #expect(try f.send("POST", "/probe", ["Cookie": cookie, "X-CSRF-Token": csrf + "x"]).status == .forbidden)
        #expect(try f.send("POST", "/probe", ["Cookie": cookie, "X-CSRF-Token": csrf]).text == "root")
        _ = try f.users.deleteSession(token: token)
        #expect(try f.send("GET", "/probe", ["Cookie": cookie]).status == .unauthorized)
    }

    @Test func throttledLoginsAnswer429WithRetryAfter() throws {
        let f = try AuthFixture()
        _ = try f.users.createUser(username: "bob", password: "bob-password-12")
        let wrong = "Basic " + Data("bob:wrong-password".utf8).base64EncodedString()
        for _ in 0..<5 { #expect(try f.send("GET", "/probe", ["Authorization": wrong]).status == .unauthorized) }
        let r = try f.send("GET", "/probe", ["Authorization": wrong])
        #expect(r.status == HTTPStatus(code: 429))
        #expect(Int(r.headers["Retry-After"] ?? "") ?? 0 > 0)
    }
}

@Suite struct HelperTests {
    @Test func constantTimeComparison() {
        #expect(Authentication.same("abc", "abc"))
        #expect(!Authentication.same("abc", "abd"))
        #expect(!Authentication.same("abc", "abcd"))
        #expect(Authentication.same("", ""))
    }

    @Test func jsonFieldTypes() throws {
        let object = try JSONSerialization.jsonObject(with: Data(#"{"b": true, "n": 1, "s": "x", "f": 1.5, "z": null}"#.utf8)) as! [String: Any]
        let f = JSONFields(object)
        #expect(try f.bool("b") == true)
        #expect(try f.int("n") == 1)
        #expect(try f.string("s") == "x")
        #expect(try f.string("absent") == nil)
        #expect(throws: HTTPError.self, "null is a wrong type, not an absent member") { try f.string("z") }
        #expect(throws: HTTPError.self) { try f.bool("z") }
        #expect(throws: HTTPError.self) { try f.bool("n") }
        #expect(throws: HTTPError.self) { try f.int("b") }
        #expect(throws: HTTPError.self) { try f.int("f") }
        #expect(throws: HTTPError.self) { try f.string("n") }
        #expect(throws: HTTPError.self) { try f.requiredString("missing") }
    }

    @Test func errorsMapToStatuses() {
        #expect(APIErrorMiddleware.http(UserError(code: "user_exists", message: "m", field: "username")).status == .conflict)
        #expect(APIErrorMiddleware.http(SettingsError(.portUnavailable, "m", field: "port")).status == .conflict)
        #expect(APIErrorMiddleware.http(SettingsError(.invalidAETitle, "m", field: "aeTitle")).status == .unprocessableContent)
        #expect(APIErrorMiddleware.http(SettingsError(.invalidJSON, "m", field: nil)).status == .badRequest)
    }
}
