/// Everything an `HTTPServer` can be told. Timeouts are in seconds.
public struct HTTPServerConfiguration: Sendable {
    /// An IPv4 or IPv6 literal address to listen on.
    public var host = "127.0.0.1"
    /// 0 picks a free port (see `HTTPServer.port`).
    public var port = 8080
    public var limits = HTTPLimits()
    /// From the first byte of a request (or from accepting the connection) to its complete
    /// head; past it the client gets 408 and the connection closes (slow-loris defence).
    public var headTimeout: Double = 10
    /// How long a kept-alive connection may wait for its next request (RFC 9112 §9.8).
    public var idleTimeout: Double = 30
    /// Longest wait for the next piece of a request's content.
    public var bodyReadTimeout: Double = 30
    /// Longest a blocked send may wait for a client that stopped reading.
    public var writeTimeout: Double = 60
    /// Connections served at once; more are answered 503 and closed.
    public var maxConnections = 512
    /// Unread content up to this size is read and discarded after the response so that
    /// the connection can be reused; more closes the connection instead.
    public var drainLimit = 256 * 1024
    /// Sent as the Server field when set.
    public var serverName: String?
    /// Called once per request, after its response, on the connection's thread.
    public var accessLog: (@Sendable (HTTPAccessRecord) -> Void)?
    /// Called with details of unexpected failures (errors other than `HTTPError` from
    /// handlers, writers that broke off a response).
    public var errorLog: (@Sendable (String) -> Void)?
    /// Wraps each accepted socket before any HTTP is read (a TLS handshake goes here);
    /// runs on the connection's thread. A throw closes the connection.
    public var wrapConnection: (@Sendable (HTTPSocket) throws -> any HTTPByteStream)?
    /// Whether new connections get TLS now, for a `wrapConnection` that may pass sockets
    /// through as they are (TLS switched off live). Nil: whenever `wrapConnection` is set.
    public var speaksTLS: (@Sendable () -> Bool)?

    /// Whether a connection accepted now is to be spoken to in TLS.
    var acceptsTLSNow: Bool { speaksTLS?() ?? (wrapConnection != nil) }

    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }
}
