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
        let p = try QueryParameters(request, allowed: parameters)
        var q = LogQuery()
        q.from = try p.text("from")
        q.to = try p.text("to")
        q.text = try p.text("text")
        q.user = try p.text("user")
        q.peer = try p.text("peer")
        q.level = try p.choice("level", LogLevel.self)
        if try p.text("association") != nil { q.association = try p.int("association", in: 0...Int(Int32.max), default: 0) }
        q.limit = try p.int("limit", in: 1...LogQuery.maximumLimit, default: 100)
        q.offset = try p.int("offset", in: 0...Int(Int32.max), default: 0)
        if try p.text("before") != nil { q.beforeID = Int64(try p.int("before", in: 0...Int.max, default: 0)) }
        return q
    }

    static func answer<E>(_ page: LogPage<E>, _ json: (E) -> [String: Any]) throws -> HTTPResponse {
        var body: [String: Any] = ["entries": page.entries.map(json), "total": page.total, "limit": page.limit,
                                   "offset": page.offset]
        body["nextBefore"] = page.nextBeforeID.map { $0 as Any } ?? NSNull()
        return try JSONIO.response(body)
    }
}
