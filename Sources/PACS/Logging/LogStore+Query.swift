import Archive

/// Reading the logs: filters as parameterised SQL, newest first, with the total count.
extension LogStore {
    /// The web server log.
    public func web(_ q: LogQuery = LogQuery()) throws -> LogPage<WebLogEntry> {
        try page(.web, q, columns: "id, time, user, client, method, path, status, bytes, duration_ms",
                 textColumns: ["user", "client", "method", "path"]) { s in
            WebLogEntry(id: s.int64(0), time: LogTimestamp(milliseconds: s.int64(1)), user: s.string(2), client: s.string(3),
                        method: s.string(4), path: s.string(5), status: s.int(6), bytes: s.int64(7), durationMs: s.double(8))
        }
    }

    /// The DICOM log.
    public func dicom(_ q: LogQuery = LogQuery()) throws -> LogPage<DICOMLogEntry> {
        try page(.dicom, q, columns: "id, time, level, peer, association, message", textColumns: ["peer", "message"]) { s in
            DICOMLogEntry(id: s.int64(0), time: LogTimestamp(milliseconds: s.int64(1)), level: LogLevel(rank: s.int(2)) ?? .info,
                          peer: s.string(3), association: s.isNull(4) ? nil : s.int(4), message: s.string(5))
        }
    }

    /// The audit log.
    public func audit(_ q: LogQuery = LogQuery()) throws -> LogPage<AuditLogEntry> {
        try page(.audit, q, columns: "id, time, user, client, action, target, detail",
                 textColumns: ["user", "client", "action", "target", "detail"]) { s in
            AuditLogEntry(id: s.int64(0), time: LogTimestamp(milliseconds: s.int64(1)), user: s.string(2), client: s.string(3),
                          action: s.string(4), target: s.string(5), detail: s.string(6))
        }
    }

    /// The WHERE clauses and their arguments for `q` on `kind`; throws `LogQueryError`.
    static func filter(_ q: LogQuery, _ kind: LogKind, textColumns: [String]) throws(LogQueryError) -> (clauses: [String], args: [SQLiteValue]) {
        guard (1...LogQuery.maximumLimit).contains(q.limit) else {
            throw LogQueryError(.outOfRange, "limit \(q.limit) is out of range: give 1 to \(LogQuery.maximumLimit) records per page", field: "limit")
        }
        guard q.offset >= 0 else {
            throw LogQueryError(.outOfRange, "offset \(q.offset) is out of range: give 0 or more", field: "offset")
        }
        func unsupported(_ field: String) -> LogQueryError {
            LogQueryError(.unsupportedFilter, "the \(kind.rawValue) log cannot be filtered by \(field)", field: field)
        }
        if kind != .dicom {
            if q.level != nil { throw unsupported("level") }
            if q.peer != nil { throw unsupported("peer") }
            if q.association != nil { throw unsupported("association") }
        } else if q.user != nil {
            throw unsupported("user")
        }
        var clauses: [String] = []
        var args: [SQLiteValue] = []
        var lower: LogTimestamp?
        if let f = q.from {
            guard let span = LogTimestamp.parse(f) else { throw badTime("from", f) }
            lower = span.lowerBound
            clauses.append("time >= ?")
            args.append(.int(span.lowerBound.milliseconds))
        }
        if let t = q.to {
            guard let span = LogTimestamp.parse(t) else { throw badTime("to", t) }
            if let l = lower, span.upperBound < l {
                throw LogQueryError(.invalidTime, "to '\(t.prefix(40))' is before from: give a later end of the time range", field: "to")
            }
            clauses.append("time <= ?")
            args.append(.int(span.upperBound.milliseconds))
        }
        if let text = q.text, !text.isEmpty {
            let cleaned = LogText.clean(text, maxBytes: Int.max)
            guard cleaned.utf8.count <= 1024 else {
                throw LogQueryError(.invalidText, "text has \(cleaned.utf8.count) bytes: search for at most 1024", field: "text")
            }
            let pattern = "%" + likeEscaped(cleaned) + "%"
            clauses.append("(" + textColumns.map { "\($0) LIKE ? ESCAPE '\\'" }.joined(separator: " OR ") + ")")
            args += Array(repeating: .text(pattern), count: textColumns.count)
        }
        if let l = q.level {
            clauses.append("level >= ?")
            args.append(.int(Int64(l.rank)))
        }
        if let u = q.user {
            clauses.append("user = ?")
            args.append(.text(LogText.clean(u, maxBytes: LogText.userLimit)))
        }
        if let p = q.peer {
            clauses.append("peer = ?")
            args.append(.text(LogText.clean(p, maxBytes: LogText.peerLimit)))
        }
        if let a = q.association {
            clauses.append("association = ?")
            args.append(.int(Int64(a)))
        }
        return (clauses, args)
    }

    static func badTime(_ field: String, _ value: String) -> LogQueryError {
        LogQueryError(.invalidTime, "\(field) '\(value.prefix(40))' is not an ISO 8601 date or time: give for example 2024-05-01 or 2024-05-01T08:30:00Z", field: field)
    }

    /// `s` with LIKE's wildcards and the escape character escaped (ESCAPE '\').
    static func likeEscaped(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            if c == "\\" || c == "%" || c == "_" { out.unicodeScalars.append("\\") }
            out.unicodeScalars.append(c)
        }
        return out
    }

    func page<E: Sendable>(_ kind: LogKind, _ q: LogQuery, columns: String, textColumns: [String],
                           row: (SQLiteStatement) -> E) throws -> LogPage<E> {
        let (clauses, args) = try Self.filter(q, kind, textColumns: textColumns)
        let table = kind.rawValue
        let whereAll = clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ")
        var pageClauses = clauses
        var pageArgs = args
        if let b = q.beforeID {
            pageClauses.append("id < ?")
            pageArgs.append(.int(b))
        }
        let wherePage = pageClauses.isEmpty ? "" : " WHERE " + pageClauses.joined(separator: " AND ")
        // One more row than asked tells whether an older page exists.
        pageArgs += [.int(Int64(q.limit + 1)), .int(Int64(q.offset))]
        return try reader.withLock { db in
            let total = Int(try db.scalar("SELECT count(*) FROM \(table)\(whereAll)", args) ?? 0)
            var entries: [E] = []
            try db.prepare("SELECT \(columns) FROM \(table)\(wherePage) ORDER BY id DESC LIMIT ? OFFSET ?").query(pageArgs) { entries.append(row($0)) }
            var next: Int64?
            if entries.count > q.limit {
                entries.removeLast()
                next = Self.id(of: entries.last)
            }
            return LogPage(entries: entries, total: total, limit: q.limit, offset: q.offset, nextBeforeID: next)
        }
    }

    static func id<E>(of e: E?) -> Int64? {
        switch e {
        case let w as WebLogEntry: return w.id
        case let d as DICOMLogEntry: return d.id
        case let a as AuditLogEntry: return a.id
        default: return nil
        }
    }
}
