#if canImport(Glibc)
import Glibc
#endif
@testable import HTTPServer

struct TestResponse {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]
    var bodyCount: Int
    var text: String { String(decoding: body, as: UTF8.self) }
}

struct TestClientError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// A raw HTTP/1.1 client over a real socket, with a deliberately small response reader.
final class TestClient {
    let socket: HTTPSocket
    var buffer: [UInt8] = []
    private var scratch: [UInt8]

    init(port: Int, host: String = "127.0.0.1", bufferSize: Int = 256 * 1024) throws {
        socket = try HTTPSocket.connect(host: host, port: port)
        scratch = [UInt8](repeating: 0, count: bufferSize)
    }

    func send(_ text: String) throws { try send(Array(text.utf8)) }
    func send(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try socket.write($0) } }

    /// Reads more into the buffer; false at end of stream.
    func fill(timeout: Double) throws -> Bool {
        let n = try scratch.withUnsafeMutableBytes { try socket.read(into: $0, deadline: .after(timeout)) }
        if n == 0 { return false }
        buffer += scratch[0..<n]
        return true
    }

    func readLine(timeout: Double) throws -> String? {
        while true {
            if let i = buffer.firstIndex(of: 10), i > 0, buffer[i - 1] == 13 {
                let line = String(decoding: buffer[0..<(i - 1)], as: UTF8.self)
                buffer.removeFirst(i + 1)
                return line
            }
            guard try fill(timeout: timeout) else { return nil }
        }
    }

    func readExactly(_ n: Int, keep: Bool, timeout: Double) throws -> [UInt8] {
        var out: [UInt8] = []
        var left = n
        while left > 0 {
            if buffer.isEmpty { guard try fill(timeout: timeout) else { throw TestClientError("closed inside a body") } }
            let k = min(left, buffer.count)
            if keep { out += buffer[0..<k] }
            buffer.removeFirst(k)
            left -= k
        }
        return out
    }

    /// Reads one response; nil when the server closed before sending anything.
    /// `head` says the request was HEAD (no content follows).
    func readResponse(head: Bool = false, keepBody: Bool = true, timeout: Double = 10) throws -> TestResponse? {
        guard let statusLine = try readLine(timeout: timeout) else { return nil }
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0] == "HTTP/1.1", let status = Int(parts[1]) else {
            throw TestClientError("bad status line '\(statusLine)'")
        }
        var headers = HTTPHeaders()
        while let line = try readLine(timeout: timeout), !line.isEmpty {
            let kv = line.split(separator: ":", maxSplits: 1)
            headers.add(String(kv[0]), kv.count > 1 ? trimOWS(kv[1]) : "")
        }
        var r = TestResponse(status: status, headers: headers, body: [], bodyCount: 0)
        if head || status < 200 || status == 204 || status == 304 { return r }
        if let cl = headers["Content-Length"], let n = Int(cl) {
            r.body = try readExactly(n, keep: keepBody, timeout: timeout)
            r.bodyCount = n
        } else if headers["Transfer-Encoding"]?.lowercased() == "chunked" {
            while true {
                guard let sizeLine = try readLine(timeout: timeout), let size = Int(sizeLine, radix: 16) else {
                    throw TestClientError("bad chunk size")
                }
                if size == 0 {
                    while let t = try readLine(timeout: timeout), !t.isEmpty {}
                    break
                }
                r.body += try readExactly(size, keep: keepBody, timeout: timeout)
                r.bodyCount += size
                guard try readLine(timeout: timeout) == "" else { throw TestClientError("chunk without CRLF") }
            }
        } else {
            while try fill(timeout: timeout) {}
            r.bodyCount = buffer.count
            if keepBody { r.body = buffer }
            buffer = []
        }
        return r
    }

    /// Sends a request and reads its response.
    func request(_ raw: String, head: Bool = false) throws -> TestResponse {
        try send(raw)
        guard let r = try readResponse(head: head) else { throw TestClientError("connection closed without a response") }
        return r
    }

    /// Whether the server has closed its side (reads and drops whatever comes first).
    func isClosed(timeout: Double = 5) -> Bool {
        buffer = []
        do {
            while try fill(timeout: timeout) { buffer = [] }
            return true
        } catch {
            return false
        }
    }

    func close() { socket.close() }
}

/// Starts a server on a free loopback port for the duration of `body`.
func withServer<R>(_ configure: (inout HTTPServerConfiguration) -> Void = { _ in }, responder: any HTTPResponder,
                   _ body: (HTTPServer) throws -> R) throws -> R {
    var config = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
    configure(&config)
    let server = try HTTPServer(configuration: config, responder: responder)
    server.start()
    defer { server.stop(grace: 1) }
    return try body(server)
}

func withServer<R>(_ configure: (inout HTTPServerConfiguration) -> Void = { _ in },
                   handler: @escaping HTTPHandler, _ body: (HTTPServer) throws -> R) throws -> R {
    try withServer(configure, responder: HTTPClosureResponder(handler), body)
}

/// Waits up to `timeout` for `condition`.
func eventually(_ timeout: Double = 5, _ condition: () -> Bool) -> Bool {
    let deadline = Deadline.after(timeout)
    while !condition() {
        if deadline.hasPassed { return false }
        usleep(2_000)
    }
    return true
}

/// Collects access records from the server's threads.
final class RecordLog: @unchecked Sendable {
    private var records: [HTTPAccessRecord] = []
    private var lock = pthread_mutex_t()
    init() { pthread_mutex_init(&lock, nil) }
    func add(_ r: HTTPAccessRecord) { pthread_mutex_lock(&lock); records.append(r); pthread_mutex_unlock(&lock) }
    var all: [HTTPAccessRecord] { pthread_mutex_lock(&lock); defer { pthread_mutex_unlock(&lock) }; return records }
}

/// `/stream/{bytes}`: that many octets from one 1 MiB block, chunked, or with a declared
/// length when the query has `counted`.
let streamHandler: HTTPHandler = { req in
    let n = Int(try req.parameter("bytes")) ?? 0
    let counted = req.query("counted") != nil
    return .stream(length: counted ? n : nil) { w in
        let block = [UInt8](repeating: 120, count: 1 << 20)
        var left = n
        while left > 0 {
            let k = min(left, block.count)
            try w.write(block[0..<k])
            left -= k
        }
    }
}
