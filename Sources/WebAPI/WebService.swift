import Foundation
import Synchronization
import HTTPServer
import TLS
import PACS

/// The web module as the appliance runs it (SPEC §5): the HTTP server, whether it speaks TLS
/// and with which certificate, and the settings it was started or last applied with.
///
/// Settings saved through `/api/settings/http` are stored at once; the port, HTTPS and the
/// certificate take effect when `apply()` runs (the guide's "Update Web Server"). `apply`
/// checks everything before it changes anything: the certificate is loaded and the new port
/// bound first, and a failure puts the stored settings back to the ones running.
public final class WebService: Sendable {
    public let settings: SettingsStore
    public let certificates: CertificateStore
    /// The address the web server listens on (`--host`).
    public let host: String
    private let state: Mutex<State>

    struct State {
        var server: HTTPServer?
        /// The settings the module runs with: those it started with, or last applied.
        var running: HTTPSettings
        /// The TLS context new connections get; nil while HTTPS is off.
        var tls: TLSServerContext?
        /// Port 0 was applied: the server is stopping or stopped for the rest of the run.
        var disabled = false
    }

    public init(settings: SettingsStore, dataDirectory: String, host: String) {
        self.settings = settings
        self.certificates = CertificateStore(dataDirectory: dataDirectory)
        self.host = host
        state = Mutex(State(server: nil, running: settings.current(HTTPSettings.self)))
    }

    /// Starts the web server with the settings in force, answering with `responder`; nil
    /// when the port is 0. Throws, with the setting to fix, when the certificate does not
    /// load or the port cannot be bound.
    public func start(configuration base: HTTPServerConfiguration, responder: any HTTPResponder) throws(SettingsError) -> HTTPServer? {
        let s = settings.current(HTTPSettings.self)
        guard s.port > 0 else {
            state.withLock { $0.running = s }
            return nil
        }
        let tls = s.sslEnabled ? try loadTLS() : nil
        var config = base
        config.host = host
        config.port = s.port
        config.wrapConnection = { [self] socket in
            guard let context = state.withLock({ $0.tls }) else { return socket }
            return try context.accept(socket)
        }
        config.speaksTLS = { [self] in isSecure }
        let server: HTTPServer
        do {
            server = try HTTPServer(configuration: config, responder: responder)
        } catch {
            throw SettingsError(.portUnavailable, "the web server cannot listen on \(host):\(s.port): \(error)", field: "port")
        }
        state.withLock {
            $0.server = server
            $0.running = s
            $0.tls = tls
        }
        server.start()
        return server
    }

    /// Whether new connections are spoken to in TLS (session cookies are then `Secure`).
    public var isSecure: Bool { state.withLock { $0.tls != nil } }

    /// The settings the web server runs with.
    public var running: HTTPSettings { state.withLock { $0.running } }

    /// The certificate served now, when HTTPS is on.
    public var servedCertificate: TLSCertificateInfo? { state.withLock { $0.tls?.certificate } }

    /// "https://0.0.0.0:3000", or why nothing listens.
    public var listening: String {
        state.withLock { s in
            guard let server = s.server, !s.disabled else { return "disabled (port 0)" }
            return "\(s.tls == nil ? "http" : "https")://\(Self.hostPart(server.host)):\(server.port)"
        }
    }

    /// Whether the stored settings differ from the running ones in what needs `apply`
    /// (port, HTTPS, a new certificate).
    public var restartNeeded: Bool {
        let target = settings.current(HTTPSettings.self)
        let (running, served) = state.withLock { ($0.running, $0.tls?.certificate) }
        if target.port != running.port || target.sslEnabled != running.sslEnabled { return true }
        if target.sslEnabled, let served {
            return (try? certificates.stored())??.sha256Fingerprint != served.sha256Fingerprint
        }
        return false
    }

    /// What `apply` did.
    public struct ApplyResult: Sendable {
        /// The settings now running.
        public var settings: HTTPSettings
        /// Where the server now listens ("https://0.0.0.0:8443", or "disabled (port 0)").
        public var listening: String
        /// The fields that changed ("port", "sslEnabled", "certificate").
        public var changed: [String]
    }

    /// Restarts the web module with the stored settings (the guide's "Update Web Server").
    /// The certificate is loaded and the new port bound before anything changes; on a
    /// failure the stored settings are put back to the running ones and the error says why.
    /// Connections already open finish their current request under the old settings (this
    /// one included: its answer goes out before it closes). Port 0 stops the web server
    /// shortly after the answer; it stays off until the next start.
    public func apply() throws(SettingsError) -> ApplyResult {
        let target = settings.current(HTTPSettings.self)
        let (running, server, servedTLS) = state.withLock { ($0.running, $0.server, $0.tls) }
        guard let server, !state.withLock({ $0.disabled }) else {
            throw SettingsError(.portUnavailable, "the web server is not running in this process; restart swiftpacs to apply the web settings", field: "port")
        }
        var changed: [String] = []
        let newTLS: TLSServerContext?
        do {
            newTLS = target.sslEnabled ? try loadTLS() : nil
        } catch {
            rollBack(to: running)
            throw error
        }
        if let n = newTLS, n.certificate.sha256Fingerprint != servedTLS?.certificate.sha256Fingerprint, running.sslEnabled { changed.append("certificate") }
        if target.sslEnabled != running.sslEnabled { changed.append("sslEnabled") }
        if target.port != running.port { changed.append("port") }
        if target.port == 0 {
            state.withLock {
                $0.running = target
                $0.disabled = true
            }
            // After the answer has gone out: stopping now would cut this very request.
            DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { server.stop(grace: 5) }
            return ApplyResult(settings: target, listening: "disabled (port 0)", changed: changed)
        }
        if target.port != server.port || target.port != running.port {
            do {
                try server.rebind(port: target.port)
            } catch {
                rollBack(to: running)
                throw SettingsError(.portUnavailable, "the web server cannot listen on \(host):\(target.port): \(error); "
                                    + "the web settings are back to port \(running.port)\(running.sslEnabled ? " with HTTPS" : ""): choose a free port",
                                    field: "port")
            }
        }
        state.withLock {
            $0.tls = newTLS
            $0.running = target
        }
        return ApplyResult(settings: target, listening: listening, changed: changed)
    }

    /// The stored certificate and key as a TLS context, or the reason they cannot serve.
    func loadTLS() throws(SettingsError) -> TLSServerContext {
        guard certificates.hasPair else {
            throw SettingsError(.certificateMissing, "HTTPS is on but no certificate and key have been uploaded: "
                                + "upload them with PUT /api/settings/http/certificate, or turn sslEnabled off", field: "sslEnabled")
        }
        do {
            return try TLSServerContext(certificateChainFile: certificates.certificatePath, privateKeyFile: certificates.privateKeyPath)
        } catch {
            throw SettingsError(.invalidCertificate, "the web server's certificate cannot be used: \(error)", field: "certificate")
        }
    }

    /// Puts the stored web settings back to `running` (what still serves), keeping the
    /// fields that need no restart as they were saved.
    func rollBack(to running: HTTPSettings) {
        var s = settings.current(HTTPSettings.self)
        s.port = running.port
        s.sslEnabled = running.sslEnabled
        _ = try? settings.save(s)
    }

    /// An address as it goes into a URL (IPv6 literals in brackets, RFC 3986 §3.2.2).
    static func hostPart(_ host: String) -> String { host.contains(":") ? "[\(host)]" : host }
}
