#if canImport(Glibc)
import Glibc
#endif
internal import COpenSSL
import HTTPServer

/// Failures setting up or running TLS, worded for an administrator.
public enum TLSError: Error, Sendable, Equatable, CustomStringConvertible {
    case configuration(String)
    /// The certificate or key cannot be used (see `TLSCertificateError` for each case).
    case certificate(TLSCertificateError)
    case handshake(String)

    public var description: String {
        switch self {
        case let .configuration(s): return "TLS configuration: \(s)"
        case let .certificate(e): return "TLS certificate: \(e)"
        case let .handshake(s): return "TLS handshake: \(s)"
        }
    }

    /// The oldest error on OpenSSL's queue for this thread, as text (and clears the queue).
    static func openSSLReason() -> String {
        let code = ERR_get_error()
        ERR_clear_error()
        guard code != 0 else { return "no detail from OpenSSL" }
        var buf = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buf, buf.count)
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// A server-side TLS configuration (OpenSSL SSL_CTX): a certificate chain and its key,
/// checked before use (`TLSCertificateCheck`), TLS 1.2 and 1.3 only. `connectionWrapper`
/// plugs it into `HTTPServerConfiguration.wrapConnection`; `TLSLiveContext` lets the
/// certificate be changed while serving.
public final class TLSServerContext: @unchecked Sendable {
    // SSL_CTX is safe to share between threads once configured (OpenSSL 1.1+).
    let ctx: OpaquePointer
    public let handshakeTimeout: Double
    /// Longest wait for a client that stopped reading.
    public let writeTimeout: Double
    /// The certificate served.
    public let certificate: TLSCertificateInfo

    /// Loads a PEM certificate chain (leaf first, then intermediates) and its PEM private key.
    public convenience init(certificateChainFile: String, privateKeyFile: String, passphrase: String? = nil,
                            handshakeTimeout: Double = 10, writeTimeout: Double = 60) throws(TLSError) {
        let pair: TLSCertificatePair
        do {
            pair = try TLSCertificatePair(certificateChainFile: certificateChainFile, privateKeyFile: privateKeyFile,
                                          passphrase: passphrase)
        } catch { throw .certificate(error) }
        try self.init(pair: pair, handshakeTimeout: handshakeTimeout, writeTimeout: writeTimeout)
    }

    /// Uses a PEM certificate chain and PEM private key given as bytes (an uploaded pair).
    public convenience init(certificatePEM: [UInt8], privateKeyPEM: [UInt8], passphrase: String? = nil,
                            handshakeTimeout: Double = 10, writeTimeout: Double = 60) throws(TLSError) {
        let pair: TLSCertificatePair
        do {
            pair = try TLSCertificatePair(certificatePEM: certificatePEM, certificateSource: TLSCertificatePair.uploadedCertificate,
                                          keyPEM: privateKeyPEM, keySource: TLSCertificatePair.uploadedKey,
                                          passphrase: passphrase)
        } catch { throw .certificate(error) }
        try self.init(pair: pair, handshakeTimeout: handshakeTimeout, writeTimeout: writeTimeout)
    }

    init(pair: TLSCertificatePair, handshakeTimeout: Double, writeTimeout: Double) throws(TLSError) {
        ERR_clear_error()
        guard let ctx = SSL_CTX_new(TLS_server_method()) else {
            throw .configuration("cannot create a context: \(TLSError.openSSLReason())")
        }
        // TLS 1.0 and 1.1 are refused (RFC 8996).
        SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MIN_PROTO_VERSION, Int(TLS1_2_VERSION), nil)
        // Writes may return part way (non-blocking sockets) and be retried from another address.
        SSL_CTX_ctrl(ctx, SSL_CTRL_MODE, Int(SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER), nil)
        var ok = SSL_CTX_use_certificate(ctx, pair.leaf) == 1
        for c in pair.intermediates where ok {
            // SSL_CTX_add1_chain_cert (a macro): the context takes its own reference.
            ok = SSL_CTX_ctrl(ctx, SSL_CTRL_CHAIN_CERT, 1, UnsafeMutableRawPointer(c)) == 1
        }
        ok = ok && SSL_CTX_use_PrivateKey(ctx, pair.key) == 1 && SSL_CTX_check_private_key(ctx) == 1
        guard ok else {
            let reason = TLSError.openSSLReason()
            SSL_CTX_free(ctx)
            throw .configuration("cannot use the certificate \(pair.info.subject): \(reason)")
        }
        self.ctx = ctx
        self.handshakeTimeout = handshakeTimeout
        self.writeTimeout = writeTimeout
        certificate = pair.info
    }

    deinit { SSL_CTX_free(ctx) }

    /// Runs the server side of the handshake on an accepted socket (blocking, bounded by
    /// `handshakeTimeout`) and returns the encrypted stream.
    public func accept(_ socket: HTTPSocket) throws(TLSError) -> TLSStream {
        try TLSStream(context: self, socket: socket, deadline: .after(handshakeTimeout))
    }

    /// For `HTTPServerConfiguration.wrapConnection`.
    public var connectionWrapper: @Sendable (HTTPSocket) throws -> any HTTPByteStream {
        { socket in try self.accept(socket) }
    }
}
