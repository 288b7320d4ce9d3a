/// Size limits applied while parsing a request. Each breach has its own status:
/// request line 414, header section 431 (RFC 6585 §5), content 413 (RFC 9110 §15.5.14).
public struct HTTPLimits: Sendable, Equatable {
    /// Longest request line, without its CRLF (RFC 9112 §3: at least 8000 octets recommended).
    public var maxRequestLineLength: Int = 8192
    /// Largest header section (every field line with its CRLF); trailers get the same budget.
    public var maxHeaderBytes: Int = 32 * 1024
    /// Most header fields in one request (and separately, most trailer fields).
    public var maxHeaderCount: Int = 100
    /// Largest content by default; a route may raise or lower it once the head is known.
    public var maxBodySize: Int = 16 * 1024 * 1024
    /// Longest chunk-size line, extensions included (RFC 9112 §7.1.1 lets us limit them).
    public var maxChunkLineLength: Int = 4096
    /// Methods whose requests must state a length: without Content-Length or
    /// Transfer-Encoding they are answered 411 (RFC 9110 §15.5.12).
    public var lengthRequiredMethods: Set<String> = ["POST", "PUT", "PATCH"]

    public init() {}
}

/// What the parser found next in the bytes fed to it.
public enum HTTPParserEvent: Sendable, Equatable {
    /// A complete request line and header section.
    case head(HTTPRequestHead)
    /// Some content octets (chunk framing removed).
    case body([UInt8])
    /// The end of the request's content, with the trailer fields of a chunked body.
    case end(trailers: HTTPHeaders)
    /// The bytes so far end inside a message: feed more.
    case needMore
    /// The request cannot be processed: answer `status` and close the connection.
    case error(HTTPStatus, reason: String)
}
