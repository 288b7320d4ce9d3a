internal import CSQLite

/// A value bound to a statement parameter. Every statement is parameterised: no value
/// ever becomes part of SQL text.
public enum SQLiteValue: Sendable, Hashable {
    case null
    case int(Int64)
    case double(Double)
    case text(String)
    case blob([UInt8])

    public static func from(_ s: String?) -> SQLiteValue { s.map { .text($0) } ?? .null }
    public static func from(_ i: Int?) -> SQLiteValue { i.map { .int(Int64($0)) } ?? .null }
}

/// SQLITE_TRANSIENT: SQLite copies bound text and blobs.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A prepared statement of one connection.
public final class SQLiteStatement {
    let stmt: OpaquePointer
    unowned let connection: SQLiteConnection
    let sql: String

    init(_ stmt: OpaquePointer, connection: SQLiteConnection, sql: String) {
        self.stmt = stmt
        self.connection = connection
        self.sql = sql
    }

    deinit { sqlite3_finalize(stmt) }

    /// Ends the current execution (and its read transaction) without clearing bindings.
    public func finish() { sqlite3_reset(stmt) }

    func reset() {
        sqlite3_reset(stmt)
        sqlite3_clear_bindings(stmt)
    }

    public func bind(_ values: [SQLiteValue]) throws(SQLiteError) {
        for (i, v) in values.enumerated() {
            let idx = Int32(i + 1)
            let rc: Int32
            switch v {
            case .null: rc = sqlite3_bind_null(stmt, idx)
            case let .int(x): rc = sqlite3_bind_int64(stmt, idx, x)
            case let .double(x): rc = sqlite3_bind_double(stmt, idx, x)
            // With the length in bytes: a NUL inside the text is part of the value, not its
            // end (else "1.2.3\0x" would be bound, and match, as "1.2.3").
            case let .text(s): rc = sqlite3_bind_text(stmt, idx, s, Int32(clamping: s.utf8.count), transient)
            case let .blob(b): rc = b.withUnsafeBytes { sqlite3_bind_blob(stmt, idx, $0.baseAddress, Int32($0.count), transient) }
            }
            guard rc == SQLITE_OK else { throw connection.error(rc, sql) }
        }
    }

    /// Advances; true while a row is available.
    public func step() throws(SQLiteError) -> Bool {
        let rc = sqlite3_step(stmt)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        throw connection.error(rc, sql)
    }

    /// Binds, runs to completion, and resets.
    public func run(_ values: [SQLiteValue] = []) throws(SQLiteError) {
        reset()
        defer { sqlite3_reset(stmt) }
        try bind(values)
        while try step() {}
    }

    /// Binds and calls `row` for each result row.
    public func query(_ values: [SQLiteValue] = [], _ row: (SQLiteStatement) throws -> Void) throws {
        reset()
        defer { sqlite3_reset(stmt) }
        try bind(values)
        while try step() { try row(self) }
    }

    public func isNull(_ i: Int32) -> Bool { sqlite3_column_type(stmt, i) == SQLITE_NULL }
    public func int64(_ i: Int32) -> Int64 { sqlite3_column_int64(stmt, i) }
    public func int(_ i: Int32) -> Int { Int(sqlite3_column_int64(stmt, i)) }
    public func double(_ i: Int32) -> Double { sqlite3_column_double(stmt, i) }
    public func text(_ i: Int32) -> String? {
        guard let p = sqlite3_column_text(stmt, i) else { return nil }
        return String(cString: p)
    }
    public func string(_ i: Int32) -> String { text(i) ?? "" }
}
