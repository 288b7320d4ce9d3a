#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import HTTPServer

/// Socket reads: a blocking recv bounded by a receive timeout that follows the deadline.
@Suite struct SocketReadTests {
    /// A connected pair on loopback: (client, server side).
    static func pair() throws -> (HTTPSocket, HTTPSocket) {
        let listener = try HTTPListener(host: "127.0.0.1", port: 0)
        defer { listener.close(); listener.release() }
        let client = try HTTPSocket.connect(host: "127.0.0.1", port: listener.port)
        let server = try #require(listener.accept())
        return (client, server)
    }

    static func send(_ s: HTTPSocket, _ text: String) {
        try? Array(text.utf8).withUnsafeBytes { try s.write($0) }
    }

    static func read(_ s: HTTPSocket, within seconds: Double?) -> (result: Result<Int, HTTPTransportError>, took: Double) {
        var buf = [UInt8](repeating: 0, count: 64)
        let t0 = Deadline.now
        let r: Result<Int, HTTPTransportError>
        do {
            r = .success(try buf.withUnsafeMutableBytes { try s.read(into: $0, deadline: seconds.map { .after($0) }) })
        } catch let e as HTTPTransportError {
            r = .failure(e)
        } catch {
            r = .failure(.io("\(error)"))
        }
        return (r, Deadline.now.seconds - t0.seconds)
    }

    @Test func timeoutSteps() {
        #expect(HTTPSocket.timeoutStep(30) == 16)
        #expect(HTTPSocket.timeoutStep(10) == 8)
        #expect(HTTPSocket.timeoutStep(1) == 1)
        #expect(HTTPSocket.timeoutStep(0.3) == 0.25)
        #expect(HTTPSocket.timeoutStep(0.0001) == 1.0 / 1024)
        #expect(HTTPSocket.timeoutStep(1e9) == 65536)
        #expect(HTTPSocket.timeoutStep(.infinity) == .infinity)
    }

    @Test func deadlinesAreKeptWhateverTheTimeoutBefore() throws {
        let (client, server) = try Self.pair()
        // A long deadline first (sets a long receive timeout), data arriving at once.
        Self.send(client, "a")
        #expect(try Self.read(server, within: 30).result.get() == 1)
        // Then a short one: it must end on time, not after the longer timeout set before.
        let short = Self.read(server, within: 0.3)
        #expect(short.result == .failure(.timedOut))
        #expect(short.took >= 0.29 && short.took < 1.5, "took \(short.took) s")
        // A deadline that is not a power of two: the wait goes on past the first step.
        let odd = Self.read(server, within: 0.75)
        #expect(odd.result == .failure(.timedOut))
        #expect(odd.took >= 0.74 && odd.took < 2, "took \(odd.took) s")
        // A passed deadline still takes what has arrived.
        Self.send(client, "bc")
        usleep(50_000)
        #expect(try Self.read(server, within: -1).result.get() == 2)
        #expect(Self.read(server, within: -1).result == .failure(.timedOut))
        // No deadline: waits for data.
        let writer = TestThread { usleep(200_000); Self.send(client, "d") }
        let none = Self.read(server, within: nil)
        #expect(try none.result.get() == 1)
        #expect(none.took >= 0.15)
        writer.join()
        // The peer leaving ends the stream.
        client.close()
        #expect(try Self.read(server, within: 5).result.get() == 0)
        server.close()
    }

    @Test func shutdownFromAnotherThreadWakesABlockedRead() throws {
        let (client, server) = try Self.pair()
        let stopper = TestThread { usleep(200_000); server.shutdown() }
        let r = Self.read(server, within: 20)
        #expect(try r.result.get() == 0)
        #expect(r.took < 5)
        stopper.join()
        client.close()
        server.close()
    }

    @Test func aNonBlockingSocketStillWaits() throws {
        let (client, server) = try Self.pair()
        let fd = server.descriptor
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        let writer = TestThread { usleep(200_000); Self.send(client, "x") }
        let r = Self.read(server, within: 5)
        #expect(try r.result.get() == 1)
        #expect(r.took >= 0.15 && r.took < 4)
        writer.join()
        #expect(Self.read(server, within: 0.2).result == .failure(.timedOut))
        client.close()
        server.close()
    }
}

/// A joinable POSIX thread for tests.
final class TestThread: @unchecked Sendable {
    private var tid = pthread_t()
    init(_ body: @escaping @Sendable () -> Void) {
        final class Box { let body: @Sendable () -> Void; init(_ b: @escaping @Sendable () -> Void) { body = b } }
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        pthread_create(&tid, nil, { raw in
            Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue().body()
            return nil
        }, box)
    }
    func join() { pthread_join(tid, nil) }
}
