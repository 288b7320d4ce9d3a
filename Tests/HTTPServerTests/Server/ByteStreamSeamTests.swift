import Synchronization
import Testing
@testable import HTTPServer

/// The seam a TLS module will use: the server speaks HTTP over whatever byte stream
/// `wrapConnection` makes of the accepted socket.
@Suite struct ByteStreamSeamTests {
    /// A pass-through stream that counts what crosses it (a stand-in for a TLS session).
    final class CountingStream: HTTPByteStream {
        let inner: HTTPSocket
        let counters: Counters
        init(_ inner: HTTPSocket, _ counters: Counters) { self.inner = inner; self.counters = counters }
        var peerAddress: String { "wrapped:" + inner.peerAddress }
        func read(into buffer: UnsafeMutableRawBufferPointer, deadline: Deadline?) throws(HTTPTransportError) -> Int {
            let n = try inner.read(into: buffer, deadline: deadline)
            counters.read.add(n, ordering: .relaxed)
            return n
        }
        func write(_ bytes: UnsafeRawBufferPointer) throws(HTTPTransportError) {
            try inner.write(bytes)
            counters.written.add(bytes.count, ordering: .relaxed)
        }
        func shutdownWrite() { inner.shutdownWrite() }
        func shutdown() { inner.shutdown() }
        func close() { inner.close() }
    }

    final class Counters: Sendable {
        let read = Atomic<Int>(0)
        let written = Atomic<Int>(0)
    }

    @Test func requestsFlowThroughTheWrappedStream() throws {
        let counters = Counters()
        let log = RecordLog()
        try withServer({ c in
            c.wrapConnection = { CountingStream($0, counters) }
            c.accessLog = { log.add($0) }
        }, handler: { req in .text("from \(req.clientAddress)") }) { server in
            let c = try TestClient(port: server.port)
            let request = "GET / HTTP/1.1\r\nHost: t\r\n\r\n"
            let r = try c.request(request)
            #expect(r.text == "from wrapped:127.0.0.1")
            #expect(eventually { log.all.count == 1 })
            #expect(counters.read.load(ordering: .relaxed) == request.utf8.count)
            #expect(counters.written.load(ordering: .relaxed) > r.body.count)
        }
    }

    @Test func aFailingWrapClosesTheConnection() throws {
        struct HandshakeFailed: Error {}
        try withServer({ c in
            c.wrapConnection = { _ in throw HandshakeFailed() }
        }, handler: { _ in .text("never") }) { server in
            let c = try TestClient(port: server.port)
            try? c.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(c.isClosed())
            #expect(c.buffer.isEmpty)
            #expect(eventually { server.connectionCount == 0 })
        }
    }

    @Test func serverNameAndDate() throws {
        try withServer({ $0.serverName = "SwiftPACS" }, handler: { _ in .text("x") }) { server in
            let r = try TestClient(port: server.port).request("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(r.headers["Server"] == "SwiftPACS")
            let date = try #require(r.headers["Date"])
            #expect(abs(Double(HTTPDate.parse(date) ?? 0) - wallClock()) < 5)
        }
    }
}
