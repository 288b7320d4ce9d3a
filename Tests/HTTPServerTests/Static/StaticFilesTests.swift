#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import HTTPServer

/// Static files: types, validators, conditional requests, ranges, confinement to the root.
@Suite struct StaticFilesTests {
    /// root/ with files and links, and a secret beside it.
    final class Fixture {
        let base = TemporaryFolder()
        let root: String
        let files: HTTPStaticFiles
        let router: HTTPRouter

        init() throws {
            root = base.path + "/root"
            base.mkdir("root")
            base.mkdir("root/sub")
            base.mkdir("root/empty")
            base.write("secret.txt", "top secret")
            base.write("root/index.html", "<h1>home</h1>")
            base.write("root/a.txt", "0123456789abcdefghij")
            base.write("root/app.js", "let x = 1")
            base.write("root/image.PNG", [0x89, 0x50, 0x4E, 0x47])
            base.write("root/data.bin", [1, 2, 3])
            base.write("root/empty.txt", "")
            base.write("root/.hidden", "hidden")
            base.write("root/sub/b.css", "body{}")
            base.write("root/sub/file with space.txt", "spaced")
            symlink(base.path + "/secret.txt", root + "/escape.txt")
            symlink(base.path, root + "/escape-dir")
            symlink(root + "/a.txt", root + "/inside-link.txt")
            files = try HTTPStaticFiles(root: root)
            var r = HTTPRouter()
            r.use(HTTPErrorMiddleware())
            r.get("/static/{path...}", files.handler)
            router = r
        }

        func get(_ target: String, _ headers: [(String, String)] = [], method: String = "GET") throws -> (HTTPResponse, String) {
            var h = HTTPHeaders([("Host", "t")])
            for (n, v) in headers { h.add(n, v) }
            let req = HTTPRequest(head: HTTPRequestHead(method: method, target: target, headers: h))
            let res = try router.respond(to: req)
            return (res, String(decoding: try res.collectBody(), as: UTF8.self))
        }
    }

    @Test func servesFilesWithTypes() throws {
        let f = try Fixture()
        let cases: [(String, String, String)] = [
            ("/static/a.txt", "text/plain; charset=utf-8", "0123456789abcdefghij"),
            ("/static/app.js", "text/javascript; charset=utf-8", "let x = 1"),
            ("/static/image.PNG", "image/png", "\u{FFFD}PNG"),
            ("/static/data.bin", "application/octet-stream", "\u{1}\u{2}\u{3}"),
            ("/static/sub/b.css", "text/css; charset=utf-8", "body{}"),
            ("/static/sub/file%20with%20space.txt", "text/plain; charset=utf-8", "spaced"),
            ("/static/", "text/html; charset=utf-8", "<h1>home</h1>"),
            ("/static/inside-link.txt", "text/plain; charset=utf-8", "0123456789abcdefghij"),
            ("/static/empty.txt", "text/plain; charset=utf-8", ""),
        ]
        for (target, type, body) in cases {
            let (res, text) = try f.get(target)
            #expect(res.status == .ok, "\(target)")
            #expect(res.headers["Content-Type"] == type, "\(target)")
            #expect(text == body, "\(target)")
            #expect(res.body.knownLength == body.utf8.count || type == "image/png", "\(target)")
            #expect(res.headers["ETag"]?.hasPrefix("\"") == true)
            #expect(res.headers["Accept-Ranges"] == "bytes")
        }
    }

    struct Attack: Sendable, CustomTestStringConvertible {
        let target: String
        let status: Int
        var testDescription: String { "\(target) → \(status)" }
    }

    @Test(arguments: [
        Attack(target: "/static/../secret.txt", status: 400),
        Attack(target: "/static/sub/../../secret.txt", status: 400),
        Attack(target: "/static/%2e%2e/secret.txt", status: 400),
        Attack(target: "/static/%2E%2E/secret.txt", status: 400),
        Attack(target: "/static/.%2e/secret.txt", status: 400),
        Attack(target: "/static/..%2fsecret.txt", status: 400),
        Attack(target: "/static/..%2Fsecret.txt", status: 400),
        Attack(target: "/static/sub%2f..%2f..%2fsecret.txt", status: 400),
        Attack(target: "/static/..%5csecret.txt", status: 400),
        Attack(target: "/static/..\\secret.txt", status: 400),
        Attack(target: "/static/a.txt%00.png", status: 400),
        Attack(target: "/static/./a.txt", status: 400),
        Attack(target: "/static/%252e%252e/secret.txt", status: 404),
        Attack(target: "/static/escape.txt", status: 404),
        Attack(target: "/static/escape-dir/secret.txt", status: 404),
        Attack(target: "/static/.hidden", status: 404),
        Attack(target: "/static/missing.txt", status: 404),
        Attack(target: "/static/empty/", status: 404),
        Attack(target: "/static/a.txt/", status: 404),
        Attack(target: "/static/%zz", status: 400),
    ])
    func cannotLeaveTheRoot(_ a: Attack) throws {
        let f = try Fixture()
        let (res, text) = try f.get(a.target)
        #expect(res.status.code == a.status)
        #expect(!text.contains("top secret"))
    }

    @Test func conditionalRequests() throws {
        let f = try Fixture()
        let (first, _) = try f.get("/static/a.txt")
        let etag = try #require(first.headers["ETag"])
        let modified = try #require(first.headers["Last-Modified"])
        let cases: [([(String, String)], Int)] = [
            ([("If-None-Match", etag)], 304),
            ([("If-None-Match", "W/" + etag)], 304),
            ([("If-None-Match", "\"other\", " + etag)], 304),
            ([("If-None-Match", "*")], 304),
            ([("If-None-Match", "\"other\"")], 200),
            ([("If-Modified-Since", modified)], 304),
            ([("If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT")], 200),
            ([("If-Modified-Since", "not a date")], 200),
            // If-None-Match wins over If-Modified-Since (RFC 9110 §13.1.3).
            ([("If-None-Match", "\"other\""), ("If-Modified-Since", modified)], 200),
            ([("If-Match", etag)], 200),
            ([("If-Match", "\"other\"")], 412),
            ([("If-Unmodified-Since", "Sun, 06 Nov 1994 08:49:37 GMT")], 412),
            ([("If-Unmodified-Since", modified)], 200),
        ]
        for (headers, status) in cases {
            let (res, text) = try f.get("/static/a.txt", headers)
            #expect(res.status.code == status, "\(headers)")
            if status == 304 {
                #expect(text.isEmpty)
                #expect(res.headers["ETag"] == etag)
            }
        }
    }

    @Test func byteRanges() throws {
        let f = try Fixture()
        let (first, _) = try f.get("/static/a.txt")
        let etag = try #require(first.headers["ETag"])
        let cases: [([(String, String)], Int, String, String?)] = [
            ([("Range", "bytes=0-4")], 206, "01234", "bytes 0-4/20"),
            ([("Range", "bytes=10-")], 206, "abcdefghij", "bytes 10-19/20"),
            ([("Range", "bytes=-3")], 206, "hij", "bytes 17-19/20"),
            ([("Range", "bytes=-50")], 206, "0123456789abcdefghij", "bytes 0-19/20"),
            ([("Range", "bytes=15-100")], 206, "fghij", "bytes 15-19/20"),
            ([("Range", "bytes=20-")], 416, "", "bytes */20"),
            ([("Range", "bytes=-0")], 416, "", "bytes */20"),
            ([("Range", "bytes=5-2")], 200, "0123456789abcdefghij", nil),
            ([("Range", "bytes=0-1,5-6")], 200, "0123456789abcdefghij", nil),
            ([("Range", "items=0-1")], 200, "0123456789abcdefghij", nil),
            ([("Range", "bytes=0-4"), ("If-Range", etag)], 206, "01234", "bytes 0-4/20"),
            ([("Range", "bytes=0-4"), ("If-Range", "\"stale\"")], 200, "0123456789abcdefghij", nil),
        ]
        for (headers, status, body, contentRange) in cases {
            let (res, text) = try f.get("/static/a.txt", headers)
            #expect(res.status.code == status, "\(headers)")
            if status != 416 { #expect(text == body, "\(headers)") }
            #expect(res.headers["Content-Range"] == contentRange, "\(headers)")
        }
        let (empty, _) = try f.get("/static/empty.txt", [("Range", "bytes=0-")])
        #expect(empty.status.code == 416)
    }

    @Test func headAndOtherMethods() throws {
        let f = try Fixture()
        let (head, _) = try f.get("/static/a.txt", method: "HEAD")
        #expect(head.status == .ok)
        #expect(head.body.knownLength == 20)
        let (post, _) = try f.get("/static/a.txt", method: "POST")
        #expect(post.status == .methodNotAllowed)
        #expect(post.headers["Allow"] == "GET, HEAD")
    }

    @Test func rootMustExist() {
        #expect(throws: HTTPError.self) { _ = try HTTPStaticFiles(root: "/nonexistent/folder") }
    }

    @Test func httpDates() {
        #expect(HTTPDate.format(784111777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT") == 784111777)
        #expect(HTTPDate.parse("Sunday, 06-Nov-94 08:49:37 GMT") == 784111777)
        #expect(HTTPDate.parse("Sun Nov  6 08:49:37 1994") == 784111777)
        #expect(HTTPDate.parse("yesterday") == nil)
        #expect(HTTPDate.parse("Sun, 32 Nov 1994 08:49:37 GMT") == nil)
    }

    @Test func mimeTypes() {
        #expect(MIMETypes.type(forPath: "/x/y.HTML") == "text/html; charset=utf-8")
        #expect(MIMETypes.type(forPath: "/x.d/README") == "application/octet-stream")
        #expect(MIMETypes.type(forPath: "image.dcm") == "application/dicom")
    }
}
