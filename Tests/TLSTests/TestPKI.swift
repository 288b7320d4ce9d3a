#if canImport(Glibc)
import Glibc
#endif
import Testing
import HTTPServer
import TLS

/// Runs a shell command line; returns its exit status and combined output.
func sh(_ command: String) -> (status: Int32, output: String) {
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

func readBytes(_ path: String) -> [UInt8] {
    guard let f = fopen(path, "rb") else { return [] }
    defer { fclose(f) }
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&buf, 1, buf.count, f)
        if n <= 0 { break }
        out += buf[0..<n]
    }
    return out
}

struct CommandFailed: Error, CustomStringConvertible {
    let description: String
}

/// A test public key infrastructure made with the openssl command in a temporary folder:
/// a root CA, an intermediate CA under it, and server certificates for localhost and
/// 127.0.0.1 issued by the intermediate (chain files hold the server certificate, then
/// the intermediate), plus the broken files the certificate check must refuse.
final class TestPKI: Sendable {
    let dir: String

    /// Root CA certificate (what clients trust).
    var ca: String { dir + "/ca.pem" }
    /// Leaf + intermediate, and the leaf's key, for "CN=localhost,O=SwiftPACS Test".
    var chain: String { dir + "/chain.pem" }
    var key: String { dir + "/server.key" }
    /// The leaf alone (no intermediate).
    var leafOnly: String { dir + "/server.pem" }
    /// A second pair, "CN=localhost,O=Second Site".
    var chain2: String { dir + "/chain2.pem" }
    var key2: String { dir + "/server2.key" }
    /// `key` encrypted with the passphrase "secret".
    var encryptedKey: String { dir + "/encrypted.key" }
    /// The leaf in DER form (not PEM).
    var derCertificate: String { dir + "/server.der" }
    /// The key in DER form.
    var derKey: String { dir + "/server.key.der" }
    /// Valid 2020-01-01 to 2021-01-01 (expired), with the intermediate; key `key`.
    var expired: String { dir + "/expired-chain.pem" }
    /// Valid 2099-01-01 to 2100-01-01 (not yet valid), with the intermediate; key `key`.
    var future: String { dir + "/future-chain.pem" }

    init() throws {
        var template = Array("/tmp/tls-pki-XXXXXX".utf8CString)
        dir = String(cString: template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }!)
        let ext = """
        [intermediate]
        basicConstraints = critical,CA:TRUE,pathlen:0
        keyUsage = critical,keyCertSign,cRLSign
        subjectKeyIdentifier = hash
        authorityKeyIdentifier = keyid
        [server]
        basicConstraints = critical,CA:FALSE
        keyUsage = critical,digitalSignature
        extendedKeyUsage = serverAuth
        subjectAltName = DNS:localhost,IP:127.0.0.1
        subjectKeyIdentifier = hash
        authorityKeyIdentifier = keyid
        """
        // `openssl ca` is the way (with OpenSSL 3.0) to give explicit start and end dates.
        let caConfig = """
        [ca]
        default_ca = test
        [test]
        database = index.txt
        new_certs_dir = .
        serial = serial.txt
        default_md = sha256
        policy = any
        unique_subject = no
        [any]
        commonName = supplied
        organizationName = optional
        """
        let key = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
        let steps = [
            "printf '%s\\n' '\(ext)' > ext.cnf",
            "printf '%s\\n' '\(caConfig)' > ca.cnf",
            ": > index.txt && echo 1000 > serial.txt",
            "openssl req -x509 \(key) -days 3 -subj '/O=SwiftPACS Test/CN=Test Root CA' -keyout ca.key -out ca.pem",
            "openssl req \(key) -subj '/O=SwiftPACS Test/CN=Test Intermediate CA' -keyout int.key -out int.csr",
            "openssl x509 -req -in int.csr -CA ca.pem -CAkey ca.key -set_serial 2 -days 3 -extfile ext.cnf -extensions intermediate -out int.pem",
            "openssl req \(key) -subj '/O=SwiftPACS Test/CN=localhost' -keyout server.key -out server.csr",
            "openssl x509 -req -in server.csr -CA int.pem -CAkey int.key -set_serial 3 -days 2 -extfile ext.cnf -extensions server -out server.pem",
            "cat server.pem int.pem > chain.pem",
            "openssl req \(key) -subj '/O=Second Site/CN=localhost' -keyout server2.key -out server2.csr",
            "openssl x509 -req -in server2.csr -CA int.pem -CAkey int.key -set_serial 4 -days 2 -extfile ext.cnf -extensions server -out server2.pem",
            "cat server2.pem int.pem > chain2.pem",
            "openssl pkey -in server.key -aes256 -passout pass:secret -out encrypted.key",
            "openssl x509 -in server.pem -outform der -out server.der",
            "openssl pkey -in server.key -outform der -out server.key.der",
            "openssl ca -batch -notext -config ca.cnf -cert int.pem -keyfile int.key -in server.csr -startdate 20200101000000Z -enddate 20210101000000Z -extfile ext.cnf -extensions server -out expired.pem",
            "cat expired.pem int.pem > expired-chain.pem",
            "openssl ca -batch -notext -config ca.cnf -cert int.pem -keyfile int.key -in server.csr -startdate 20990101000000Z -enddate 21000101000000Z -extfile ext.cnf -extensions server -out future.pem",
            "cat future.pem int.pem > future-chain.pem",
        ]
        for step in steps {
            let r = sh("cd '\(dir)' && \(step)")
            guard r.status == 0 else {
                _ = sh("rm -rf '\(dir)'")
                throw CommandFailed(description: "\(step): \(r.output)")
            }
        }
    }

    deinit { _ = sh("rm -rf '\(dir)'") }

    func bytes(_ path: String) -> [UInt8] { readBytes(path) }
}

/// An HTTPS server for tests, on 127.0.0.1 with a free port.
final class TLSTestServer {
    static let slowBlock = 64 * 1024
    static let slowBlocks = 30
    let server: HTTPServer
    var port: Int { server.port }

    init(wrap: @escaping @Sendable (HTTPSocket) throws -> any HTTPByteStream) throws {
        var r = HTTPRouter()
        r.get("/") { _ in .text("ok") }
        r.get("/hello") { _ in .text("hello over TLS") }
        // 30 blocks of 64 KiB, 0.1 s apart (blocks this large go out as they are written).
        r.get("/slow") { _ in
            .stream { w in
                let block = [UInt8](repeating: 0x61, count: Self.slowBlock)
                for _ in 0..<Self.slowBlocks {
                    try w.write(block)
                    usleep(100_000)
                }
            }
        }
        var config = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
        config.wrapConnection = wrap
        server = try HTTPServer(configuration: config, responder: r)
        server.start()
    }

    deinit { server.stop(grace: 1) }

    /// `openssl s_client` with the given options, verifying against `caFile`; stdin is empty
    /// so it ends right after the handshake.
    func sClient(_ options: String, caFile: String) -> (status: Int32, output: String) {
        sh("timeout 20 openssl s_client -connect 127.0.0.1:\(port) -servername localhost -CAfile '\(caFile)' "
           + "-verify_return_error \(options) < /dev/null")
    }
}
