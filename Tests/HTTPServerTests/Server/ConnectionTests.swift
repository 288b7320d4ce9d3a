#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import HTTPServer

/// Requests over real loopback sockets: persistence, pipelining, deadlines, limits.
@Suite struct ConnectionTests {
    static let echo: HTTPHandler = { req in
        let body = try req.body.collect(maxBytes: 1 << 20)
        return .text("\(req.method) \(req.head.target) \(body.count)")
    }

    @Test func keepAliveReusesTheConnection() throws {
        try withServer(handler: Self.echo) { server in
            let c = try TestClient(port: server.port)
            for i in 0..<5 {
                let r = try c.request("GET /n\(i) HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(r.status == 200)
                #expect(r.text == "GET /n\(i) 0")
                #expect(r.headers["Connection"] == nil)
                #expect(r.headers["Date"] != nil)
            }
            #expect(server.connectionCount == 1)
        }
    }

    @Test func connectionCloseIsHonoured() throws {
        try withServer(handler: Self.echo) { server in
            let c = try TestClient(port: server.port)
            let r = try c.request("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            #expect(r.headers["Connection"] == "close")
            #expect(c.isClosed())
        }
    }

    @Test func http10KeepAliveOnlyWhenAsked() throws {
        try withServer(handler: Self.echo) { server in
            let c = try TestClient(port: server.port)
            let r1 = try c.request("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            #expect(r1.headers["Connection"] == "keep-alive")
            let r2 = try c.request("GET /b HTTP/1.0\r\n\r\n")
            #expect(r2.text == "GET /b 0")
            #expect(r2.headers["Connection"] == "close")
            #expect(c.isClosed())
        }
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() throws {
        try withServer(handler: Self.echo) { server in
            let c = try TestClient(port: server.port)
            try c.send("GET /1 HTTP/1.1\r\nHost: t\r\n\r\nPOST /2 HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\nabcd"
                       + "HEAD /3 HTTP/1.1\r\nHost: t\r\n\r\nPOST /4 HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nxyz\r\n0\r\n\r\n")
            #expect(try c.readResponse()?.text == "GET /1 0")
            #expect(try c.readResponse()?.text == "POST /2 4")
            let head = try c.readResponse(head: true)
            #expect(head?.headers["Content-Length"] == "9")  // "HEAD /3 0"
            #expect(try c.readResponse()?.text == "POST /4 3")
        }
    }

    @Test func idleConnectionsAreClosedQuietly() throws {
        try withServer({ $0.idleTimeout = 0.3 }, handler: Self.echo) { server in
            let c = try TestClient(port: server.port)
            _ = try c.request("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            let start = Deadline.now
            #expect(c.isClosed())
            #expect(c.buffer.isEmpty)
            #expect(Deadline.now.seconds - start.seconds < 3)
        }
    }

    @Test func slowLorisGets408() throws {
        try withServer({ $0.headTimeout = 0.5 }, handler: Self.echo) { server in
            let c = try TestClient(port: server.port)
            try c.send("GET / HTTP/1.1\r\n")
            var got: TestResponse?
            // One header byte every 100 ms never completes the head in time.
            for byte in "Host: example\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".utf8 {
                usleep(100_000)
                do { try c.send([byte]) } catch { break }
                if let r = try? c.readResponse(timeout: 0.01) { got = r; break }
            }
            if got == nil { got = try c.readResponse() }
            #expect(got?.status == 408)
            #expect(got?.headers["Connection"] == "close")
            #expect(c.isClosed())
        }
    }

    @Test func silentConnectionsAreDropped() throws {
        try withServer({ $0.headTimeout = 0.3 }, handler: Self.echo) { server in
            let c = try TestClient(port: server.port)
            #expect(c.isClosed())
            #expect(c.buffer.isEmpty)
            #expect(eventually { server.connectionCount == 0 })
        }
    }

    struct LimitCase: Sendable, CustomTestStringConvertible {
        let name: String
        let request: String
        let status: Int
        var testDescription: String { name }
    }

    @Test(arguments: [
        LimitCase(name: "request line", request: "GET /\(String(repeating: "x", count: 300)) HTTP/1.1\r\nHost: t\r\n\r\n", status: 414),
        LimitCase(name: "header size", request: "GET / HTTP/1.1\r\nHost: t\r\nX: \(String(repeating: "y", count: 600))\r\n\r\n", status: 431),
        LimitCase(name: "header count", request: "GET / HTTP/1.1\r\nHost: t\r\n" + (0..<12).map { "X-\($0): 1\r\n" }.joined() + "\r\n", status: 431),
        LimitCase(name: "declared body", request: "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 2000\r\n\r\n", status: 413),
        LimitCase(name: "chunked body", request: "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n\(String(repeating: "z", count: 1024))\r\n400\r\n", status: 413),
        LimitCase(name: "no length", request: "POST / HTTP/1.1\r\nHost: t\r\n\r\n", status: 411),
        LimitCase(name: "smuggling", request: "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", status: 400),
        LimitCase(name: "HTTP/2", request: "GET / HTTP/2.0\r\nHost: t\r\n\r\n", status: 505),
        LimitCase(name: "gzip coding", request: "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n", status: 501),
    ])
    func limitsOverSockets(_ c: LimitCase) throws {
        var limits = HTTPLimits()
        limits.maxRequestLineLength = 256
        limits.maxHeaderBytes = 512
        limits.maxHeaderCount = 10
        limits.maxBodySize = 1500
        try withServer({ $0.limits = limits }, handler: Self.echo) { server in
            let client = try TestClient(port: server.port)
            let r = try client.request(c.request)
            #expect(r.status == c.status)
            #expect(r.headers["Connection"] == "close")
            #expect(r.headers["Content-Type"] == "application/json; charset=utf-8")
            #expect(r.text.hasPrefix("{\"error\": {\"code\": "))
            #expect(client.isClosed())
        }
    }

    @Test func perRouteBodyLimit() throws {
        var router = HTTPRouter()
        router.use(HTTPErrorMiddleware())
        router.post("/upload", maxBodySize: 1 << 20) { req in
            .text("\(try req.body.collect(maxBytes: 1 << 20).count)")
        }
        router.post("/small") { req in .text("\(try req.body.collect(maxBytes: 1 << 20).count)") }
        var limits = HTTPLimits()
        limits.maxBodySize = 1000
        try withServer({ $0.limits = limits }, responder: router) { server in
            let big = String(repeating: "b", count: 200_000)
            let c = try TestClient(port: server.port)
            let ok = try c.request("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 200000\r\n\r\n\(big)")
            #expect(ok.text == "200000")
            // Chunked, so the limit is only found while reading: the handler sees the 413.
            let c2 = try TestClient(port: server.port)
            let refused = try c2.request("POST /small HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n7d0\r\n\(String(big.prefix(2000)))\r\n0\r\n\r\n")
            #expect(refused.status == 413)
            #expect(refused.headers["Connection"] == "close")
        }
    }

    @Test func connectionCapAnswers503() throws {
        try withServer({ $0.maxConnections = 3 }, handler: Self.echo) { server in
            let held = try (0..<3).map { _ in try TestClient(port: server.port) }
            for c in held { #expect(try c.request("GET / HTTP/1.1\r\nHost: t\r\n\r\n").status == 200) }
            let extra = try TestClient(port: server.port)
            let r = try #require(try extra.readResponse())
            #expect(r.status == 503)
            #expect(r.headers["Retry-After"] == "1")
            #expect(r.text.contains("too_many_connections"))
            #expect(extra.isClosed())
            held[0].close()
            #expect(eventually { server.connectionCount == 2 })
            let again = try TestClient(port: server.port)
            #expect(try again.request("GET / HTTP/1.1\r\nHost: t\r\n\r\n").status == 200)
        }
    }

    @Test func unreadSmallBodyIsSkippedAndLargeOneCloses() throws {
        try withServer({ $0.drainLimit = 1000 }, handler: { _ in .text("ignored") }) { server in
            let c = try TestClient(port: server.port)
            let small = try c.request("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n0123456789")
            #expect(small.headers["Connection"] == nil)
            #expect(try c.request("GET / HTTP/1.1\r\nHost: t\r\n\r\n").status == 200)
            let large = try c.request("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n" + String(repeating: "L", count: 5000))
            #expect(large.headers["Connection"] == "close")
            #expect(c.isClosed())
        }
    }

    @Test func serverStopClosesIdleConnections() throws {
        var config = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
        config.idleTimeout = 30
        let server = try HTTPServer(configuration: config, responder: HTTPClosureResponder(Self.echo))
        server.start()
        let c = try TestClient(port: server.port)
        _ = try c.request("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        let start = Deadline.now
        server.stop(grace: 5)
        #expect(Deadline.now.seconds - start.seconds < 2)
        #expect(server.connectionCount == 0)
        #expect(c.isClosed())
        #expect(throws: (any Error).self) { _ = try TestClient(port: server.port) }
    }
}
