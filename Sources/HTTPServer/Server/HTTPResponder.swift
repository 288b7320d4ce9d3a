/// What the server hands each request to. `Router` is one; a closure is another.
public protocol HTTPResponder: Sendable {
    /// The content limit for this request (a route for uploads may allow more), or nil for
    /// the server's default. Asked once the head is known, before any content is read.
    func bodyLimit(for head: HTTPRequestHead) -> Int?
    /// Answers a request. Runs on the connection's thread; may block, read the content,
    /// and return a streamed response. A thrown `HTTPError` becomes its JSON response.
    func respond(to request: HTTPRequest) throws -> HTTPResponse
}

extension HTTPResponder {
    public func bodyLimit(for head: HTTPRequestHead) -> Int? { nil }
}

/// A responder made of a closure.
public struct HTTPClosureResponder: HTTPResponder {
    let handler: @Sendable (HTTPRequest) throws -> HTTPResponse
    public init(_ handler: @escaping @Sendable (HTTPRequest) throws -> HTTPResponse) { self.handler = handler }
    public func respond(to request: HTTPRequest) throws -> HTTPResponse { try handler(request) }
}

/// One access-log record per request (including those refused before any handler ran).
public struct HTTPAccessRecord: Sendable, Equatable {
    /// When the request head was complete, in seconds since 1970.
    public var time: Double
    /// The user an authentication middleware set on the request, if any.
    public var user: String?
    public var clientAddress: String
    /// "-" when the request line could not be parsed.
    public var method: String
    /// The request-target as sent ("-" when unparseable).
    public var path: String
    public var status: Int
    /// Content octets sent (not counting the head and chunk framing).
    public var bytesSent: Int
    /// Seconds from the complete head to the last byte of the response.
    public var duration: Double

    public init(time: Double, user: String?, clientAddress: String, method: String, path: String,
                status: Int, bytesSent: Int, duration: Double) {
        self.time = time
        self.user = user
        self.clientAddress = clientAddress
        self.method = method
        self.path = path
        self.status = status
        self.bytesSent = bytesSent
        self.duration = duration
    }

    /// Common Log Format-like line: `client - user [date] "METHOD path" status bytes duration`.
    public var logLine: String {
        let ms = Int((duration * 1000).rounded())
        return "\(clientAddress) - \(user ?? "-") [\(HTTPDate.format(Int(time)))] \"\(method) \(path)\" \(status) \(bytesSent) \(ms)ms"
    }
}
