import Testing
@testable import HTTPServer

/// Valid and malformed requests, with the classic smuggling cases (CL.TE, TE.CL, TE.TE).
@Suite struct ParserCorpusTests {
    static let h = "Host: example\r\n"

    static let valid: [ParserCase] = [
        .init("simple GET", "GET / HTTP/1.1\r\n\(h)\r\n", 200),
        .init("HTTP/1.0 without Host", "GET /x HTTP/1.0\r\n\r\n", 200),
        .init("HTTP/1.2 is processed as 1.1", "GET / HTTP/1.2\r\n\(h)\r\n", 200),
        .init("leading empty line ignored", "\r\nGET / HTTP/1.1\r\n\(h)\r\n", 200),
        .init("POST with Content-Length", "POST /u HTTP/1.1\r\n\(h)Content-Length: 5\r\n\r\nhello", 200),
        .init("Content-Length zero", "POST /u HTTP/1.1\r\n\(h)Content-Length: 0\r\n\r\n", 200),
        .init("leading zeros in Content-Length", "POST /u HTTP/1.1\r\n\(h)Content-Length: 005\r\n\r\nhello", 200),
        .init("identical Content-Length list", "POST /u HTTP/1.1\r\n\(h)Content-Length: 5, 5\r\n\r\nhello", 200),
        .init("identical repeated Content-Length", "POST /u HTTP/1.1\r\n\(h)Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello", 200),
        .init("chunked", "POST /u HTTP/1.1\r\n\(h)Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 200),
        .init("chunked, coding name in capitals", "POST /u HTTP/1.1\r\n\(h)Transfer-Encoding: CHUNKED\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 200),
        .init("chunked, OWS around the value", "POST /u HTTP/1.1\r\n\(h)Transfer-Encoding:   chunked \t\r\n\r\n0\r\n\r\n", 200),
        .init("chunked, upper-case hex", "POST /u HTTP/1.1\r\n\(h)Transfer-Encoding: chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n", 200),
        .init("chunk extensions", "POST /u HTTP/1.1\r\n\(h)Transfer-Encoding: chunked\r\n\r\n5;a=b;c=\"d e\"\r\nhello\r\n0 ; x\r\n\r\n", 200),
        .init("trailers", "POST /u HTTP/1.1\r\n\(h)Transfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\nX-Sum: 1\r\nX-More: 2\r\n\r\n", 200),
        .init("empty list elements in Transfer-Encoding", "POST /u HTTP/1.1\r\n\(h)Transfer-Encoding: , chunked\r\n\r\n0\r\n\r\n", 200),
        .init("obs-text in a value", "GET / HTTP/1.1\r\n\(h)X-Name: Müller\r\n\r\n", 200),
        .init("OPTIONS asterisk-form", "OPTIONS * HTTP/1.1\r\n\(h)\r\n", 200),
        .init("absolute-form", "GET http://example/a?b HTTP/1.1\r\n\(h)\r\n", 200),
        .init("HEAD", "HEAD /f HTTP/1.1\r\n\(h)\r\n", 200),
        .init("Expect 100-continue", "PUT /f HTTP/1.1\r\n\(h)Expect: 100-continue\r\nContent-Length: 1\r\n\r\nx", 200),
        .init("HTTP/1.0 ignores Expect", "GET / HTTP/1.0\r\nExpect: teapot\r\n\r\n", 200),
        .init("two pipelined requests", "GET /a HTTP/1.1\r\n\(h)\r\nGET /b HTTP/1.1\r\n\(h)\r\n", 200),
        .init("DELETE without a body", "DELETE /x HTTP/1.1\r\n\(h)\r\n", 200),
        .init("empty header value", "GET / HTTP/1.1\r\n\(h)X-Empty:\r\n\r\n", 200),
    ]

    static let smuggling: [ParserCase] = [
        .init("CL.TE", "POST / HTTP/1.1\r\n\(h)Content-Length: 13\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nSMUGGLED", 400),
        .init("TE.CL", "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n8\r\nSMUGGLED\r\n0\r\n\r\n", 400),
        .init("TE.TE xchunked", "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n", 501),
        .init("TE.TE chunked-x", "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: chunked-x\r\n\r\n0\r\n\r\n", 501),
        .init("TE.TE leading space on the line (obs-fold)", "POST / HTTP/1.1\r\n\(h) Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        .init("TE.TE space before the colon", "POST / HTTP/1.1\r\n\(h)Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n", 400),
        .init("TE.TE tab before the colon", "POST / HTTP/1.1\r\n\(h)Transfer-Encoding\t: chunked\r\n\r\n0\r\n\r\n", 400),
        .init("TE.TE value folded onto the next line", "POST / HTTP/1.1\r\n\(h)Transfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n", 400),
        .init("TE.TE duplicated header", "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        .init("TE.TE chunked twice in a list", "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", 400),
        .init("TE.TE chunked then identity", "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n", 501),
        .init("TE.TE quoted chunked", "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: \"chunked\"\r\n\r\n0\r\n\r\n", 400),
        .init("TE.TE chunked with a parameter", "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: chunked;q=1\r\n\r\n0\r\n\r\n", 400),
        .init("TE.TE bare LF before the header", "POST / HTTP/1.1\r\n\(h)X: y\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        .init("TE.TE vertical tab in the value", "POST / HTTP/1.1\r\n\(h)Transfer-Encoding:\u{0B}chunked\r\n\r\n0\r\n\r\n", 400),
        .init("TE.TE empty value", "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: \r\n\r\n", 400),
        .init("Transfer-Encoding gzip", "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: gzip\r\n\r\n", 501),
        .init("Transfer-Encoding gzip, chunked", "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501),
        .init("Transfer-Encoding identity", "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: identity\r\n\r\n", 501),
        .init("Transfer-Encoding in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        .init("Content-Length +5", "POST / HTTP/1.1\r\n\(h)Content-Length: +5\r\n\r\nhello", 400),
        .init("Content-Length -1", "POST / HTTP/1.1\r\n\(h)Content-Length: -1\r\n\r\n", 400),
        .init("Content-Length 5, 6", "POST / HTTP/1.1\r\n\(h)Content-Length: 5, 6\r\n\r\nhello!", 400),
        .init("conflicting repeated Content-Length", "POST / HTTP/1.1\r\n\(h)Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400),
        .init("Content-Length hex", "POST / HTTP/1.1\r\n\(h)Content-Length: 0x5\r\n\r\nhello", 400),
        .init("Content-Length with inner space", "POST / HTTP/1.1\r\n\(h)Content-Length: 5 5\r\n\r\nhello", 400),
        .init("Content-Length exponent", "POST / HTTP/1.1\r\n\(h)Content-Length: 1e3\r\n\r\n", 400),
        .init("Content-Length empty", "POST / HTTP/1.1\r\n\(h)Content-Length:\r\n\r\n", 400),
        .init("Content-Length empty list element", "POST / HTTP/1.1\r\n\(h)Content-Length: 5,\r\n\r\nhello", 400),
        .init("Content-Length overflowing", "POST / HTTP/1.1\r\n\(h)Content-Length: 99999999999999999999999\r\n\r\n", 413),
        .init("Content-Length above the limit", "POST / HTTP/1.1\r\n\(h)Content-Length: 16777217\r\n\r\n", 413),
        .init("chunk size 0x5", "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n", 400),
        .init("chunk size -5", "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: chunked\r\n\r\n-5\r\nhello\r\n0\r\n\r\n", 400),
        .init("chunk size with a leading space", "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: chunked\r\n\r\n 5\r\nhello\r\n0\r\n\r\n", 400),
        .init("chunk size with a trailing space", "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n0\r\n\r\n", 400),
        .init("chunk size not hex", "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: chunked\r\n\r\ng\r\nhello\r\n0\r\n\r\n", 400),
        .init("chunk size missing", "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: chunked\r\n\r\n\r\nhello\r\n0\r\n\r\n", 400),
        .init("chunk size overflowing", "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: chunked\r\n\r\nfffffffffffffffff1\r\nx\r\n0\r\n\r\n", 413),
        .init("chunks above the limit", "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: chunked\r\n\r\n1000001\r\n", 413),
        .init("chunk longer than its size", "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: chunked\r\n\r\n3\r\nhello\r\n0\r\n\r\n", 400),
        .init("chunk data ending in bare LF", "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: chunked\r\n\r\n5\r\nhello\n0\r\n\r\n", 400),
        .init("chunk size line ending in bare LF", "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n", 400),
        .init("control character in a chunk extension", "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: chunked\r\n\r\n5;a\u{01}\r\nhello\r\n0\r\n\r\n", 400),
        .init("trailer with obs-fold", "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: chunked\r\n\r\n0\r\nX: a\r\n b\r\n\r\n", 400),
        .init("trailer with bare LF", "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: chunked\r\n\r\n0\r\nX: a\n\r\n", 400),
    ]

    static let malformed: [ParserCase] = [
        .init("bare LF line endings", "GET / HTTP/1.1\n\(h)\n", 400),
        .init("bare LF after the headers", "GET / HTTP/1.1\r\n\(h)\n", 400),
        .init("bare CR in the request line", "GET /\r HTTP/1.1\r\n\(h)\r\n", 400),
        .init("bare CR in a header", "GET / HTTP/1.1\r\nX: a\rb\r\n\(h)\r\n", 400),
        .init("obs-fold", "GET / HTTP/1.1\r\n\(h)X-Long: a\r\n\tb\r\n\r\n", 400),
        .init("whitespace before the first header", "GET / HTTP/1.1\r\n \(h)\r\n", 400),
        .init("NUL in a header value", "GET / HTTP/1.1\r\n\(h)X: a\u{0}b\r\n\r\n", 400),
        .init("NUL in the target", "GET /a\u{0}b HTTP/1.1\r\n\(h)\r\n", 400),
        .init("NUL in the method", "G\u{0}T / HTTP/1.1\r\n\(h)\r\n", 400),
        .init("NUL in a header name", "GET / HTTP/1.1\r\n\(h)X\u{0}Y: a\r\n\r\n", 400),
        .init("DEL in a header value", "GET / HTTP/1.1\r\n\(h)X: a\u{7F}\r\n\r\n", 400),
        .init("control character in a value", "GET / HTTP/1.1\r\n\(h)X: \u{01}\r\n\r\n", 400),
        .init("invalid character in the method", "G(T / HTTP/1.1\r\n\(h)\r\n", 400),
        .init("non-ASCII in the target", "GET /ü HTTP/1.1\r\n\(h)\r\n", 400),
        .init("fragment in the target", "GET /a#b HTTP/1.1\r\n\(h)\r\n", 400),
        .init("space in the target", "GET /a b HTTP/1.1\r\n\(h)\r\n", 400),
        .init("double space after the method", "GET  / HTTP/1.1\r\n\(h)\r\n", 400),
        .init("tab as separator", "GET\t/ HTTP/1.1\r\n\(h)\r\n", 400),
        .init("target not origin-form", "GET foo HTTP/1.1\r\n\(h)\r\n", 400),
        .init("asterisk-form for GET", "GET * HTTP/1.1\r\n\(h)\r\n", 400),
        .init("empty field name", "GET / HTTP/1.1\r\n\(h): x\r\n\r\n", 400),
        .init("field line without colon", "GET / HTTP/1.1\r\n\(h)NoColon\r\n\r\n", 400),
        .init("invalid character in a field name", "GET / HTTP/1.1\r\n\(h)X(Y): z\r\n\r\n", 400),
        .init("no Host in HTTP/1.1", "GET / HTTP/1.1\r\n\r\n", 400),
        .init("two Host fields", "GET / HTTP/1.1\r\n\(h)\(h)\r\n", 400),
        .init("Host with a space", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400),
        .init("no version", "GET /\r\n\r\n", 400),
        .init("lower-case version", "GET / http/1.1\r\n\(h)\r\n", 400),
        .init("version without minor", "GET / HTTP/1\r\n\(h)\r\n", 400),
        .init("version with two-digit major", "GET / HTTP/11.1\r\n\(h)\r\n", 400),
        .init("garbage after the version", "GET / HTTP/1.1x\r\n\(h)\r\n", 400),
        .init("HTTP/2.0", "GET / HTTP/2.0\r\n\(h)\r\n", 505),
        .init("HTTP/3.0", "GET / HTTP/3.0\r\n\(h)\r\n", 505),
        .init("HTTP/0.9", "GET / HTTP/0.9\r\n\(h)\r\n", 505),
        .init("HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505),
        .init("request line too long", "GET /\(String(repeating: "a", count: 9000)) HTTP/1.1\r\n\(h)\r\n", 414),
        .init("request line too long, unterminated", "GET /\(String(repeating: "a", count: 9000))", 414),
        .init("header section too large", "GET / HTTP/1.1\r\n\(h)X: \(String(repeating: "b", count: 40000))\r\n\r\n", 431),
        .init("header section too large over many fields",
              "GET / HTTP/1.1\r\n\(h)" + (0..<90).map { "X-\($0): \(String(repeating: "c", count: 400))\r\n" }.joined() + "\r\n", 431),
        .init("too many header fields", "GET / HTTP/1.1\r\n\(h)" + (0..<101).map { "X-\($0): v\r\n" }.joined() + "\r\n", 431),
        .init("too many trailer fields", "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: chunked\r\n\r\n0\r\n"
              + (0..<101).map { "X-\($0): v\r\n" }.joined() + "\r\n", 431),
        .init("POST without a length", "POST /u HTTP/1.1\r\n\(h)\r\n", 411),
        .init("PUT without a length", "PUT /u HTTP/1.1\r\n\(h)\r\n", 411),
        .init("HTTP/1.0 POST without a length", "POST /u HTTP/1.0\r\n\r\n", 411),
        .init("unknown expectation", "GET / HTTP/1.1\r\n\(h)Expect: teapot\r\n\r\n", 417),
        .init("second request malformed after a good one", "GET /a HTTP/1.1\r\n\(h)\r\nGET /b HTTP/9.9\r\n\(h)\r\n", 505),
    ]

    static let incomplete: [ParserCase] = [
        .init("head cut short", "GET / HTTP/1.1\r\n\(h)", 0),
        .init("ends on CR", "GET / HTTP/1.1\r", 0),
        .init("body cut short", "POST / HTTP/1.1\r\n\(h)Content-Length: 10\r\n\r\nhello", 0),
        .init("chunked without last chunk", "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", 0),
        .init("trailers cut short", "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: chunked\r\n\r\n0\r\nX: y\r\n", 0),
    ]

    static let all = valid + smuggling + malformed + incomplete

    @Test(arguments: all)
    func wholeInput(_ c: ParserCase) {
        #expect(parse(c.raw).outcome == c.expected)
    }

    /// The same verdict when the bytes trickle in one at a time (every split point).
    @Test(arguments: all)
    func byteByByte(_ c: ParserCase) {
        #expect(parse(c.raw, step: 1).outcome == c.expected)
    }

    @Test(arguments: [3, 7, 64])
    func oddSplits(_ step: Int) {
        for c in Self.all {
            #expect(parse(c.raw, step: step).outcome == c.expected, "\(c.name)")
        }
    }
}
