#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import DICOMNetwork

/// Where the DICOM server stands, for `/api/settings/dicom` and the health route.
public struct DICOMStatus: Sendable, Equatable {
    /// "listening on 0.0.0.0:11112", or why not ("disabled (port 0)", "not listening: …").
    public var listening: String
    public var isListening: Bool
    /// The port listened on, when listening.
    public var port: Int?
    /// The host's addresses, all interfaces.
    public var ipAddresses: [String]
    /// Associations in progress, on the current listener and on listeners being retired.
    public var activeAssociations: Int
}

/// The appliance's DICOM server: owns the running `DICOMServer` and applies new DICOM
/// settings at once. A new port binds the new listener first and only then stops the old one
/// (associations in progress finish on it); a port that cannot be bound leaves the old
/// listener as it was. A new AE title or limit applies to the associations that start from
/// then on. Port 0: nothing listens.
public final class DICOMService: Sendable {
    public let provider: PACSServiceProvider
    /// The address listened on ("0.0.0.0": every IPv4 interface).
    public let host: String
    /// Timeouts and PDU size of new listeners (AE title, port and limits come from the settings).
    let base: ServerConfiguration
    let state: Mutex<State>

    struct State {
        var settings = DICOMSettings()
        var network = NetworkSettings()
        var server: DICOMServer?
        /// Former listeners whose associations are finishing.
        var retiring: [DICOMServer] = []
        var phase = Phase.notStarted
    }

    enum Phase: Equatable {
        case notStarted, running, stopped
        case failed(String)
    }

    public init(provider: PACSServiceProvider, host: String = "0.0.0.0", network: NetworkSettings = NetworkSettings(),
                base: ServerConfiguration = ServerConfiguration(aeTitle: "SWIFTPACS", port: 0)) {
        self.provider = provider
        self.host = host
        self.base = base
        var s = State()
        s.network = network
        state = Mutex(s)
    }

    /// The DICOM settings in force.
    public var settings: DICOMSettings { state.withLock { $0.settings } }

    /// Starts listening with `settings` (nothing listens for port 0). Throws
    /// `port_unavailable` when the port cannot be bound, or the first rule `settings` breaks.
    public func start(settings: DICOMSettings) throws(SettingsError) {
        if let e = settings.validate().first { throw e }
        let result: Result<Void, SettingsError> = state.withLock { st in
            provider.apply(settings)
            st.settings = settings
            guard settings.port != 0 else {
                st.phase = .running
                return .success(())
            }
            do throws(SettingsError) {
                st.server = try listen(settings, st.network)
                st.phase = .running
                return .success(())
            } catch {
                st.phase = .failed(error.message)
                return .failure(error)
            }
        }
        try result.get()
    }

    /// Applies new DICOM settings at once (see the type's note). Throws the first rule
    /// `new` breaks, or `port_unavailable` (the old listener and settings stay).
    public func apply(_ new: DICOMSettings) throws(SettingsError) {
        if let e = new.validate().first { throw e }
        let result: Result<Void, SettingsError> = state.withLock { st in
            if st.phase == .stopped || st.phase == .notStarted {
                st.settings = new
                provider.apply(new)
                return .success(())
            }
            let moving = new.port != st.settings.port || (st.server == nil && new.port != 0)
            if moving {
                var replacement: DICOMServer?
                if new.port != 0 {
                    do throws(SettingsError) { replacement = try listen(new, st.network) } catch {
                        let still = st.server.map { " (the DICOM server still listens on \(host):\($0.port))" } ?? ""
                        return .failure(SettingsError(.portUnavailable, error.message + still, field: "port"))
                    }
                }
                if let old = st.server {
                    old.stop()
                    st.retiring.append(old)
                }
                st.server = replacement
                if replacement != nil || new.port == 0 { st.phase = .running }
            } else if let server = st.server {
                server.reconfigure(configuration(new, st.network))
            }
            provider.apply(new)
            st.settings = new
            st.retiring.removeAll { $0.activeAssociations == 0 }
            return .success(())
        }
        try result.get()
        if let p = port { provider.log.record(.info, "DICOM server: AE title \(new.aeTitle), listening on \(host):\(p)", peer: nil) }
        else { provider.log.record(.info, "DICOM server: disabled (port 0)", peer: nil) }
    }

    /// Validates `new` against the other settings in force, applies it, and persists it in
    /// `store`; when saving fails, the previous settings are put back.
    public func change(_ new: DICOMSettings, in store: SettingsStore) throws(SettingsError) {
        if let e = store.check(new).first { throw e }
        let old = settings
        try apply(new)
        do { try store.save(new) } catch {
            try? apply(old)
            throw error
        }
    }

    /// The service time-out becomes the DIMSE timeout of associations that start from now on.
    public func apply(network: NetworkSettings) {
        state.withLock { st in
            st.network = network
            st.server?.reconfigure(configuration(st.settings, network))
        }
    }

    /// Stops listening; associations in progress finish (or, with `abortActive`, are cut).
    public func stop(abortActive: Bool = false) {
        let servers = state.withLock { st -> [DICOMServer] in
            let all = (st.server.map { [$0] } ?? []) + st.retiring
            st.server = nil
            st.retiring = all
            st.phase = .stopped
            return all
        }
        for s in servers { s.stop(abortActive: abortActive) }
    }

    /// The port listened on, or nil.
    public var port: Int? { state.withLock { $0.server?.port } }

    public var activeAssociations: Int {
        state.withLock { st in (st.server?.activeAssociations ?? 0) + st.retiring.reduce(0) { $0 + $1.activeAssociations } }
    }

    /// Waits up to `timeout` seconds for the associations in progress to end; true when none is left.
    @discardableResult
    public func waitUntilIdle(timeout: Double) -> Bool {
        var waited = 0.0
        while activeAssociations > 0 {
            if waited >= timeout { return false }
            usleep(50_000)
            waited += 0.05
        }
        return true
    }

    /// "listening on 0.0.0.0:11112", or why not.
    public var listening: String { state.withLock { Self.describe($0, host: host) } }

    public var status: DICOMStatus {
        let (text, p, active) = state.withLock { st -> (String, Int?, Int) in
            let active = (st.server?.activeAssociations ?? 0) + st.retiring.reduce(0) { $0 + $1.activeAssociations }
            return (Self.describe(st, host: host), st.server?.port, active)
        }
        return DICOMStatus(listening: text, isListening: p != nil, port: p,
                           ipAddresses: NetworkInterfaces.addresses().map(\.address), activeAssociations: active)
    }

    static func describe(_ st: State, host: String) -> String {
        if let s = st.server { return "listening on \(host):\(s.port)" }
        switch st.phase {
        case .notStarted: return "not started"
        case .stopped: return "stopped"
        case let .failed(why): return "not listening: \(why)"
        case .running: return "disabled (port 0)"
        }
    }

    func configuration(_ s: DICOMSettings, _ n: NetworkSettings) -> ServerConfiguration {
        ServerConfiguration(aeTitle: s.aeTitle, host: host, port: s.port, maxAssociations: s.maxAssociations,
                            maxPDULength: base.maxPDULength, artimTimeout: base.artimTimeout,
                            dimseTimeout: Double(n.serviceTimeoutSeconds), idleTimeout: base.idleTimeout)
    }

    /// Binds and starts a listener; `port_unavailable` with the reason when it cannot.
    func listen(_ s: DICOMSettings, _ n: NetworkSettings) throws(SettingsError) -> DICOMServer {
        do {
            let server = try DICOMServer(configuration: configuration(s, n), provider: provider)
            server.start()
            return server
        } catch {
            throw SettingsError(.portUnavailable, "the DICOM server cannot listen on \(host):\(s.port): \(error): choose a free port (or 0 to disable)", field: "port")
        }
    }
}
