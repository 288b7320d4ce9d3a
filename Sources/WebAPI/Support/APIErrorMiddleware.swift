import HTTPServer
import PACS

/// The one place errors become answers: `HTTPError` as it is, the stores' errors
/// (`UserError`, `SettingsError`, `LogQueryError`) with their code, field and fitting status, anything else a 500.
/// A 401 gets its `WWW-Authenticate` challenges here (`Authentication.challenges`).
struct APIErrorMiddleware: HTTPMiddleware {
    let log: (@Sendable (HTTPRequest, any Error) -> Void)?

    func handle(_ request: HTTPRequest, next: (HTTPRequest) throws -> HTTPResponse) throws -> HTTPResponse {
        var e: HTTPError
        do {
            return try next(request)
        } catch let error as HTTPError {
            e = error
        } catch let error as UserError {
            e = Self.http(error)
        } catch let error as SettingsError {
            e = Self.http(error)
        } catch let error as LogQueryError {
            e = HTTPError(.badRequest, code: error.code.rawValue, message: error.message, field: error.field)
        } catch {
            log?(request, error)
            e = HTTPError.internalError
        }
        if e.status == .unauthorized && e.headers["WWW-Authenticate"] == nil {
            for c in Authentication.challenges(for: request, code: e.code) { e.headers.add("WWW-Authenticate", c) }
        }
        return e.response
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
