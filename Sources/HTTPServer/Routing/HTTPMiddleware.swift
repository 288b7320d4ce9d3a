/// A request handler.
public typealias HTTPHandler = @Sendable (HTTPRequest) throws -> HTTPResponse

/// A link in the router's chain (authentication, logging, error rendering, ...): it may
/// inspect or change the request, answer it itself, or pass it on with `next` and inspect
/// or change the response. The first middleware added is the outermost.
public protocol HTTPMiddleware: Sendable {
    func handle(_ request: HTTPRequest, next: (HTTPRequest) throws -> HTTPResponse) throws -> HTTPResponse
}

/// A middleware made of a closure.
public struct HTTPClosureMiddleware: HTTPMiddleware {
    let body: @Sendable (HTTPRequest, (HTTPRequest) throws -> HTTPResponse) throws -> HTTPResponse
    public init(_ body: @escaping @Sendable (HTTPRequest, (HTTPRequest) throws -> HTTPResponse) throws -> HTTPResponse) {
        self.body = body
    }
    public func handle(_ request: HTTPRequest, next: (HTTPRequest) throws -> HTTPResponse) throws -> HTTPResponse {
        try body(request, next)
    }
}

/// Turns errors into responses: an `HTTPError` into its JSON document
/// `{"error": {"code", "message", "field"}}` with its status and headers; anything else
/// into a 500 with a generic message, the details going to `log`.
public struct HTTPErrorMiddleware: HTTPMiddleware {
    let log: (@Sendable (HTTPRequest, any Error) -> Void)?

    public init(log: (@Sendable (HTTPRequest, any Error) -> Void)? = nil) { self.log = log }

    public func handle(_ request: HTTPRequest, next: (HTTPRequest) throws -> HTTPResponse) throws -> HTTPResponse {
        do {
            return try next(request)
        } catch let error as HTTPError {
            return error.response
        } catch {
            log?(request, error)
            return HTTPError.internalError.response
        }
    }
}
