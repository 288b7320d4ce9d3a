#if canImport(Glibc)
import Glibc
#endif
import Testing
import TLS

/// Changing the certificate while serving: new connections get the new one, open ones
/// finish with the old one, and a pair that fails its check changes nothing.
@Suite struct LiveContextTests {
    /// The subject line `openssl s_client` prints for the server certificate.
    static func servedSubject(_ site: TLSTestServer, _ pki: TestPKI) -> String {
        let r = site.sClient("", caFile: pki.ca)
        guard r.status == 0 else { return "handshake failed: \(r.output)" }
        return r.output.split(separator: "\n").first { $0.hasPrefix("subject=") }.map(String.init) ?? r.output
    }

    @Test func newConnectionsGetTheNewCertificate() throws {
        let pki = try TestPKI()
        let live = try TLSLiveContext(certificateChainFile: pki.chain, privateKeyFile: pki.key, handshakeTimeout: 5)
        let site = try TLSTestServer(wrap: live.connectionWrapper)
        #expect(Self.servedSubject(site, pki) == "subject=O = SwiftPACS Test, CN = localhost")

        // A slow download on a connection made with the first certificate.
        let body = pki.dir + "/slow.body", log = pki.dir + "/slow.log"
        let total = TLSTestServer.slowBlock * TLSTestServer.slowBlocks
        _ = sh("(curl --noproxy '*' -sS -v --max-time 30 --cacert '\(pki.ca)' -o '\(body)' https://localhost:\(site.port)/slow "
               + "2> '\(log)'; echo $? > '\(log).rc') > /dev/null 2>&1 &")
        var started = false
        for _ in 0..<400 where !started {
            usleep(25_000)
            started = !readBytes(body).isEmpty
        }
        #expect(started)

        let info = try live.reload(certificateChainFile: pki.chain2, privateKeyFile: pki.key2)
        // The download is still going on.
        #expect(readBytes(body).count < total && readBytes(log + ".rc").isEmpty)
        #expect(info.subject == "CN=localhost,O=Second Site")
        #expect(live.certificate.subject == "CN=localhost,O=Second Site")
        #expect(Self.servedSubject(site, pki) == "subject=O = Second Site, CN = localhost")

        // The old connection finishes its response, still with the first certificate.
        var rc = ""
        for _ in 0..<800 where rc.isEmpty {
            usleep(25_000)
            rc = String(decoding: readBytes(log + ".rc"), as: UTF8.self).filter(\.isNumber)
        }
        #expect(rc == "0")
        #expect(readBytes(body).count == total)
        let slow = String(decoding: readBytes(log), as: UTF8.self)
        #expect(slow.contains("subject: O=SwiftPACS Test; CN=localhost"), "\(slow)")
        #expect(!slow.contains("Second Site"))
    }

    @Test func aFailedReloadKeepsTheCurrentCertificate() throws {
        let pki = try TestPKI()
        let live = try TLSLiveContext(certificateChainFile: pki.chain, privateKeyFile: pki.key, handshakeTimeout: 5)
        let site = try TLSTestServer(wrap: live.connectionWrapper)
        let before = live.current

        #expect(throws: TLSError.certificate(.keyMismatch(keySource: pki.key, certificateSource: pki.chain2,
                                                          subject: "CN=localhost,O=Second Site"))) {
            try live.reload(certificateChainFile: pki.chain2, privateKeyFile: pki.key)
        }
        #expect(throws: TLSError.certificate(.expired(source: pki.expired, subject: "O=SwiftPACS Test,CN=localhost",
                                                      notAfter: 1_609_459_200))) {
            try live.reload(certificateChainFile: pki.expired, privateKeyFile: pki.key)
        }
        do {
            try live.reload(certificatePEM: Array("not a certificate".utf8), privateKeyPEM: pki.bytes(pki.key2))
            Issue.record("garbage installed")
        } catch {
            #expect(error == .certificate(.certificateNotPEM(source: "uploaded certificate")))
            #expect(error.description.hasPrefix("TLS certificate: uploaded certificate: no PEM certificate"))
        }
        #expect(live.current === before)
        #expect(Self.servedSubject(site, pki) == "subject=O = SwiftPACS Test, CN = localhost")

        // An uploaded pair (bytes) is installed the same way.
        let info = try live.reload(certificatePEM: pki.bytes(pki.chain2), privateKeyPEM: pki.bytes(pki.key2))
        #expect(info.issuer == "CN=Test Intermediate CA,O=SwiftPACS Test")
        #expect(Self.servedSubject(site, pki) == "subject=O = Second Site, CN = localhost")
        #expect(live.current.handshakeTimeout == 5)
    }
}
