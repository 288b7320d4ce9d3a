import Foundation
import HTTPServer
import PACS

/// `/api/logs/web`, `/api/logs/dicom`, `/api/logs/audit` (SPEC §5): the persisted logs,
/// newest first, filtered by time, text, level, user or peer, and paged. Admins only: the
/// logs name users, clients and peers.
struct LogsController {
    let logs: LogStore

    /// Query parameters every log takes; the per-log filters are checked by `LogStore`,
    /// which answers `unsupported_filter` for one that does not apply.
    static let parameters: Set<String> = ["from", "to", "text", "level", "user", "peer", "association", "limit", "offset", "before"]

    func register(on r: inout HTTPRouter) {
        r.get("/api/logs/web") { request in
            let page = try logs.web(try Self.query(request))
            return try Self.answer(page) { e in
                ["id": e.id, "time": e.time.iso8601, "user": e.user, "client": e.client, "method": e.method,
                 "path": e.path, "status": e.status, "bytes": e.bytes, "durationMs": e.durationMs]
            }
        }
        r.get("/api/logs/dicom") { request in
            let page = try logs.dicom(try Self.query(request))
            return try Self.answer(page) { e in
                var o: [String: Any] = ["id": e.id, "time": e.time.iso8601, "level": e.level.rawValue, "peer": e.peer,
                                        "message": e.message]
                o["association"] = e.association.map { $0 as Any } ?? NSNull()
                return o
            }
        }
        r.get("/api/logs/audit") { request in
            let page = try logs.audit(try Self.query(request))
            return try Self.answer(page) { e in
                ["id": e.id, "time": e.time.iso8601, "user": e.user, "client": e.client, "action": e.action,
                 "target": e.target, "detail": e.detail]
            }
        }
    }

    /// The filters of the request's query, after checking the caller is an admin (so that
    /// a `user` learns nothing, not even which parameters are wrong).
    static func query(_ request: HTTPRequest) throws -> LogQuery {
        _ = try request.admin()
        var q = LogQuery()
        var seen: Set<String> = []
        for (name, value) in request.queryItems {
            guard parameters.contains(name) else {
                throw HTTPError.badRequest("unknown query parameter; the logs take "
                                           + parameters.sorted().joined(separator: ", "), field: String(name.prefix(64)))
            }
            guard seen.insert(name).inserted else {
                throw HTTPError.badRequest("query parameter \(name) is given more than once", field: name)
            }
            switch name {
            case "from": q.from = value
            case "to": q.to = value
            case "text": q.text = value
            case "user": q.user = value
            case "peer": q.peer = value
            case "level":
                guard let l = LogLevel(rawValue: value) else {
                    throw HTTPError.badRequest("level must be debug, info, warning or error", field: name)
                }
                q.level = l
            case "association": q.association = try integer(value, name)
            case "limit": q.limit = try integer(value, name)
            case "offset": q.offset = try integer(value, name)
            default: q.beforeID = Int64(try integer(value, name))
            }
        }
        return q
    }

    static func integer(_ value: String, _ name: String) throws -> Int {
        guard value.utf8.count <= 18, !value.isEmpty, value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let n = Int(value) else {
            throw HTTPError.badRequest("\(name) must be a whole number (0 or more)", field: name)
        }
        return n
    }

    static func answer<E>(_ page: LogPage<E>, _ json: (E) -> [String: Any]) throws -> HTTPResponse {
        var body: [String: Any] = ["entries": page.entries.map(json), "total": page.total, "limit": page.limit,
                                   "offset": page.offset]
        body["nextBefore"] = page.nextBeforeID.map { $0 as Any } ?? NSNull()
        return try JSONIO.response(body)
    }
}
