#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import HTTPServer

/// Live reconfiguration: moving the server to another port without dropping requests.
@Suite struct RebindTests {
    static func router() -> HTTPRouter {
        var r = HTTPRouter()
        r.get("/fast") { _ in .text("fast") }
        r.get("/slow") { _ in
            .stream { w in
                for i in 0..<10 {
                    try w.write("part \(i)\n")
                    usleep(100_000)
                }
            }
        }
        return r
    }

    @Test func newListenerFirstThenOldOneRetires() throws {
        try withServer(responder: Self.router()) { server in
            let oldPort = server.port
            let idle = try TestClient(port: oldPort)
            #expect(try idle.request("GET /fast HTTP/1.1\r\nHost: t\r\n\r\n").text == "fast")
            let busy = try TestClient(port: oldPort)
            try busy.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
            usleep(150_000)

            try server.rebind(port: 0)
            let newPort = server.port
            #expect(newPort != oldPort)

            // The new port serves at once; the old one takes no new connections.
            let fresh = try TestClient(port: newPort)
            #expect(try fresh.request("GET /fast HTTP/1.1\r\nHost: t\r\n\r\n").text == "fast")
            #expect(throws: (any Error).self) { _ = try TestClient(port: oldPort) }
            // The idle connection of the old listener is closed ...
            #expect(idle.isClosed(timeout: 2))
            // ... the busy one finishes its response, then closes.
            let slow = try #require(try busy.readResponse())
            #expect(slow.text.split(separator: "\n").count == 10)
            #expect(busy.isClosed(timeout: 2))
            #expect(eventually { server.retiringConnectionCount == 0 })
            // The new listener's keep-alive connection is unaffected.
            #expect(try fresh.request("GET /fast HTTP/1.1\r\nHost: t\r\n\r\n").text == "fast")
        }
    }

    @Test func portInUseKeepsTheOldListener() throws {
        try withServer(responder: Self.router()) { other in
            try withServer(responder: Self.router()) { server in
                let before = server.port
                do {
                    try server.rebind(port: other.port)
                    Issue.record("rebinding onto a used port succeeded")
                } catch let error as HTTPTransportError {
                    #expect(error == .addressInUse(host: "127.0.0.1", port: other.port))
                    #expect(error.description.contains("already in use"))
                }
                #expect(server.port == before)
                let c = try TestClient(port: before)
                #expect(try c.request("GET /fast HTTP/1.1\r\nHost: t\r\n\r\n").text == "fast")
            }
        }
    }

    @Test func rebindBeforeStart() throws {
        var config = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
        config.idleTimeout = 5
        let server = try HTTPServer(configuration: config, responder: Self.router())
        let first = server.port
        try server.rebind(port: 0)
        #expect(server.port != first)
        server.start()
        defer { server.stop(grace: 1) }
        let c = try TestClient(port: server.port)
        #expect(try c.request("GET /fast HTTP/1.1\r\nHost: t\r\n\r\n").text == "fast")
        #expect(throws: (any Error).self) { _ = try TestClient(port: first) }
    }
}
