/// A failure reported by SQLite, with the statement that caused it.
public struct SQLiteError: Error, Sendable, CustomStringConvertible {
    public let code: Int32
    public let message: String
    public let sql: String?

    public var description: String {
        "database error \(code): \(message)" + (sql.map { " in: \($0.prefix(120))" } ?? "")
    }

    /// SQLITE_CONSTRAINT and its extended codes.
    public var isConstraint: Bool { code & 0xFF == 19 }
    public var isBusy: Bool { code & 0xFF == 5 || code & 0xFF == 6 }
}
