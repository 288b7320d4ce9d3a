#if canImport(Glibc)
import Glibc
#endif
import Testing
import HTTPServer
@testable import TLS

/// HTTPS through the byte-stream seam, checked with curl.
@Suite struct TLSTests {
    final class Site {
        let dir: String
        let server: HTTPServer
        var base: String { "https://127.0.0.1:\(server.port)" }

        init() throws {
            var template = Array("/tmp/tls-test-XXXXXX".utf8CString)
            dir = String(cString: template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }!)
            let gen = run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=localhost "
                          + "-addext subjectAltName=IP:127.0.0.1 -keyout \(dir)/key.pem -out \(dir)/cert.pem")
            guard gen.status == 0 else { throw TLSError.configuration(gen.output) }
            let tls = try TLSServerContext(certificateChainFile: dir + "/cert.pem", privateKeyFile: dir + "/key.pem",
                                           handshakeTimeout: 2)
            var r = HTTPRouter()
            r.get("/hello") { req in .text("hello over TLS") }
            r.post("/upload") { req in .text("\(try req.body.collect(maxBytes: 1 << 20).count)") }
            r.get("/big") { _ in
                .stream { w in
                    let block = [UInt8](repeating: 66, count: 1 << 20)
                    for _ in 0..<64 { try w.write(block) }
                }
            }
            var config = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
            config.wrapConnection = tls.connectionWrapper
            server = try HTTPServer(configuration: config, responder: r)
            server.start()
        }

        deinit {
            server.stop(grace: 1)
            _ = run("rm -rf '\(dir)'")
        }

        func curl(_ args: String) -> (status: Int32, output: String) {
            run("curl --noproxy '*' -sS --max-time 60 --cacert \(dir)/cert.pem \(args)")
        }
    }

    static func run(_ command: String) -> (status: Int32, output: String) {
        guard let pipe = popen(command + " 2>&1", "r") else { return (-1, "") }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buf, 1, buf.count, pipe)
            if n <= 0 { break }
            out += buf[0..<n]
        }
        return ((pclose(pipe) >> 8) & 0xff, String(decoding: out, as: UTF8.self))
    }

    @Test func httpsRequestsWithKeepAlive() throws {
        let site = try Site()
        let r = site.curl("-v \(site.base)/hello \(site.base)/hello")
        #expect(r.status == 0)
        #expect(r.output.split(separator: "hello over TLS", omittingEmptySubsequences: false).count == 3)
        #expect(r.output.contains("Re-using existing connection"))
        #expect(r.output.contains("SSL connection using TLSv1.3"))
    }

    @Test func uploadAndLargeDownload() throws {
        let site = try Site()
        #expect(site.curl("-H 'Transfer-Encoding: chunked' --data-binary @\(site.dir)/cert.pem \(site.base)/upload").output
                == String(Self.run("wc -c < \(site.dir)/cert.pem").output.filter(\.isNumber)))
        #expect(site.curl("-o /dev/null -w '%{size_download}' \(site.base)/big").output == "\(64 << 20)")
    }

    @Test func plainHTTPOnTheTLSPortIsDropped() throws {
        let site = try Site()
        let plain = Self.run("curl --noproxy '*' -sS --max-time 10 http://127.0.0.1:\(site.server.port)/hello")
        #expect(plain.status != 0)
        // The server carries on.
        #expect(site.curl("\(site.base)/hello").output == "hello over TLS")
    }

    @Test func badConfigurationIsReported() {
        #expect(throws: TLSError.self) {
            _ = try TLSServerContext(certificateChainFile: "/nonexistent/cert.pem", privateKeyFile: "/nonexistent/key.pem")
        }
        do {
            _ = try TLSServerContext(certificateChainFile: "/nonexistent/cert.pem", privateKeyFile: "/nonexistent/key.pem")
        } catch {
            #expect(error.description.contains("/nonexistent/cert.pem"))
        }
    }
}
