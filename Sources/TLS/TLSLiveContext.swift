import HTTPServer
import Synchronization

/// The TLS context for new connections, replaceable while the server runs: give the
/// server `connectionWrapper`, then `reload` or `install` a new certificate. Each
/// connection keeps the context it was accepted with, so open connections finish with
/// the old certificate and new ones get the new one. A pair that fails its check is not
/// installed: the current one stays and the error says why.
public final class TLSLiveContext: Sendable {
    private let state: Mutex<TLSServerContext>

    public init(_ context: TLSServerContext) {
        state = Mutex(context)
    }

    /// Loads and checks the first pair from files.
    public convenience init(certificateChainFile: String, privateKeyFile: String, passphrase: String? = nil,
                            handshakeTimeout: Double = 10, writeTimeout: Double = 60) throws(TLSError) {
        self.init(try TLSServerContext(certificateChainFile: certificateChainFile, privateKeyFile: privateKeyFile,
                                       passphrase: passphrase, handshakeTimeout: handshakeTimeout,
                                       writeTimeout: writeTimeout))
    }

    /// The context new connections get.
    public var current: TLSServerContext { state.withLock { $0 } }

    /// The certificate new connections get.
    public var certificate: TLSCertificateInfo { current.certificate }

    /// Makes `context` the one for connections accepted from now on.
    public func install(_ context: TLSServerContext) {
        state.withLock { $0 = context }
    }

    /// Loads, checks and installs a new pair from files, keeping the timeouts. On failure
    /// nothing changes and the error names the file and the problem.
    @discardableResult
    public func reload(certificateChainFile: String, privateKeyFile: String,
                       passphrase: String? = nil) throws(TLSError) -> TLSCertificateInfo {
        let old = current
        let new = try TLSServerContext(certificateChainFile: certificateChainFile, privateKeyFile: privateKeyFile,
                                       passphrase: passphrase, handshakeTimeout: old.handshakeTimeout,
                                       writeTimeout: old.writeTimeout)
        install(new)
        return new.certificate
    }

    /// Checks and installs a new pair given as PEM bytes (an upload), keeping the timeouts.
    /// On failure nothing changes.
    @discardableResult
    public func reload(certificatePEM: [UInt8], privateKeyPEM: [UInt8],
                       passphrase: String? = nil) throws(TLSError) -> TLSCertificateInfo {
        let old = current
        let new = try TLSServerContext(certificatePEM: certificatePEM, privateKeyPEM: privateKeyPEM,
                                       passphrase: passphrase, handshakeTimeout: old.handshakeTimeout,
                                       writeTimeout: old.writeTimeout)
        install(new)
        return new.certificate
    }

    /// For `HTTPServerConfiguration.wrapConnection`: handshakes with the context current
    /// when the connection is accepted.
    public var connectionWrapper: @Sendable (HTTPSocket) throws -> any HTTPByteStream {
        { socket in try self.current.accept(socket) }
    }
}
