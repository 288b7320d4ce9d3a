#if canImport(Glibc)
import Glibc
#endif
import Testing
import TLS

/// The pair check before use: each way a certificate and key can be unusable is its own
/// error, with a one-line message naming the file and what to do.
@Suite struct CertificateCheckTests {
    static func expectOneLine(_ error: TLSCertificateError, naming name: String, _ more: String...,
                              sourceLocation: SourceLocation = #_sourceLocation) {
        let text = error.description
        #expect(!text.contains("\n"), sourceLocation: sourceLocation)
        #expect(text.contains(name), "\(text)", sourceLocation: sourceLocation)
        for m in more { #expect(text.contains(m), "\(text)", sourceLocation: sourceLocation) }
    }

    func check(_ cert: String, _ key: String, passphrase: String? = nil) -> Result<TLSCertificateInfo, TLSCertificateError> {
        Result { () throws(TLSCertificateError) in
            try TLSCertificateCheck.check(certificateChainFile: cert, privateKeyFile: key, passphrase: passphrase)
        }
    }

    @Test func goodPairDescribesItself() throws {
        let pki = try TestPKI()
        let info = try TLSCertificateCheck.check(certificateChainFile: pki.chain, privateKeyFile: pki.key)
        #expect(info.subject == "CN=localhost,O=SwiftPACS Test")
        #expect(info.issuer == "CN=Test Intermediate CA,O=SwiftPACS Test")
        #expect(info.subjectAlternativeNames == ["DNS:localhost", "IP:127.0.0.1"])
        #expect(info.chainLength == 2)
        #expect(info.serialNumber == "03")
        #expect(info.keyDescription == "EC 256 bits")
        let now = Int64(time(nil))
        #expect(info.notBefore <= now && now < info.notAfter)
        #expect(info.notAfter - info.notBefore == 2 * 86_400)
        #expect(info.sha256Fingerprint.split(separator: ":").count == 32)
        let cli = sh("openssl x509 -in '\(pki.leafOnly)' -noout -fingerprint -sha256").output
        #expect(cli.contains(info.sha256Fingerprint))
    }

    @Test func unreadableFiles() throws {
        let pki = try TestPKI()
        let missing = pki.dir + "/missing.pem"
        guard case let .failure(e1) = check(missing, pki.key) else { Issue.record("missing file accepted"); return }
        #expect(e1 == .unreadable(file: missing, reason: "No such file or directory"))
        Self.expectOneLine(e1, naming: missing, "cannot be read", "check the path")
        guard case let .failure(e2) = check(pki.chain, pki.dir) else { Issue.record("folder accepted"); return }
        #expect(e2 == .unreadable(file: pki.dir, reason: "it is a folder"))
        Self.expectOneLine(e2, naming: pki.dir)
    }

    @Test func notPEM() throws {
        let pki = try TestPKI()
        // A DER certificate; a key file given as the certificate.
        for file in [pki.derCertificate, pki.key] {
            guard case let .failure(e) = check(file, pki.key) else { Issue.record("\(file) accepted"); continue }
            #expect(e == .certificateNotPEM(source: file))
            Self.expectOneLine(e, naming: file, "BEGIN CERTIFICATE", "openssl x509 -inform der")
        }
        // A DER key; a certificate given as the key.
        for file in [pki.derKey, pki.leafOnly] {
            guard case let .failure(e) = check(pki.chain, file) else { Issue.record("\(file) accepted"); continue }
            #expect(e == .keyNotPEM(source: file))
            Self.expectOneLine(e, naming: file, "BEGIN PRIVATE KEY")
        }
        // A damaged block after the leaf.
        let damaged = pki.dir + "/damaged.pem"
        _ = sh("cp '\(pki.leafOnly)' '\(damaged)' && printf -- '-----BEGIN CERTIFICATE-----\\nAAAA@@@\\n-----END CERTIFICATE-----\\n' >> '\(damaged)'")
        #expect(check(damaged, pki.key).failure == .certificateNotPEM(source: damaged))
        // An empty file.
        let empty = pki.dir + "/empty.pem"
        _ = sh(": > '\(empty)'")
        #expect(check(empty, pki.key).failure == .certificateNotPEM(source: empty))
        #expect(check(pki.chain, empty).failure == .keyNotPEM(source: empty))
    }

    @Test func encryptedKey() throws {
        let pki = try TestPKI()
        guard case let .failure(e) = check(pki.chain, pki.encryptedKey) else { Issue.record("encrypted key accepted"); return }
        #expect(e == .encryptedKey(source: pki.encryptedKey))
        Self.expectOneLine(e, naming: pki.encryptedKey, "passphrase")
        let wrong = check(pki.chain, pki.encryptedKey, passphrase: "wrong").failure
        #expect(wrong == .wrongPassphrase(source: pki.encryptedKey))
        Self.expectOneLine(try #require(wrong), naming: pki.encryptedKey)
        // With its passphrase it opens.
        #expect(try check(pki.chain, pki.encryptedKey, passphrase: "secret").get().subject == "CN=localhost,O=SwiftPACS Test")
    }

    @Test func keyOfAnotherCertificate() throws {
        let pki = try TestPKI()
        guard case let .failure(e) = check(pki.chain, pki.key2) else { Issue.record("foreign key accepted"); return }
        #expect(e == .keyMismatch(keySource: pki.key2, certificateSource: pki.chain, subject: "CN=localhost,O=SwiftPACS Test"))
        Self.expectOneLine(e, naming: pki.key2, pki.chain, "does not belong")
    }

    @Test func expiredCertificate() throws {
        let pki = try TestPKI()
        guard case let .failure(e) = check(pki.expired, pki.key) else { Issue.record("expired certificate accepted"); return }
        #expect(e == .expired(source: pki.expired, subject: "O=SwiftPACS Test,CN=localhost", notAfter: 1_609_459_200))
        Self.expectOneLine(e, naming: pki.expired, "expired on 2021-01-01 00:00:00 UTC", "renew")
    }

    @Test func notYetValidCertificate() throws {
        let pki = try TestPKI()
        guard case let .failure(e) = check(pki.future, pki.key) else { Issue.record("future certificate accepted"); return }
        #expect(e == .notYetValid(source: pki.future, subject: "O=SwiftPACS Test,CN=localhost", notBefore: 4_070_908_800))
        Self.expectOneLine(e, naming: pki.future, "not valid before 2099-01-01 00:00:00 UTC", "clock")
    }

    @Test func uploadedPairFromBytes() throws {
        let pki = try TestPKI()
        let info = try TLSCertificateCheck.validate(certificatePEM: pki.bytes(pki.chain), privateKeyPEM: pki.bytes(pki.key))
        #expect(info.subject == "CN=localhost,O=SwiftPACS Test")
        #expect(info.subjectAlternativeNames == ["DNS:localhost", "IP:127.0.0.1"])
        #expect(info.chainLength == 2)

        func validate(_ cert: String, _ key: String, _ passphrase: String? = nil) -> TLSCertificateError? {
            do {
                _ = try TLSCertificateCheck.validate(certificatePEM: pki.bytes(cert), privateKeyPEM: pki.bytes(key),
                                                     passphrase: passphrase)
                return nil
            } catch { return error }
        }
        let c = "uploaded certificate", k = "uploaded private key"
        #expect(validate(pki.derCertificate, pki.key) == .certificateNotPEM(source: c))
        #expect(validate(pki.chain, pki.derKey) == .keyNotPEM(source: k))
        #expect(validate(pki.chain, pki.encryptedKey) == .encryptedKey(source: k))
        #expect(validate(pki.chain, pki.encryptedKey, "nope") == .wrongPassphrase(source: k))
        #expect(validate(pki.chain, pki.encryptedKey, "secret") == nil)
        #expect(validate(pki.chain, pki.key2) == .keyMismatch(keySource: k, certificateSource: c, subject: "CN=localhost,O=SwiftPACS Test"))
        #expect(validate(pki.expired, pki.key)?.description.hasPrefix("uploaded certificate: the certificate O=SwiftPACS Test,CN=localhost expired") == true)
        if case .notYetValid = validate(pki.future, pki.key) {} else { Issue.record("future certificate accepted") }
        // A key and certificate in one upload, key first, is fine too.
        let combined = pki.bytes(pki.key) + pki.bytes(pki.chain)
        #expect(try TLSCertificateCheck.validate(certificatePEM: combined, privateKeyPEM: combined).chainLength == 2)
    }

    @Test func contextRefusesWhatTheCheckRefuses() throws {
        let pki = try TestPKI()
        let cases: [(String, String, TLSCertificateError)] = [
            (pki.expired, pki.key, .expired(source: pki.expired, subject: "O=SwiftPACS Test,CN=localhost", notAfter: 1_609_459_200)),
            (pki.chain, pki.key2, .keyMismatch(keySource: pki.key2, certificateSource: pki.chain, subject: "CN=localhost,O=SwiftPACS Test")),
            (pki.chain, pki.encryptedKey, .encryptedKey(source: pki.encryptedKey)),
        ]
        for (cert, key, expected) in cases {
            #expect(throws: TLSError.certificate(expected)) {
                _ = try TLSServerContext(certificateChainFile: cert, privateKeyFile: key)
            }
        }
        let context = try TLSServerContext(certificateChainFile: pki.chain, privateKeyFile: pki.encryptedKey, passphrase: "secret")
        #expect(context.certificate.chainLength == 2)
        let fromBytes = try TLSServerContext(certificatePEM: pki.bytes(pki.chain), privateKeyPEM: pki.bytes(pki.key))
        #expect(fromBytes.certificate == context.certificate)
    }
}

extension Result {
    var failure: Failure? {
        if case let .failure(e) = self { return e }
        return nil
    }
}
