#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import Testing
@testable import HTTPServer

/// Heavy loopback tests, one at a time: multi-gigabyte responses in constant memory, a
/// thousand connections held open, and thousands of corrupted requests.
@Suite(.serialized) struct LoadTests {
    static let twoGiB = 2 << 30

    /// Samples this process's RSS until stopped; keeps the peak.
    final class RSSSampler: Sendable {
        let peak = Atomic<Int>(0)
        let running = Atomic<Bool>(true)
        let done = Atomic<Bool>(false)
        init() {
            spawnThread { [self] in
                while running.load(ordering: .relaxed) {
                    let r = residentKiB()
                    if r > peak.load(ordering: .relaxed) { peak.store(r, ordering: .relaxed) }
                    usleep(20_000)
                }
                done.store(true, ordering: .releasing)
            }
        }
        func stop() -> Int {
            running.store(false, ordering: .relaxed)
            _ = eventually { done.load(ordering: .acquiring) }
            return peak.load(ordering: .relaxed)
        }
    }

    static func streamingRouter() -> HTTPRouter {
        var r = HTTPRouter()
        r.get("/stream/{bytes}", streamHandler)
        return r
    }

    @Test func twoGigabytesWithContentLengthInConstantMemory() throws {
        try withServer(responder: Self.streamingRouter()) { server in
            let before = residentKiB()
            let sampler = RSSSampler()
            let c = try TestClient(port: server.port, bufferSize: 1 << 20)
            try c.send("GET /stream/\(Self.twoGiB)?counted HTTP/1.1\r\nHost: t\r\n\r\n")
            let r = try #require(try c.readResponse(keepBody: false, timeout: 30))
            let peak = sampler.stop()
            let after = residentKiB()
            #expect(r.status == 200)
            #expect(r.headers["Content-Length"] == String(Self.twoGiB))
            #expect(r.bodyCount == Self.twoGiB)
            // Buffering the response would add 2 GiB; streaming keeps the growth small.
            print("RSS before \(before) KiB, peak \(peak) KiB, after \(after) KiB")
            #expect(before > 0 && peak >= before)
            #expect(peak - before < 128 * 1024)
            #expect(after - before < 64 * 1024)
        }
    }

    @Test func twoGigabytesChunkedToCurlInConstantMemory() throws {
        try withServer(responder: Self.streamingRouter()) { server in
            let before = residentKiB()
            let sampler = RSSSampler()
            let r = shell("curl --noproxy '*' -sS --max-time 300 -o /dev/null -w '%{size_download} %{http_code}' http://127.0.0.1:\(server.port)/stream/\(Self.twoGiB)")
            let peak = sampler.stop()
            #expect(r.output == "\(Self.twoGiB) 200")
            print("RSS before \(before) KiB, peak \(peak) KiB (chunked, curl)")
            #expect(before > 0 && peak >= before)
            #expect(peak - before < 128 * 1024)
        }
    }

    @Test func thousandConcurrentKeepAliveConnections() throws {
        raiseOpenFileLimit(to: 8192)
        let n = 1000
        try withServer({ c in
            c.maxConnections = n + 50
            c.idleTimeout = 120
            c.headTimeout = 120
        }, handler: { req in .text("ok \(req.head.target)") }) { server in
            var clients: [TestClient] = []
            for i in 0..<n {
                let c = try TestClient(port: server.port, bufferSize: 4096)
                try c.send("GET /\(i) HTTP/1.1\r\nHost: t\r\n\r\n")
                clients.append(c)
            }
            for (i, c) in clients.enumerated() { #expect(try c.readResponse()?.text == "ok /\(i)") }
            #expect(server.connectionCount == n)
            print("RSS with \(n) connections: \(residentKiB()) KiB")
            // Every connection is reused for a second request.
            for (i, c) in clients.enumerated() { try c.send("GET /again/\(i) HTTP/1.1\r\nHost: t\r\n\r\n") }
            for (i, c) in clients.enumerated() { #expect(try c.readResponse()?.text == "ok /again/\(i)") }
            #expect(server.connectionCount == n)
            for c in clients { c.close() }
            #expect(eventually(10) { server.connectionCount == 0 })
        }
    }

    /// Corrupts a request: flips, inserts, deletes, duplicates, truncates, or splices in
    /// the characters that matter to framing.
    static func mutate(_ input: [UInt8], _ rng: inout SeededRNG) -> [UInt8] {
        var m = input
        let specials: [UInt8] = [0, 9, 10, 13, 32, 44, 58, 59, 34, 0x7F, 0xFF, 48, 102]
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            let at = m.isEmpty ? 0 : Int.random(in: 0..<m.count, using: &rng)
            switch Int.random(in: 0..<8, using: &rng) {
            case 0: if !m.isEmpty { m[at] ^= UInt8(1 << Int.random(in: 0..<8, using: &rng)) }
            case 1: m.insert(UInt8.random(in: 0...255, using: &rng), at: at)
            case 2: if !m.isEmpty { m.remove(at: at) }
            case 3: m.insert(specials.randomElement(using: &rng)!, at: at)
            case 4: m = Array(m.prefix(at))
            case 5:
                let len = min(m.count - at, Int.random(in: 1...20, using: &rng))
                m.insert(contentsOf: m[at..<(at + len)], at: at)
            case 6: m.insert(contentsOf: Array("\r\nContent-Length: 9\r\n".utf8), at: at)
            default: m.insert(contentsOf: Array("\r\nTransfer-Encoding: chunked\r\n".utf8), at: at)
            }
        }
        return m
    }

    static let fuzzCorpus: [[UInt8]] = ParserCorpusTests.valid.map(\.raw) + ParserCorpusTests.smuggling.map(\.raw)

    @Test func parserSurvivesHundredThousandMutations() {
        var rng = SeededRNG(seed: 0xF00D)
        var statuses: [Int: Int] = [:]
        for _ in 0..<100_000 {
            let m = Self.mutate(Self.fuzzCorpus.randomElement(using: &rng)!, &rng)
            statuses[parse(m).outcome, default: 0] += 1
        }
        let allowed: Set<Int> = [0, 200, 400, 408, 411, 413, 414, 417, 431, 501, 505]
        #expect(Set(statuses.keys).isSubset(of: allowed), "\(statuses)")
    }

    @Test func thousandsOfCorruptedRequestsOverSockets() throws {
        let answered = Atomic<Int>(0)
        let closedSilently = Atomic<Int>(0)
        let failures = Mutex<[String]>([])
        try withServer({ c in
            c.headTimeout = 5
            c.bodyReadTimeout = 5
            c.limits.maxBodySize = 1 << 16
        }, handler: { req in .text("\(try req.body.collect(maxBytes: 1 << 16).count)") }) { server in
            let workers = 4, perWorker = 1000
            let finished = Atomic<Int>(0)
            for w in 0..<workers {
                spawnThread {
                    defer { finished.add(1, ordering: .releasing) }
                    var rng = SeededRNG(seed: 0xBAD5EED + UInt64(w))
                    for i in 0..<perWorker {
                        let m = Self.mutate(Self.fuzzCorpus.randomElement(using: &rng)!, &rng)
                        do {
                            let c = try TestClient(port: server.port, bufferSize: 16384)
                            try? c.send(m)
                            c.socket.shutdownWrite()
                            var got: [UInt8] = []
                            while try c.fill(timeout: 10) { got += c.buffer; c.buffer = [] }
                            if got.isEmpty {
                                closedSilently.add(1, ordering: .relaxed)
                            } else if got.starts(with: Array("HTTP/1.1 ".utf8)) {
                                answered.add(1, ordering: .relaxed)
                            } else {
                                failures.withLock { $0.append("worker \(w) #\(i): odd answer") }
                            }
                        } catch {
                            failures.withLock { $0.append("worker \(w) #\(i): \(error)") }
                        }
                    }
                }
            }
            #expect(eventually(120) { finished.load(ordering: .acquiring) == workers })
            #expect(failures.withLock { $0 } == [])
            #expect(answered.load(ordering: .relaxed) + closedSilently.load(ordering: .relaxed) == workers * perWorker)
            print("corrupted requests: \(answered.load(ordering: .relaxed)) answered, \(closedSilently.load(ordering: .relaxed)) closed silently")
            // Still serving normally.
            let c = try TestClient(port: server.port)
            let r = try c.request("POST /after HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc")
            #expect(r.status == 200 && r.text == "3")
            #expect(eventually(10) { server.connectionCount <= 1 })
        }
    }
}
