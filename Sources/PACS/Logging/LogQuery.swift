/// What to read from a log: filters, then a page, newest first.
public struct LogQuery: Sendable, Equatable {
    /// ISO 8601 date or date-time: records at or after its start.
    public var from: String?
    /// ISO 8601 date or date-time: records up to the end of the span it names (`2024-05-01`
    /// includes that whole day).
    public var to: String?
    /// A substring of the record's text fields (ASCII letters match either case).
    public var text: String?
    /// DICOM log: records of this level and above.
    public var level: LogLevel?
    /// Web and audit logs: this user's records.
    public var user: String?
    /// DICOM log: records about this AE title (case-sensitive).
    public var peer: String?
    /// DICOM log: records of this association.
    public var association: Int?
    /// 1 to 1000 records.
    public var limit: Int
    public var offset: Int
    /// Records older than this id (the `nextBeforeID` of the previous page).
    public var beforeID: Int64?

    public static let maximumLimit = 1000

    public init(from: String? = nil, to: String? = nil, text: String? = nil, level: LogLevel? = nil, user: String? = nil,
                peer: String? = nil, association: Int? = nil, limit: Int = 100, offset: Int = 0, beforeID: Int64? = nil) {
        self.from = from
        self.to = to
        self.text = text
        self.level = level
        self.user = user
        self.peer = peer
        self.association = association
        self.limit = limit
        self.offset = offset
        self.beforeID = beforeID
    }
}

/// One page of a log, newest first.
public struct LogPage<Entry: Sendable>: Sendable {
    public var entries: [Entry]
    /// Records that match the filters, on every page (`beforeID` and `offset` aside).
    public var total: Int
    public var limit: Int
    public var offset: Int
    /// The cursor for the next (older) page, nil on the last page.
    public var nextBeforeID: Int64?
}

/// A query the log cannot answer, worded for the API (`{"error": {code, message, field}}`).
public struct LogQueryError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case invalidTime = "invalid_time"
        case outOfRange = "out_of_range"
        case unsupportedFilter = "unsupported_filter"
        case invalidText = "invalid_text"
    }
    public var code: Code
    public var message: String
    public var field: String?
    public var description: String { message }

    public init(_ code: Code, _ message: String, field: String?) {
        self.code = code
        self.message = message
        self.field = field
    }
}

/// The log database cannot be opened or written.
public struct LogStoreError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
