/// A request as a handler sees it: the parsed head, the path parameters the router found,
/// the content as a stream, and room for middleware (the authenticated user, attributes).
/// It belongs to the connection's thread and is not shared.
public final class HTTPRequest {
    public let head: HTTPRequestHead
    /// The client's IP address.
    public let clientAddress: String
    /// The content, read incrementally (or not at all).
    public let body: HTTPRequestBody
    /// Path parameters by name (`/api/peers/{id}` → ["id": "7"]), percent-decoded.
    public internal(set) var parameters: [String: String] = [:]
    /// The decoded segments matched by a trailing `{name...}` pattern segment.
    public internal(set) var wildcardSegments: [String] = []
    /// The authenticated user, set by an authentication middleware; goes to the access log.
    public var user: String?
    /// Values middleware passes down to handlers.
    public var attributes: [String: any Sendable] = [:]

    public init(head: HTTPRequestHead, clientAddress: String = "", body: HTTPRequestBody = HTTPRequestBody(bytes: [])) {
        self.head = head
        self.clientAddress = clientAddress
        self.body = body
    }

    public var method: String { head.method }
    public var headers: HTTPHeaders { head.headers }
    /// The path as sent (still percent-encoded).
    public var path: String { head.path }

    /// The decoded path segments; nil when an escape is malformed.
    public var pathSegments: [String]? {
        var out: [String] = []
        for s in head.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            guard let d = PercentDecoding.decode(s) else { return nil }
            out.append(d)
        }
        return out
    }

    /// Decoded query parameters in order (empty when there is no query or it is malformed).
    public var queryItems: [(name: String, value: String)] {
        head.query.flatMap(PercentDecoding.queryItems) ?? []
    }

    /// Decoded query parameters in order; nil when the query has a malformed escape or is not
    /// UTF-8 (which `queryItems` reads as no parameters at all).
    public var validQueryItems: [(name: String, value: String)]? {
        guard let q = head.query else { return [] }
        return PercentDecoding.queryItems(q)
    }

    /// The first value of a query parameter.
    public func query(_ name: String) -> String? {
        queryItems.first { $0.name == name }?.value
    }

    /// A path parameter, or a 400 naming it when absent.
    public func parameter(_ name: String) throws -> String {
        guard let v = parameters[name] else { throw HTTPError.badRequest("missing path parameter \(name)", field: name) }
        return v
    }
}
