/// A response: status, header fields and content. The server adds the framing
/// (Content-Length or chunked), Date and Connection fields itself.
public struct HTTPResponse {
    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: HTTPResponseBody

    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = [:], body: HTTPResponseBody = .empty) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A text/plain response.
    public static func text(_ text: String, status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "text/plain; charset=utf-8"], body: .bytes(Array(text.utf8)))
    }

    /// An application/json response from already encoded JSON.
    public static func json(_ bytes: [UInt8], status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json; charset=utf-8"], body: .bytes(bytes))
    }

    /// A streamed response: `writer` is called once, on the connection's thread, after the
    /// head has been sent, and writes the content piece by piece. With `length` nil the
    /// content goes out chunked (RFC 9112 §7.1), so nothing is ever held whole in memory.
    public static func stream(status: HTTPStatus = .ok, headers: HTTPHeaders = [:], length: Int? = nil,
                              _ writer: @escaping (HTTPBodyWriter) throws -> Void) -> HTTPResponse {
        HTTPResponse(status: status, headers: headers, body: .stream(length: length, writer))
    }
}

/// The content of a response.
public enum HTTPResponseBody {
    case empty
    case bytes([UInt8])
    /// Content produced while it is sent; `length` (when known) becomes Content-Length
    /// and the writer must then write exactly that many octets.
    case stream(length: Int?, (HTTPBodyWriter) throws -> Void)

    /// The content length, when known before sending.
    public var knownLength: Int? {
        switch self {
        case .empty: return 0
        case let .bytes(b): return b.count
        case let .stream(length, _): return length
        }
    }
}

/// Where a streamed response writes its content. Writes are framed (chunked or counted
/// against Content-Length) and sent as they come, through a small fixed buffer.
public final class HTTPBodyWriter {
    let output: HTTPResponseOutput
    let declaredLength: Int?
    /// Content octets written so far.
    public private(set) var bytesWritten = 0

    init(output: HTTPResponseOutput, declaredLength: Int?) {
        self.output = output
        self.declaredLength = declaredLength
    }

    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    public func write(_ bytes: ArraySlice<UInt8>) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    public func write(_ text: String) throws {
        try write(Array(text.utf8))
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard !bytes.isEmpty else { return }
        if let limit = declaredLength, bytesWritten + bytes.count > limit {
            throw HTTPResponseOutput.Failure.overrun(declared: limit)
        }
        bytesWritten += bytes.count
        try output.writeContent(bytes)
    }
}
