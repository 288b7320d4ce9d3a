import Synchronization
import DICOM

/// The DICOM acceptor: listens, runs each association on its own thread, negotiates through
/// the provider and dispatches DIMSE requests to it.
public final class DICOMServer: Sendable {
    let config: Mutex<ServerConfiguration>
    let provider: DICOMServiceProvider
    let listener: TCPListener
    let state = Mutex(State())

    struct State {
        var active = 0
        var nextID = 1
        var stopped = false
        var sockets: [Int: TCPSocket] = [:]
    }

    /// Binds the port; throws (port in use, no permission) before anything runs.
    public init(configuration: ServerConfiguration, provider: DICOMServiceProvider) throws(TransportError) {
        config = Mutex(configuration)
        self.provider = provider
        listener = try TCPListener(host: configuration.host, port: configuration.port)
    }

    /// The settings in force: each new connection takes the current ones, for its lifetime.
    public var configuration: ServerConfiguration { config.withLock { $0 } }

    /// Replaces the settings for connections accepted from now on (AE title, limits,
    /// timeouts); associations in progress keep theirs. The listener stays where it is:
    /// `host` and `port` are kept.
    public func reconfigure(_ new: ServerConfiguration) {
        config.withLock { c in
            var n = new
            n.host = c.host
            n.port = c.port
            c = n
        }
    }

    /// The port actually bound (useful when 0 was asked for).
    public var port: Int { listener.port }
    public var activeAssociations: Int { state.withLock { $0.active } }

    /// Starts accepting on a background thread.
    public func start() {
        spawnThread { [self] in
            while let socket = listener.accept() {
                let configuration = self.configuration
                let (id, overLimit, stopped): (Int, Bool, Bool) = state.withLock { s in
                    let id = s.nextID
                    s.nextID += 1
                    if s.stopped { return (id, false, true) }
                    let over = s.active >= configuration.maxAssociations
                    if !over {
                        s.active += 1
                        s.sockets[id] = socket
                    }
                    return (id, over, false)
                }
                if stopped { socket.close(); break }
                spawnThread { [self] in
                    if overLimit {
                        rejectBusy(socket, configuration)
                        return
                    }
                    AssociationHandler(server: self, socket: socket, id: id, config: configuration).run()
                    state.withLock { s in
                        s.active -= 1
                        s.sockets[id] = nil
                    }
                }
            }
        }
    }

    /// Stops listening; associations in progress finish (or, with `abortActive`, are cut).
    public func stop(abortActive: Bool = false) {
        let sockets = state.withLock { s -> [TCPSocket] in
            s.stopped = true
            return abortActive ? Array(s.sockets.values) : []
        }
        listener.close()
        for s in sockets { s.shutdown() }
    }

    /// Over the association cap: read the request, answer A-ASSOCIATE-RJ transient,
    /// source 3 (service provider, presentation), reason 2 (local limit exceeded).
    func rejectBusy(_ socket: TCPSocket, _ configuration: ServerConfiguration) {
        let rj = AssociateRJ(result: .transient, reason: .localLimitExceeded)
        let a = try? Association.accept(socket: socket, maxPDULength: configuration.maxPDULength,
                                        artimTimeout: min(configuration.artimTimeout, 10), dimseTimeout: configuration.dimseTimeout) { rq in
            provider.event(.associationRejected(calling: rq.callingAETitle, called: rq.calledAETitle, address: socket.peerAddress,
                                                reason: "too many associations (\(configuration.maxAssociations) at once)"))
            return .reject(rj)
        }
        a?.abort()
        socket.close()
    }
}
