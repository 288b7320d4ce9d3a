/// A failure with an HTTP meaning, thrown by handlers, middleware and the body reader.
/// `HTTPErrorMiddleware` (and the connection, as a last resort) turns it into
/// `{"error": {"code": ..., "message": ..., "field": ...}}` with its status.
public struct HTTPError: Error, Sendable, Equatable, CustomStringConvertible {
    public var status: HTTPStatus
    /// A stable, machine-readable code such as "not_found" or "invalid_field".
    public var code: String
    /// A sentence for people.
    public var message: String
    /// The request field (JSON member, query parameter, header) at fault, if one is.
    public var field: String?
    /// Extra response headers (`Allow` for 405, `WWW-Authenticate` for 401, ...).
    public var headers: HTTPHeaders

    public init(_ status: HTTPStatus, code: String? = nil, message: String? = nil, field: String? = nil,
                headers: HTTPHeaders = [:]) {
        self.status = status
        self.code = code ?? HTTPError.defaultCode(status)
        self.message = message ?? status.reasonPhrase
        self.field = field
        self.headers = headers
    }

    public var description: String { "\(status.code) \(code): \(message)" + (field.map { " (\($0))" } ?? "") }

    /// "Not Found" → "not_found".
    static func defaultCode(_ status: HTTPStatus) -> String {
        String(status.reasonPhrase.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }

    /// The JSON error document.
    public var jsonBody: [UInt8] {
        let text = "{\"error\": {\"code\": \(JSONText.string(code)), \"message\": \(JSONText.string(message)), \"field\": \(JSONText.stringOrNull(field))}}"
        return Array(text.utf8)
    }

    /// The response carrying this error.
    public var response: HTTPResponse {
        var h = headers
        h.set("Content-Type", "application/json; charset=utf-8")
        return HTTPResponse(status: status, headers: h, body: .bytes(jsonBody))
    }

    public static func badRequest(_ message: String, field: String? = nil) -> HTTPError {
        HTTPError(.badRequest, message: message, field: field)
    }
    public static func notFound(_ message: String = "no such resource") -> HTTPError {
        HTTPError(.notFound, message: message)
    }
    /// What the client is told when something unexpected failed; the details stay in the log.
    public static let internalError = HTTPError(.internalServerError, code: "internal_error",
                                                message: "the server failed to process the request")
}
