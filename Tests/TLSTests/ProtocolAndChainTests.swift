#if canImport(Glibc)
import Glibc
#endif
import Testing
import TLS

/// TLS 1.2 and 1.3 only; a certificate chain under a test CA, verified by curl and openssl.
@Suite struct ProtocolAndChainTests {
    @Test func tls10And11AreRefused() throws {
        let pki = try TestPKI()
        let tls = try TLSServerContext(certificateChainFile: pki.chain, privateKeyFile: pki.key, handshakeTimeout: 5)
        let site = try TLSTestServer(wrap: tls.connectionWrapper)
        for option in ["-tls1", "-tls1_1"] {
            // Security level 0 lets this client offer the old protocol at all; the refusal
            // must come from the server, as a protocol_version alert.
            let r = site.sClient("\(option) -cipher 'DEFAULT:@SECLEVEL=0'", caFile: pki.ca)
            #expect(r.status != 0, "\(option): \(r.output)")
            #expect(r.output.contains("alert protocol version"), "\(option): \(r.output)")
            #expect(r.output.contains("no peer certificate available"), "\(option): \(r.output)")
        }
        // The server carries on.
        #expect(site.sClient("", caFile: pki.ca).status == 0)
    }

    @Test func tls12And13AreAcceptedAndTheChainVerifies() throws {
        let pki = try TestPKI()
        let tls = try TLSServerContext(certificateChainFile: pki.chain, privateKeyFile: pki.key, handshakeTimeout: 5)
        let site = try TLSTestServer(wrap: tls.connectionWrapper)
        for (option, version) in [("-tls1_2", "TLSv1.2"), ("-tls1_3", "TLSv1.3")] {
            let r = site.sClient("\(option) -showcerts", caFile: pki.ca)
            #expect(r.status == 0, "\(option): \(r.output)")
            #expect(r.output.contains("New, \(version), Cipher is"), "\(option): \(r.output)")
            #expect(r.output.contains("Verification: OK"), "\(option): \(r.output)")
            #expect(r.output.contains("Verify return code: 0 (ok)"), "\(option): \(r.output)")
            // The chain sent: the leaf, then the intermediate (the root stays with the client).
            #expect(r.output.contains("0 s:O = SwiftPACS Test, CN = localhost"), "\(r.output)")
            #expect(r.output.contains("1 s:O = SwiftPACS Test, CN = Test Intermediate CA"), "\(r.output)")
            #expect(r.output.split(separator: "BEGIN CERTIFICATE", omittingEmptySubsequences: false).count == 3)
        }
    }

    @Test func curlVerifiesAgainstTheTestCA() throws {
        let pki = try TestPKI()
        let tls = try TLSServerContext(certificateChainFile: pki.chain, privateKeyFile: pki.key, handshakeTimeout: 5)
        let site = try TLSTestServer(wrap: tls.connectionWrapper)
        for host in ["localhost", "127.0.0.1"] {
            let r = sh("curl --noproxy '*' -sS -v --max-time 20 --cacert '\(pki.ca)' https://\(host):\(site.port)/hello")
            #expect(r.status == 0, "\(r.output)")
            #expect(r.output.contains("SSL certificate verify ok"), "\(r.output)")
            #expect(r.output.hasSuffix("hello over TLS"), "\(r.output)")
        }
        // Without the test CA, curl refuses the certificate (exit 60).
        #expect(sh("curl --noproxy '*' -sS --max-time 20 https://localhost:\(site.port)/hello").status == 60)
    }

    @Test func withoutTheIntermediateVerificationFails() throws {
        let pki = try TestPKI()
        // The leaf alone: clients that trust only the root cannot build the path.
        let tls = try TLSServerContext(certificateChainFile: pki.leafOnly, privateKeyFile: pki.key, handshakeTimeout: 5)
        let site = try TLSTestServer(wrap: tls.connectionWrapper)
        #expect(sh("curl --noproxy '*' -sS --max-time 20 --cacert '\(pki.ca)' https://localhost:\(site.port)/").status == 60)
        let r = site.sClient("", caFile: pki.ca)
        #expect(r.status != 0)
        #expect(r.output.contains("unable to get local issuer certificate"), "\(r.output)")
    }
}
