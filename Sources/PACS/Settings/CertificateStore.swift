#if canImport(Glibc)
import Glibc
#endif
import DICOM
import TLS

/// The web server's certificate chain and private key (SPEC §5, "SSL"), kept as two PEM
/// files in `<data>/tls/`, readable by the server's user only. A pair is checked (both PEM,
/// the key is the certificate's, every certificate valid now) before it replaces the one
/// stored; an encrypted key is refused, since the server would need its passphrase at every
/// start.
public struct CertificateStore: Sendable {
    public let directory: String
    public var certificatePath: String { directory + "/certificate.pem" }
    public var privateKeyPath: String { directory + "/private-key.pem" }
    /// A certificate chain or a key larger than this is not one.
    public static let maxPEMBytes = 1 << 20

    public init(dataDirectory: String) {
        directory = dataDirectory + "/tls"
    }

    /// Whether a pair is stored.
    public var hasPair: Bool {
        access(certificatePath, F_OK) == 0 && access(privateKeyPath, F_OK) == 0
    }

    /// What the stored pair is, or nil when there is none; throws when it no longer passes
    /// its check (expired since, files damaged).
    public func stored() throws(TLSCertificateError) -> TLSCertificateInfo? {
        guard hasPair else { return nil }
        return try TLSCertificateCheck.check(certificateChainFile: certificatePath, privateKeyFile: privateKeyPath)
    }

    /// Checks an uploaded pair and stores it in place of the current one.
    @discardableResult
    public func install(certificatePEM: [UInt8], privateKeyPEM: [UInt8]) throws -> TLSCertificateInfo {
        // PEM is ASCII text (RFC 7468 §3); anything else around the blocks would be stored too.
        guard Self.isText(certificatePEM) else { throw TLSCertificateError.certificateNotPEM(source: "uploaded certificate") }
        guard Self.isText(privateKeyPEM) else { throw TLSCertificateError.keyNotPEM(source: "uploaded private key") }
        let info = try TLSCertificateCheck.validate(certificatePEM: certificatePEM, privateKeyPEM: privateKeyPEM)
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw DICOMError.io(path: directory, reason: String(cString: strerror(errno)))
        }
        // The key first: a certificate is never stored beside a key it does not match for
        // longer than the two renames (a crash between them fails the next check, and says so).
        try FileIO.writeAtomically(privateKeyPEM, to: privateKeyPath, mode: 0o600)
        try FileIO.writeAtomically(certificatePEM, to: certificatePath, mode: 0o600)
        return info
    }

    /// Printable ASCII, tabs and line ends only.
    static func isText(_ bytes: [UInt8]) -> Bool {
        bytes.allSatisfy { ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
    }

    /// Removes the stored pair; false when there was none.
    @discardableResult
    public func remove() -> Bool {
        let had = hasPair
        unlink(certificatePath)
        unlink(privateKeyPath)
        return had
    }
}
