import Testing
@testable import HTTPServer

/// Router, middleware and error rendering, without sockets.
@Suite struct RouterTests {
    static func request(_ method: String, _ target: String, headers: HTTPHeaders = ["Host": "t"]) -> HTTPRequest {
        HTTPRequest(head: HTTPRequestHead(method: method, target: target, headers: headers), clientAddress: "127.0.0.1")
    }

    static func router() -> HTTPRouter {
        var r = HTTPRouter()
        r.use(HTTPErrorMiddleware())
        r.get("/api/peers") { _ in .text("list") }
        r.post("/api/peers") { _ in .text("create") }
        r.get("/api/peers/{id}") { req in .text("peer \(try req.parameter("id"))") }
        r.delete("/api/peers/{id}") { req in .text("delete \(try req.parameter("id"))") }
        r.get("/api/peers/default") { _ in .text("the default peer") }
        r.get("/api/peers/{id}/echo/{n}") { req in .text("\(req.parameters["id"]!) \(req.parameters["n"]!)") }
        r.get("/files/{path...}") { req in .text("files \(req.wildcardSegments.joined(separator: "|"))") }
        r.add("HEAD", "/special") { _ in HTTPResponse(status: .noContent) }
        r.get("/special") { _ in .text("get") }
        r.get("/") { _ in .text("root") }
        return r
    }

    struct RouteCase: Sendable, CustomTestStringConvertible {
        let method: String
        let target: String
        let status: Int
        let body: String?
        var testDescription: String { "\(method) \(target) → \(status)" }
    }

    @Test(arguments: [
        RouteCase(method: "GET", target: "/", status: 200, body: "root"),
        RouteCase(method: "GET", target: "/api/peers", status: 200, body: "list"),
        RouteCase(method: "POST", target: "/api/peers", status: 200, body: "create"),
        RouteCase(method: "GET", target: "/api/peers/7", status: 200, body: "peer 7"),
        RouteCase(method: "GET", target: "/api/peers/a%20b", status: 200, body: "peer a b"),
        RouteCase(method: "GET", target: "/api/peers/a%2Fb", status: 200, body: "peer a/b"),
        RouteCase(method: "GET", target: "/api/peers/default", status: 200, body: "the default peer"),
        RouteCase(method: "DELETE", target: "/api/peers/9", status: 200, body: "delete 9"),
        RouteCase(method: "GET", target: "/api/peers/3/echo/4?x=1", status: 200, body: "3 4"),
        RouteCase(method: "GET", target: "/files/a/b/c.txt", status: 200, body: "files a|b|c.txt"),
        RouteCase(method: "GET", target: "/files/", status: 200, body: "files "),
        RouteCase(method: "HEAD", target: "/api/peers/7", status: 200, body: "peer 7"),
        RouteCase(method: "HEAD", target: "/special", status: 204, body: nil),
        RouteCase(method: "GET", target: "/special", status: 200, body: "get"),
        RouteCase(method: "GET", target: "/api/peer", status: 404, body: nil),
        RouteCase(method: "GET", target: "/api/peers/", status: 404, body: nil),
        RouteCase(method: "GET", target: "/api/peers/1/2", status: 404, body: nil),
        RouteCase(method: "PUT", target: "/api/peers/7", status: 405, body: nil),
        RouteCase(method: "GET", target: "/api/peers/%zz", status: 400, body: nil),
        RouteCase(method: "OPTIONS", target: "/api/peers", status: 204, body: nil),
    ])
    func routing(_ c: RouteCase) throws {
        let response = try Self.router().respond(to: Self.request(c.method, c.target))
        #expect(response.status.code == c.status)
        if let body = c.body { #expect(String(decoding: try response.collectBody(), as: UTF8.self) == body) }
    }

    @Test func methodNotAllowedListsAllow() throws {
        let r = try Self.router().respond(to: Self.request("PATCH", "/api/peers/1"))
        #expect(r.status == .methodNotAllowed)
        #expect(r.headers["Allow"] == "DELETE, GET, HEAD")
        let options = try Self.router().respond(to: Self.request("OPTIONS", "/api/peers"))
        #expect(options.headers["Allow"] == "GET, HEAD, POST, OPTIONS")
    }

    @Test func errorsBecomeJSON() throws {
        var r = HTTPRouter()
        r.use(HTTPErrorMiddleware())
        r.post("/v") { _ in throw HTTPError(.unprocessableContent, code: "invalid_field", message: "port must be 1-65535 \"quoted\"\n", field: "port") }
        r.get("/crash") { _ in struct Secret: Error {}; throw Secret() }
        let v = try r.respond(to: Self.request("POST", "/v"))
        #expect(v.status.code == 422)
        #expect(v.headers["Content-Type"] == "application/json; charset=utf-8")
        #expect(String(decoding: try v.collectBody(), as: UTF8.self)
                == #"{"error": {"code": "invalid_field", "message": "port must be 1-65535 \"quoted\"\n", "field": "port"}}"#)
        let nf = try r.respond(to: Self.request("GET", "/nothing"))
        #expect(String(decoding: try nf.collectBody(), as: UTF8.self)
                == #"{"error": {"code": "not_found", "message": "no resource at /nothing", "field": null}}"#)
        let crash = try r.respond(to: Self.request("GET", "/crash"))
        #expect(crash.status.code == 500)
        #expect(!String(decoding: try crash.collectBody(), as: UTF8.self).contains("Secret"))
    }

    @Test func middlewareRunsInOrderAroundTheHandler() throws {
        let trace = RecordLog()
        @Sendable func mark(_ s: Int) { trace.add(HTTPAccessRecord(time: 0, user: nil, clientAddress: "", method: "", path: "", status: s, bytesSent: 0, duration: 0)) }
        var r = HTTPRouter()
        r.use(HTTPErrorMiddleware())
        r.use(HTTPClosureMiddleware { req, next in
            mark(1)
            var res = try next(req)
            mark(4)
            res.headers.add("X-Outer", "1")
            return res
        })
        // Authentication: refuses without a token, sets the user otherwise.
        r.use(HTTPClosureMiddleware { req, next in
            mark(2)
            guard req.headers["Authorization"] == "Bearer good" else {
                throw HTTPError(.unauthorized, code: "unauthenticated", message: "log in first", headers: ["WWW-Authenticate": "Bearer"])
            }
            req.user = "alice"
            return try next(req)
        })
        r.get("/me") { req in mark(3); return .text(req.user ?? "-") }
        let ok = try r.respond(to: Self.request("GET", "/me", headers: ["Host": "t", "Authorization": "Bearer good"]))
        #expect(String(decoding: try ok.collectBody(), as: UTF8.self) == "alice")
        #expect(ok.headers["X-Outer"] == "1")
        #expect(trace.all.map(\.status) == [1, 2, 3, 4])
        let denied = try r.respond(to: Self.request("GET", "/me"))
        #expect(denied.status.code == 401)
        #expect(denied.headers["WWW-Authenticate"] == "Bearer")
        // 404s pass through the chain too (logging and auth middleware see them).
        let missing = try r.respond(to: Self.request("GET", "/nope", headers: ["Host": "t", "Authorization": "Bearer good"]))
        #expect(missing.status.code == 404)
    }

    @Test func endpointsListWhatWasAddedInOrder() {
        let listed = Self.router().endpoints.map(\.description)
        #expect(listed.first == "GET /api/peers")
        #expect(listed.contains("GET /files/{path...}") && listed.contains("HEAD /special"))
        #expect(listed.count == 10, "the implicit HEAD of GET routes is not listed")
        #expect(HTTPRouter().endpoints.isEmpty)
    }

    @Test func bodyLimitFollowsTheRoute() {
        var r = HTTPRouter()
        r.put("/upload/{name}", maxBodySize: 1 << 30) { _ in .text("") }
        r.put("/other") { _ in .text("") }
        #expect(r.bodyLimit(for: HTTPRequestHead(method: "PUT", target: "/upload/x")) == 1 << 30)
        #expect(r.bodyLimit(for: HTTPRequestHead(method: "PUT", target: "/other")) == nil)
        #expect(r.bodyLimit(for: HTTPRequestHead(method: "PUT", target: "/nowhere")) == nil)
    }

    @Test func queryParameters() {
        let req = Self.request("GET", "/s?name=J%C3%BCrg+M&empty=&flag&name=second")
        #expect(req.query("name") == "Jürg M")
        #expect(req.query("empty") == "")
        #expect(req.query("flag") == "")
        #expect(req.queryItems.count == 4)
        #expect(req.query("missing") == nil)
    }

    @Test func accessLogRecordsEachRequest() throws {
        let log = RecordLog()
        var r = HTTPRouter()
        r.use(HTTPErrorMiddleware())
        r.use(HTTPClosureMiddleware { req, next in
            req.user = req.headers["X-User"]
            return try next(req)
        })
        r.get("/hello") { _ in .text("hello world") }
        try withServer({ $0.accessLog = { log.add($0) } }, responder: r) { server in
            let c = try TestClient(port: server.port)
            _ = try c.request("GET /hello?x=1 HTTP/1.1\r\nHost: t\r\nX-User: bob\r\n\r\n")
            _ = try c.request("DELETE /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            _ = try c.request("GET / HTTP/7.0\r\nHost: t\r\n\r\n")
            #expect(eventually { log.all.count == 3 })
            let all = log.all
            #expect(all[0].user == "bob")
            #expect(all[0].method == "GET" && all[0].path == "/hello?x=1" && all[0].status == 200)
            #expect(all[0].bytesSent == 11)
            #expect(all[0].clientAddress == "127.0.0.1")
            #expect(all[0].duration >= 0 && all[0].duration < 5)
            #expect(abs(all[0].time - wallClock()) < 60)
            #expect(all[0].logLine.contains("\"GET /hello?x=1\" 200 11"))
            #expect(all[1].user == nil && all[1].status == 405)
            #expect(all[2].method == "-" && all[2].status == 505)
        }
    }
}
