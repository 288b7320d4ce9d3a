#if canImport(Glibc)
import Glibc
#endif
internal import COpenSSL
import HTTPServer

/// Failures setting up or running TLS, worded for an administrator.
public enum TLSError: Error, Sendable, Equatable, CustomStringConvertible {
    case configuration(String)
    case handshake(String)

    public var description: String {
        switch self {
        case let .configuration(s): return "TLS configuration: \(s)"
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
/// TLS 1.2 at least. `connectionWrapper` plugs it into `HTTPServerConfiguration.wrapConnection`.
public final class TLSServerContext: @unchecked Sendable {
    // SSL_CTX is safe to share between threads once configured (OpenSSL 1.1+).
    let ctx: OpaquePointer
    public let handshakeTimeout: Double
    /// Longest wait for a client that stopped reading.
    public let writeTimeout: Double

    /// Loads a PEM certificate chain (leaf first) and its PEM private key.
    public init(certificateChainFile: String, privateKeyFile: String, handshakeTimeout: Double = 10,
                writeTimeout: Double = 60) throws(TLSError) {
        guard let ctx = SSL_CTX_new(TLS_server_method()) else {
            throw .configuration("cannot create a context: \(TLSError.openSSLReason())")
        }
        SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MIN_PROTO_VERSION, Int(TLS1_2_VERSION), nil)
        // Writes may return part way (non-blocking sockets) and be retried from another address.
        SSL_CTX_ctrl(ctx, SSL_CTRL_MODE, Int(SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER), nil)
        guard SSL_CTX_use_certificate_chain_file(ctx, certificateChainFile) == 1 else {
            SSL_CTX_free(ctx)
            throw .configuration("cannot load the certificate chain \(certificateChainFile): \(TLSError.openSSLReason())")
        }
        guard SSL_CTX_use_PrivateKey_file(ctx, privateKeyFile, SSL_FILETYPE_PEM) == 1 else {
            SSL_CTX_free(ctx)
            throw .configuration("cannot load the private key \(privateKeyFile): \(TLSError.openSSLReason())")
        }
        guard SSL_CTX_check_private_key(ctx) == 1 else {
            SSL_CTX_free(ctx)
            throw .configuration("the private key does not match the certificate: \(TLSError.openSSLReason())")
        }
        self.ctx = ctx
        self.handshakeTimeout = handshakeTimeout
        self.writeTimeout = writeTimeout
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
