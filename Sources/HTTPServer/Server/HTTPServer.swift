#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// An HTTP/1.1 server: a listener whose accept thread hands each connection to a thread of
/// its own (up to `maxConnections`; beyond that a 503), where requests are parsed, passed
/// to the responder and answered in order.
public final class HTTPServer: Sendable {
    public let configuration: HTTPServerConfiguration
    let responder: any HTTPResponder
    let state: Mutex<State>
    /// `State.stopped`, readable without the lock (every exchange asks).
    private let stopFlag = Atomic<Bool>(false)

    struct State {
        var listeners: [Int: HTTPListener] = [:]
        var currentListener = 0
        var nextListenerID = 1
        var connections: [Int: ConnectionHandle] = [:]
        var nextConnectionID = 1
        var started = false
        var stopped = false
    }

    /// Binds the configured address; throws (port in use, no permission) before anything runs.
    public init(configuration: HTTPServerConfiguration, responder: any HTTPResponder) throws(HTTPTransportError) {
        self.configuration = configuration
        self.responder = responder
        let listener = try HTTPListener(host: configuration.host, port: configuration.port)
        var s = State()
        s.listeners[1] = listener
        s.currentListener = 1
        s.nextListenerID = 2
        state = Mutex(s)
    }

    /// The port currently listened on (the actual one when 0 was asked for).
    public var port: Int { state.withLock { $0.listeners[$0.currentListener]?.port ?? 0 } }
    /// The address currently listened on.
    public var host: String { state.withLock { $0.listeners[$0.currentListener]?.host ?? configuration.host } }
    /// Connections open now.
    public var connectionCount: Int { state.withLock { $0.connections.count } }
    /// Connections still open from listeners retired by `rebind`.
    public var retiringConnectionCount: Int {
        state.withLock { s in s.connections.values.filter { $0.listenerID != s.currentListener }.count }
    }

    /// Starts accepting on a background thread.
    public func start() {
        let (listener, id): (HTTPListener?, Int) = state.withLock { s in
            if s.started || s.stopped { return (nil, 0) }
            s.started = true
            return (s.listeners[s.currentListener], s.currentListener)
        }
        if let listener { startAccepting(listener, id: id) }
    }

    /// Moves to a new address: the new listener is opened first (a failure, such as the port
    /// being in use, throws and leaves the server as it was); then the old listener stops
    /// accepting, its idle connections are closed, and its busy ones are closed as soon as
    /// their current request has been answered.
    public func rebind(port: Int, host: String? = nil) throws(HTTPTransportError) {
        let newListener = try HTTPListener(host: host ?? self.host, port: port)
        let (old, retiring, started, id): (HTTPListener?, [ConnectionHandle], Bool, Int) = state.withLock { s in
            let oldID = s.currentListener
            let id = s.nextListenerID
            s.nextListenerID += 1
            s.listeners[id] = newListener
            s.currentListener = id
            let old = s.listeners.removeValue(forKey: oldID)
            return (old, s.connections.values.filter { $0.listenerID == oldID }, s.started, id)
        }
        if started { startAccepting(newListener, id: id) }
        old?.close()
        if !started { old?.release() }
        for c in retiring { c.retire() }
    }

    /// Stops accepting and closes idle connections; busy ones get `grace` seconds to finish
    /// their request, then are cut. Returns once every connection is gone (or after the cut).
    public func stop(grace: Double = 5) {
        let (listeners, connections, started): ([HTTPListener], [ConnectionHandle], Bool) = state.withLock { s in
            s.stopped = true
            stopFlag.store(true, ordering: .releasing)
            let l = Array(s.listeners.values)
            s.listeners.removeAll()
            return (l, Array(s.connections.values), s.started)
        }
        for l in listeners {
            l.close()
            if !started { l.release() }
        }
        for c in connections { c.retire() }
        let deadline = Deadline.after(grace)
        while connectionCount > 0 && !deadline.hasPassed { usleep(5_000) }
        for c in state.withLock({ Array($0.connections.values) }) { c.socket.shutdown() }
        let hard = Deadline.after(2)
        while connectionCount > 0 && !hard.hasPassed { usleep(5_000) }
    }

    var isStopped: Bool { stopFlag.load(ordering: .acquiring) }

    private func startAccepting(_ listener: HTTPListener, id: Int) {
        let ok = spawnThread { [self] in
            acceptLoop(listener, id: id)
        }
        if !ok { configuration.errorLog?("cannot start the accept thread for port \(listener.port)") }
    }

    private func acceptLoop(_ listener: HTTPListener, id: Int) {
        defer { listener.release() }
        while let socket = listener.accept() {
            socket.setSendTimeout(configuration.writeTimeout)
            enum Admission { case admitted(ConnectionHandle), busy, closed }
            let admission: Admission = state.withLock { s in
                if s.stopped || s.listeners[id] == nil { return .closed }
                if s.connections.count >= configuration.maxConnections { return .busy }
                let handle = ConnectionHandle(id: s.nextConnectionID, socket: socket, listenerID: id)
                s.nextConnectionID += 1
                s.connections[handle.id] = handle
                return .admitted(handle)
            }
            switch admission {
            case .closed:
                socket.close()
                return
            case .busy:
                rejectBusy(socket)
            case let .admitted(handle):
                let spawned = spawnThread { [self] in
                    HTTPConnection(server: self, handle: handle).run()
                    _ = state.withLock { $0.connections.removeValue(forKey: handle.id) }
                }
                if !spawned {
                    _ = state.withLock { $0.connections.removeValue(forKey: handle.id) }
                    rejectBusy(socket)
                }
            }
        }
    }

    /// Over the connection cap (RFC 9110 §15.6.4): answer 503 at once from the accept thread
    /// (no thread is spent on it) and close.
    private func rejectBusy(_ socket: HTTPSocket) {
        if configuration.acceptsTLSNow {
            // A plain-text 503 means nothing to a client expecting a TLS handshake: just close.
            configuration.accessLog?(HTTPAccessRecord(time: wallClock(), user: nil, clientAddress: socket.peerAddress,
                                                      method: "-", path: "-", status: 503, bytesSent: 0, duration: 0))
            socket.close()
            return
        }
        socket.setSendTimeout(1)
        socket.discardPending()
        let error = HTTPError(.serviceUnavailable, code: "too_many_connections",
                              message: "the server is at its limit of \(configuration.maxConnections) connections",
                              headers: ["Retry-After": "1"])
        let output = HTTPResponseOutput(stream: socket)
        var headers = error.response.headers
        headers.set("Content-Length", String(error.jsonBody.count))
        headers.set("Date", HTTPDate.format(Int(wallClock())))
        headers.set("Connection", "close")
        output.beginResponse(error.status, headers, chunked: false, discardContent: false)
        try? error.jsonBody.withUnsafeBytes { try output.writeContent($0) }
        try? output.finish()
        configuration.accessLog?(HTTPAccessRecord(time: wallClock(), user: nil, clientAddress: socket.peerAddress, method: "-",
                                                  path: "-", status: 503, bytesSent: error.jsonBody.count, duration: 0))
        socket.shutdownWrite()
        socket.close()
    }
}

/// The server's view of one connection: enough to close it from outside, safely.
final class ConnectionHandle: Sendable {
    let id: Int
    let socket: HTTPSocket
    let listenerID: Int
    private let flags = Mutex<(busy: Bool, retired: Bool)>((false, false))

    init(id: Int, socket: HTTPSocket, listenerID: Int) {
        self.id = id
        self.socket = socket
        self.listenerID = listenerID
    }

    /// A request head arrived; it will be answered even if the connection is being retired.
    func beginExchange() { flags.withLock { $0.busy = true } }

    /// The response went out; false when the connection must now close.
    func endExchange() -> Bool {
        flags.withLock { f in
            f.busy = false
            return !f.retired
        }
    }

    var isRetired: Bool { flags.withLock { $0.retired } }

    /// Closes the connection when idle, or after its current exchange when busy.
    func retire() {
        let idle = flags.withLock { f -> Bool in
            f.retired = true
            return !f.busy
        }
        if idle { socket.shutdown() }
    }
}
