#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import HTTPServer

/// Request content read incrementally, 100-continue, HEAD, streamed responses.
@Suite struct BodyStreamingTests {
    @Test func handlerReadsTheBodyIncrementally() throws {
        let sizes = RecordLog()
        try withServer({ $0.limits.maxBodySize = 10 << 20 }, handler: { req in
            var pieces = 0, total = 0, sum = 0
            while let chunk = try req.body.read() {
                pieces += 1
                total += chunk.count
                sum = chunk.reduce(sum) { ($0 &+ Int($1)) & 0xFFFFFF }
            }
            sizes.add(HTTPAccessRecord(time: 0, user: nil, clientAddress: "", method: "", path: "", status: pieces, bytesSent: total, duration: 0))
            return .text("\(total) \(sum) \(req.body.trailers["X-Sum"] ?? "-")")
        }) { server in
            let c = try TestClient(port: server.port)
            // 3 MB in chunked coding, 64 KiB chunks, with a trailer.
            let chunk = [UInt8](repeating: 3, count: 65536)
            try c.send("PUT /f HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n")
            for _ in 0..<48 { try c.send(Array("10000\r\n".utf8) + chunk + [13, 10]) }
            try c.send("0\r\nX-Sum: ok\r\n\r\n")
            let r = try #require(try c.readResponse())
            #expect(r.text == "\(48 * 65536) \((48 * 65536 * 3) & 0xFFFFFF) ok")
            // Many pieces: the handler saw the content as it arrived, never whole.
            #expect((sizes.all.first?.status ?? 0) > 10)
        }
    }

    @Test func largeUploadGoesToATemporaryFile() throws {
        let folder = TemporaryFolder()
        let dir = folder.path
        try withServer({ $0.limits.maxBodySize = 64 << 20 }, handler: { req in
            let file = try req.body.writeToTemporaryFile(in: dir)
            var st = stat()
            stat(file.path, &st)
            return .text("\(file.size) \(st.st_size) \(file.path.hasPrefix(dir))")
        }) { server in
            let c = try TestClient(port: server.port)
            let n = 20 << 20
            try c.send("POST /u HTTP/1.1\r\nHost: t\r\nContent-Length: \(n)\r\n\r\n")
            let block = [UInt8](repeating: 9, count: 1 << 20)
            for _ in 0..<20 { try c.send(block) }
            #expect(try c.readResponse()?.text == "\(n) \(n) true")
            // The file is removed once the request is done with it.
            #expect(eventually { shell("ls '\(folder.path)' | wc -l").output.trimmingSpaces == "0" })
        }
    }

    @Test func continueIsSentOnlyWhenTheHandlerReads() throws {
        var router = HTTPRouter()
        router.put("/accept") { req in .text("got \(try req.body.collect(maxBytes: 100).count)") }
        router.put("/deny") { _ in throw HTTPError(.forbidden, message: "no uploads here") }
        try withServer(responder: router) { server in
            let c = try TestClient(port: server.port)
            try c.send("PUT /accept HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
            let interim = try #require(try c.readResponse())
            #expect(interim.status == 100)
            try c.send("hello")
            #expect(try c.readResponse()?.text == "got 5")
            // Refused without reading: no 100, the final status, and the connection closes
            // because the client may or may not send the content now.
            try c.send("PUT /deny HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
            let denied = try #require(try c.readResponse())
            #expect(denied.status == 403)
            #expect(denied.headers["Connection"] == "close")
            #expect(c.isClosed())
        }
    }

    @Test func headSendsTheFieldsButNoContent() throws {
        var router = HTTPRouter()
        router.get("/doc") { _ in .text("twelve bytes") }
        router.get("/stream") { _ in .stream { try $0.write("x") } }
        try withServer(responder: router) { server in
            let c = try TestClient(port: server.port)
            let h = try c.request("HEAD /doc HTTP/1.1\r\nHost: t\r\n\r\n", head: true)
            #expect(h.status == 200)
            #expect(h.headers["Content-Length"] == "12")
            let s = try c.request("HEAD /stream HTTP/1.1\r\nHost: t\r\n\r\n", head: true)
            #expect(s.headers["Content-Length"] == nil && s.headers["Transfer-Encoding"] == nil)
            // Nothing was sent after the heads: the next response parses cleanly.
            #expect(try c.request("GET /doc HTTP/1.1\r\nHost: t\r\n\r\n").text == "twelve bytes")
        }
    }

    @Test func streamedResponsesAreChunkedOrCounted() throws {
        var router = HTTPRouter()
        router.get("/chunked") { _ in
            .stream { w in for i in 0..<1000 { try w.write("line \(i)\n") } }
        }
        router.get("/counted") { _ in
            .stream(length: 300_000) { w in for _ in 0..<3 { try w.write([UInt8](repeating: 65, count: 100_000)) } }
        }
        try withServer(responder: router) { server in
            let c = try TestClient(port: server.port)
            let chunked = try c.request("GET /chunked HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(chunked.headers["Transfer-Encoding"] == "chunked")
            #expect(chunked.text.hasSuffix("line 999\n"))
            #expect(chunked.text.split(separator: "\n").count == 1000)
            let counted = try c.request("GET /counted HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(counted.headers["Content-Length"] == "300000")
            #expect(counted.body.count == 300_000)
            // HTTP/1.0 has no chunked coding: the end of the content is the end of the connection.
            let old = try TestClient(port: server.port)
            let r = try old.request("GET /chunked HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            #expect(r.headers["Connection"] == "close")
            #expect(r.text.split(separator: "\n").count == 1000)
        }
    }

    @Test func writerFailuresBeforeAndDuringTheContent() throws {
        struct Boom: Error {}
        let errors = RecordLog()
        var router = HTTPRouter()
        router.get("/early") { _ in .stream { _ in throw Boom() } }
        router.get("/late") { _ in
            .stream(length: 1 << 20) { w in
                try w.write([UInt8](repeating: 1, count: 200_000))
                throw Boom()
            }
        }
        router.get("/short") { _ in .stream(length: 10) { try $0.write("abc") } }
        try withServer({ cfg in cfg.errorLog = { _ in errors.add(HTTPAccessRecord(time: 0, user: nil, clientAddress: "", method: "", path: "", status: 0, bytesSent: 0, duration: 0)) } },
                       responder: router) { server in
            let c = try TestClient(port: server.port)
            let early = try c.request("GET /early HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(early.status == 500)
            #expect(early.text.contains("internal_error"))
            let c2 = try TestClient(port: server.port)
            try c2.send("GET /late HTTP/1.1\r\nHost: t\r\n\r\n")
            // The head went out with the first 200000 octets; then the connection is cut.
            #expect(throws: (any Error).self) { _ = try c2.readResponse() }
            // Too short, but nothing had been sent yet: still a proper 500.
            let c3 = try TestClient(port: server.port)
            #expect(try c3.request("GET /short HTTP/1.1\r\nHost: t\r\n\r\n").status == 500)
            #expect(errors.all.count == 3)
        }
    }

    @Test func brokenChunkedContentEndsTheConnection() throws {
        try withServer(handler: { req in .text("\(try req.body.collect(maxBytes: 1000).count)") }) { server in
            let c = try TestClient(port: server.port)
            let r = try c.request("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n")
            #expect(r.status == 400)
            #expect(r.headers["Connection"] == "close")
            #expect(c.isClosed())
        }
    }

    @Test func slowContentTimesOut() throws {
        try withServer({ $0.bodyReadTimeout = 0.3 }, handler: { req in .text("\(try req.body.collect(maxBytes: 1000).count)") }) { server in
            let c = try TestClient(port: server.port)
            let r = try c.request("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc")
            #expect(r.status == 408)
            #expect(c.isClosed())
        }
    }
}

extension String {
    var trimmingSpaces: String { String(self.filter { !$0.isWhitespace }) }
}
