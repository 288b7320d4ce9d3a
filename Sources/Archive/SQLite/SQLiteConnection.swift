internal import CSQLite

/// One SQLite connection. Not thread-safe by itself: each connection belongs to one thread
/// at a time (the archive keeps one writer and a pool of readers).
public final class SQLiteConnection: @unchecked Sendable {
    let db: OpaquePointer
    private var cache: [String: SQLiteStatement] = [:]
    public let path: String

    /// Opens (creating if needed) the database at `path` in WAL mode with full durability.
    public init(path: String, readOnly: Bool = false) throws(SQLiteError) {
        var handle: OpaquePointer?
        let flags = (readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)) | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &handle, flags, nil)
        guard rc == SQLITE_OK, let h = handle else {
            let msg = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            if let h = handle { sqlite3_close_v2(h) }
            throw SQLiteError(code: rc, message: "\(msg) (\(path))", sql: nil)
        }
        db = h
        self.path = path
        sqlite3_busy_timeout(db, 10_000)
        sqlite3_extended_result_codes(db, 1)
        if !readOnly {
            try execute("PRAGMA journal_mode=WAL")
            // FULL: a commit is on disk (WAL fsynced) before it returns — an acknowledged
            // instance survives power loss.
            try execute("PRAGMA synchronous=FULL")
        }
        try execute("PRAGMA foreign_keys=ON")
        try execute("PRAGMA temp_store=MEMORY")
        try execute("PRAGMA cache_size=-32768")
    }

    deinit {
        cache.removeAll()
        sqlite3_close_v2(db)
    }

    func error(_ rc: Int32, _ sql: String?) -> SQLiteError {
        SQLiteError(code: rc, message: String(cString: sqlite3_errmsg(db)), sql: sql)
    }

    /// Runs statements that return no rows (several may be separated by semicolons).
    public func execute(_ sql: String) throws(SQLiteError) {
        var err: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(db, sql, nil, nil, &err)
        if rc != SQLITE_OK {
            let msg = err.map { String(cString: $0) } ?? "error"
            sqlite3_free(err)
            throw SQLiteError(code: rc, message: msg, sql: sql)
        }
    }

    /// A prepared statement, cached by its text and reset for reuse.
    public func prepare(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        if let s = cache[sql] {
            s.reset()
            return s
        }
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil)
        guard rc == SQLITE_OK, let st = stmt else { throw error(rc, sql) }
        let s = SQLiteStatement(st, connection: self, sql: sql)
        cache[sql] = s
        return s
    }

    /// A statement that is not cached, for SQL built per request (a query's WHERE clause);
    /// finalized when released.
    public func statement(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v3(db, sql, -1, 0, &stmt, nil)
        guard rc == SQLITE_OK, let st = stmt else { throw error(rc, sql) }
        return SQLiteStatement(st, connection: self, sql: sql)
    }

    /// Runs `body` in a transaction (BEGIN IMMEDIATE: takes the write lock up front), committing
    /// on return and rolling back on a throw.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let r = try body()
            try execute("COMMIT")
            return r
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(db) }
    public var changes: Int { Int(sqlite3_changes(db)) }

    /// The first column of the first row, as an integer.
    public func scalar(_ sql: String, _ args: [SQLiteValue] = []) throws(SQLiteError) -> Int64? {
        let s = try prepare(sql)
        // Reset before returning: a statement left mid-result keeps its read transaction
        // open, and the connection would go on seeing an old snapshot of the WAL.
        defer { s.finish() }
        try s.bind(args)
        guard try s.step() else { return nil }
        return s.isNull(0) ? nil : s.int64(0)
    }
}
