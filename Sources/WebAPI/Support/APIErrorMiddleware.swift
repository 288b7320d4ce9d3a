import HTTPServer
import PACS

/// The one place errors become answers: `HTTPError` as it is, the stores' errors
/// (`UserError`, `SettingsError`, `LogQueryError`) with their code, field and fitting status, anything else a 500.
struct APIErrorMiddleware: HTTPMiddleware {
    let log: (@Sendable (HTTPRequest, any Error) -> Void)?

    func handle(_ request: HTTPRequest, next: (HTTPRequest) throws -> HTTPResponse) throws -> HTTPResponse {
        do {
            return try next(request)
        } catch let e as HTTPError {
            return e.response
        } catch let e as UserError {
            return Self.http(e).response
        } catch let e as SettingsError {
            return Self.http(e).response
        } catch let e as LogQueryError {
            return HTTPError(.badRequest, code: e.code.rawValue, message: e.message, field: e.field).response
        } catch {
            log?(request, error)
            return HTTPError.internalError.response
        }
    }

    static func http(_ e: SettingsError) -> HTTPError {
        let status: HTTPStatus
        switch e.code {
        case .portConflict, .portUnavailable: status = .conflict
        case .invalidJSON: status = .badRequest
        case .storageFailed: status = .serviceUnavailable
        default: status = .unprocessableContent
        }
        return HTTPError(status, code: e.code.rawValue, message: e.message, field: e.field)
    }

    static func http(_ e: UserError) -> HTTPError {
        var headers = HTTPHeaders()
        if let s = e.retryAfter { headers.set("Retry-After", String(s)) }
        return HTTPError(HTTPStatus(code: e.httpStatus), code: e.code, message: e.message, field: e.field, headers: headers)
    }
}
