#if canImport(Glibc)
import Glibc
#endif
import HTTPServer

/// `http --port N [--host H] [--static DIR] [--max-connections N]`: the HTTP server with
/// the routes `scripts/bench_http.py` measures, until SIGTERM/SIGINT:
///   GET /api/health            {"status":"ok"}
///   GET /api/stats             {"connections":N} (connections open now)
///   GET /static/{path...}      files under DIR
///   GET /stream/{bytes}        BYTES octets written piece by piece, chunked
func runHTTPBench(_ args: [String]) -> Int32 {
    var host = "127.0.0.1", port = 0, staticRoot: String?, maxConnections = 4096
    var i = 0
    while i < args.count {
        let value = i + 1 < args.count ? args[i + 1] : ""
        switch args[i] {
        case "--host": host = value
        case "--port": port = Int(value) ?? -1
        case "--static": staticRoot = value
        case "--max-connections": maxConnections = Int(value) ?? -1
        default:
            print("unknown option \(args[i])")
            return 2
        }
        i += 2
    }
    guard port >= 0, maxConnections > 0 else {
        print("usage: swiftpacs-bench http --port N [--host H] [--static DIR] [--max-connections N]")
        return 2
    }
    // One descriptor per connection: take what the hard limit allows.
    var rl = rlimit()
    if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &rl) == 0, rl.rlim_cur < rl.rlim_max {
        rl.rlim_cur = rl.rlim_max
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &rl)
    }

    var set = sigset_t()
    sigemptyset(&set)
    sigaddset(&set, SIGTERM)
    sigaddset(&set, SIGINT)
    pthread_sigmask(SIG_BLOCK, &set, nil)

    let server = ServerBox()
    var router = HTTPRouter()
    router.get("/api/health") { _ in .json(Array(#"{"status":"ok"}"#.utf8)) }
    router.get("/api/stats") { _ in .json(Array("{\"connections\":\(server.server?.connectionCount ?? 0)}".utf8)) }
    if let staticRoot {
        do {
            let files = try HTTPStaticFiles(root: staticRoot, indexFile: nil)
            router.get("/static/{path...}", files.handler)
        } catch {
            print("\(error)")
            return 1
        }
    }
    let block = [UInt8](repeating: 0x5A, count: 256 * 1024)
    router.get("/stream/{bytes}") { request in
        guard let total = request.parameters["bytes"].flatMap({ Int($0) }), total >= 0 else {
            throw HTTPError(.badRequest, message: "/stream/{bytes} wants a byte count")
        }
        return .stream(headers: ["Content-Type": "application/octet-stream"]) { w in
            var left = total
            while left > 0 {
                let n = min(left, block.count)
                try w.write(block[0..<n])
                left -= n
            }
        }
    }

    var config = HTTPServerConfiguration(host: host, port: port)
    config.maxConnections = maxConnections
    config.serverName = "SwiftPACS-bench"
    config.errorLog = { message in print("error: \(message)") }
    do {
        server.server = try HTTPServer(configuration: config, responder: router)
    } catch {
        print("cannot listen on \(host):\(port): \(error)")
        return 1
    }
    server.server?.start()
    print("listening on \(host):\(server.server?.port ?? 0)")
    fflush(nil)
    // Until SIGTERM or SIGINT (blocked before any thread starts, so that every thread inherits the mask).
    var signal: Int32 = 0
    sigwait(&set, &signal)
    server.server?.stop(grace: 1)
    return 0
}

/// Lets a route read the server it belongs to (set once, before `start`).
final class ServerBox: @unchecked Sendable {
    var server: HTTPServer?
}
