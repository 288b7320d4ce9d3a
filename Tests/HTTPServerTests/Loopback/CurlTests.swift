#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import HTTPServer

/// The server as curl sees it.
@Suite struct CurlTests {
    final class Site {
        let folder = TemporaryFolder()
        let server: HTTPServer
        var base: String { "http://127.0.0.1:\(server.port)" }

        init() throws {
            folder.mkdir("www")
            folder.write("secret.txt", "top secret")
            folder.write("www/a.txt", "0123456789abcdefghij")
            symlink(folder.path + "/secret.txt", folder.path + "/www/escape.txt")
            let files = try HTTPStaticFiles(root: folder.path + "/www")
            var r = HTTPRouter()
            r.use(HTTPErrorMiddleware())
            r.get("/hello") { _ in .text("hello") }
            r.post("/upload", maxBodySize: 1 << 30) { req in
                var total = 0, sum: UInt64 = 0
                while let chunk = try req.body.read() {
                    total += chunk.count
                    for b in chunk { sum = sum &* 31 &+ UInt64(b) }
                }
                return .text("\(total) \(sum)")
            }
            r.get("/stream/{bytes}", streamHandler)
            r.get("/static/{path...}", files.handler)
            var config = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
            config.limits.maxBodySize = 1 << 20
            server = try HTTPServer(configuration: config, responder: r)
            server.start()
        }

        deinit { server.stop(grace: 1) }

        func curl(_ args: String) -> (status: Int32, output: String) {
            shell("curl --noproxy '*' -sS --max-time 120 \(args)")
        }
    }

    static func checksum(_ bytes: [UInt8]) -> UInt64 { bytes.reduce(0) { $0 &* 31 &+ UInt64($1) } }

    @Test func keepAliveConnectionIsReused() throws {
        let site = try Site()
        let r = site.curl("-v -o /dev/null -o /dev/null \(site.base)/hello \(site.base)/static/a.txt")
        #expect(r.status == 0)
        #expect(r.output.contains("Re-using existing connection"))
        #expect(!r.output.contains("Connection: close"))
    }

    @Test func chunkedUpload() throws {
        let site = try Site()
        var rng = SeededRNG(seed: 42)
        let data = (0..<(5 << 20)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        site.folder.write("upload.bin", data)
        let r = site.curl("-v -H 'Transfer-Encoding: chunked' --data-binary @\(site.folder.path)/upload.bin \(site.base)/upload")
        #expect(r.status == 0)
        #expect(r.output.contains("Transfer-Encoding: chunked"))
        #expect(r.output.hasSuffix("\(data.count) \(Self.checksum(data))"))
    }

    @Test func expectContinue() throws {
        let site = try Site()
        let data = [UInt8](repeating: 7, count: 300_000)
        site.folder.write("c.bin", data)
        let r = site.curl("-v -H 'Expect: 100-continue' --data-binary @\(site.folder.path)/c.bin \(site.base)/upload")
        #expect(r.status == 0)
        #expect(r.output.contains("HTTP/1.1 100 Continue"))
        #expect(r.output.hasSuffix("\(data.count) \(Self.checksum(data))"))
        // Over the route's default limit elsewhere: refused before the content is sent.
        let big = site.curl("-v -o /dev/null -w '%{http_code}' -H 'Expect: 100-continue' --data-binary @\(site.folder.path)/c.bin \(site.base)/hello")
        #expect(big.output.hasSuffix("405"))
        #expect(!big.output.contains("100 Continue"))
    }

    @Test func headRequest() throws {
        let site = try Site()
        let r = site.curl("-I \(site.base)/static/a.txt")
        #expect(r.status == 0)
        #expect(r.output.hasPrefix("HTTP/1.1 200 OK"))
        #expect(r.output.contains("Content-Length: 20"))
        #expect(r.output.contains("ETag: \""))
    }

    @Test func ranges() throws {
        let site = try Site()
        #expect(site.curl("-r 0-4 \(site.base)/static/a.txt").output == "01234")
        #expect(site.curl("-r -3 \(site.base)/static/a.txt").output == "hij")
        let partial = site.curl("-r 5-9 -w ' %{http_code}' \(site.base)/static/a.txt")
        #expect(partial.output == "56789 206")
        #expect(site.curl("-o /dev/null -w '%{http_code}' -r 50-60 \(site.base)/static/a.txt").output == "416")
    }

    @Test func conditionalGet() throws {
        let site = try Site()
        let head = site.curl("-I \(site.base)/static/a.txt").output
        let etagLine = try #require(head.split(separator: "\r\n").first { $0.hasPrefix("ETag:") })
        let etag = etagLine.dropFirst(5).trimmingCharacters
        #expect(site.curl("-o /dev/null -w '%{http_code}' -H 'If-None-Match: \(etag)' \(site.base)/static/a.txt").output == "304")
        #expect(site.curl("-o /dev/null -w '%{http_code}' -H 'If-None-Match: \"nope\"' \(site.base)/static/a.txt").output == "200")
        // -z sends If-Modified-Since.
        #expect(site.curl("-o /dev/null -w '%{http_code}' -z 'Fri, 01 Jan 2100 00:00:00 GMT' \(site.base)/static/a.txt").output == "304")
        #expect(site.curl("-o /dev/null -w '%{http_code}' -z 'Sun, 06 Nov 1994 08:49:37 GMT' \(site.base)/static/a.txt").output == "200")
    }

    @Test func pathTraversal() throws {
        let site = try Site()
        let attempts: [(String, String)] = [
            ("/static/../secret.txt", "400"),
            ("/static/../../../../etc/passwd", "400"),
            ("/static/%2e%2e/secret.txt", "400"),
            ("/static/%2e%2e%2fsecret.txt", "400"),
            ("/static/..%2fsecret.txt", "400"),
            ("/static/..%5csecret.txt", "400"),
            ("/static/a.txt%00", "400"),
            ("/static/escape.txt", "404"),
            ("/static/....//secret.txt", "404"),
        ]
        for (path, status) in attempts {
            let r = site.curl("--path-as-is -o /dev/null -w '%{http_code}' '\(site.base)\(path)'")
            #expect(r.output == status, "\(path)")
        }
        let secret = site.curl("--path-as-is \(site.base)/static/../secret.txt")
        #expect(!secret.output.contains("top secret"))
    }

    @Test func largeChunkedDownload() throws {
        let site = try Site()
        let n = 256 << 20
        let r = site.curl("-o /dev/null -w '%{size_download} %{http_code}' \(site.base)/stream/\(n)")
        #expect(r.output == "\(n) 200")
    }
}

extension Substring {
    var trimmingCharacters: String { String(self.drop { $0 == " " }.reversed().drop { $0 == " " || $0 == "\r" }.reversed()) }
}
