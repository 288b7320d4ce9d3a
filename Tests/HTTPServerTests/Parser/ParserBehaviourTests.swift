import Testing
@testable import HTTPServer

@Suite struct ParserBehaviourTests {
    struct KeepAliveCase: Sendable, CustomTestStringConvertible {
        let version: String
        let connection: String?
        let keepAlive: Bool
        var testDescription: String { "\(version) Connection: \(connection ?? "-") → \(keepAlive)" }
    }

    @Test(arguments: [
        KeepAliveCase(version: "HTTP/1.1", connection: nil, keepAlive: true),
        KeepAliveCase(version: "HTTP/1.1", connection: "close", keepAlive: false),
        KeepAliveCase(version: "HTTP/1.1", connection: "Close", keepAlive: false),
        KeepAliveCase(version: "HTTP/1.1", connection: "keep-alive, close", keepAlive: false),
        KeepAliveCase(version: "HTTP/1.1", connection: "upgrade", keepAlive: true),
        KeepAliveCase(version: "HTTP/1.0", connection: nil, keepAlive: false),
        KeepAliveCase(version: "HTTP/1.0", connection: "keep-alive", keepAlive: true),
        KeepAliveCase(version: "HTTP/1.0", connection: "Keep-Alive", keepAlive: true),
        KeepAliveCase(version: "HTTP/1.0", connection: "close", keepAlive: false),
    ])
    func keepAlive(_ c: KeepAliveCase) {
        let raw = "GET / \(c.version)\r\nHost: a\r\n" + (c.connection.map { "Connection: \($0)\r\n" } ?? "") + "\r\n"
        let run = parse(Array(raw.utf8))
        #expect(run.outcome == 200)
        #expect(run.heads.first?.keepAlive == c.keepAlive)
    }

    @Test func pipelinedRequestsComeOutInOrder() {
        let raw = "GET /a HTTP/1.1\r\nHost: h\r\n\r\nPOST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nxyz"
            + "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n1\r\nc\r\n0\r\nT: 1\r\n\r\nHEAD /d HTTP/1.1\r\nHost: h\r\n\r\n"
        for step in [nil, 1, 5] as [Int?] {
            let run = parse(Array(raw.utf8), step: step)
            #expect(run.outcome == 200)
            #expect(run.heads.map(\.target) == ["/a", "/b", "/c", "/d"])
            #expect(run.bodies == [[], Array("xyz".utf8), Array("abc".utf8), []])
            #expect(run.trailers[2]["t"] == "1")
            #expect(run.heads[3].isHEAD)
        }
    }

    @Test func headersAreCaseInsensitiveAndRepeatable() throws {
        let raw = "GET /p?q=1&r HTTP/1.1\r\nHOST: h\r\nAccept: a\r\naccept: b\r\nX-List: 1, 2,,3\r\n\r\n"
        let run = parse(Array(raw.utf8))
        let head = try #require(run.heads.first)
        #expect(head.headers["host"] == "h")
        #expect(head.headers.values("ACCEPT") == ["a", "b"])
        #expect(head.headers.list("x-list") == ["1", "2", "3"])
        #expect(head.path == "/p")
        #expect(head.query == "q=1&r")
    }

    @Test func absoluteFormPath() {
        let head = HTTPRequestHead(method: "GET", target: "http://example:8080/a/b?c")
        #expect(head.path == "/a/b")
        #expect(head.query == "c")
        #expect(HTTPRequestHead(method: "GET", target: "http://example").path == "/")
    }

    @Test func expectContinueIsFlagged() {
        let raw = "PUT /f HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nContent-Length: 2\r\n\r\n"
        var p = HTTPRequestParser()
        p.feed(Array(raw.utf8))
        guard case let .head(head) = p.next() else { Issue.record("no head"); return }
        #expect(head.expectsContinue)
        #expect(head.framing == .length(2))
        // The body has not been sent yet: the client waits for 100 Continue.
        #expect(p.next() == .needMore)
        p.feed(Array("ok".utf8))
        #expect(p.next() == .body(Array("ok".utf8)))
        #expect(p.next() == .end(trailers: [:]))
    }

    @Test func bodyLimitCanBeRaisedPerRequest() {
        var limits = HTTPLimits()
        limits.maxBodySize = 4
        let raw = Array("POST /big HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123456789POST /small HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123456789".utf8)
        // A route allowing 100 octets for /big; /small keeps the default and is refused.
        let run = parse(raw, limits: limits) { $0.target == "/big" ? 100 : nil }
        #expect(run.bodies.first == Array("0123456789".utf8))
        #expect(run.outcome == 413)
        #expect(run.heads.count == 2)
    }

    @Test func chunkedBodyLimitCountsEveryChunk() {
        var limits = HTTPLimits()
        limits.maxBodySize = 5
        let ok = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
        #expect(parse(Array(ok.utf8), limits: limits).outcome == 200)
        let over = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n"
        #expect(parse(Array(over.utf8), limits: limits).outcome == 413)
    }

    @Test func lengthRequiredIsConfigurable() {
        var limits = HTTPLimits()
        limits.lengthRequiredMethods = []
        let run = parse(Array("POST /x HTTP/1.1\r\nHost: h\r\n\r\n".utf8), limits: limits)
        #expect(run.outcome == 200)
        #expect(run.heads.first?.framing == HTTPBodyFraming.none)
    }

    @Test func headDeadline() {
        var idle = HTTPRequestParser()
        #expect(idle.headDeadlineExpired() == nil)
        var blank = HTTPRequestParser()
        blank.feed(Array("\r\n".utf8))
        #expect(blank.next() == .needMore)
        #expect(blank.headDeadlineExpired() == nil)
        var partial = HTTPRequestParser()
        partial.feed(Array("GET / HTTP/1.1\r\nHost".utf8))
        #expect(partial.next() == .needMore)
        #expect(partial.headDeadlineExpired() == .requestTimeout)
        #expect(partial.next() == .error(.requestTimeout, reason: "the request head did not arrive in time"))
    }

    @Test func errorsAreSticky() {
        var p = HTTPRequestParser()
        p.feed(Array("GET / HTTP/2.0\r\n\r\n".utf8))
        guard case .error(let s, _) = p.next() else { Issue.record("expected an error"); return }
        #expect(s == .httpVersionNotSupported)
        p.feed(Array("GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8))
        guard case .error(let again, _) = p.next() else { Issue.record("expected the error again"); return }
        #expect(again == .httpVersionNotSupported)
    }

    @Test func largeBodiesArriveInPieces() {
        var p = HTTPRequestParser()
        p.feed(Array("PUT /f HTTP/1.1\r\nHost: h\r\nContent-Length: 300000\r\n\r\n".utf8))
        guard case .head = p.next() else { Issue.record("no head"); return }
        var got = 0
        var fed = 0
        while true {
            switch p.next() {
            case let .body(b): got += b.count
            case .end: #expect(got == 300000); return
            case .needMore:
                let n = min(65536, 300000 - fed)
                p.feed([UInt8](repeating: 7, count: n))
                fed += n
                // The buffer never holds much more than one read.
                #expect(p.bufferedByteCount <= 65536)
            default: Issue.record("unexpected event"); return
            }
        }
    }
}
