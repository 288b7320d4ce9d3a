/// One request to the web server (`/api/logs/web`).
public struct WebLogEntry: Sendable, Equatable {
    /// The store's row id (0 until stored); newer records have larger ids.
    public var id: Int64
    public var time: LogTimestamp
    /// The logged-in user ("" when none).
    public var user: String
    /// The client's address.
    public var client: String
    public var method: String
    public var path: String
    public var status: Int
    /// Content bytes sent.
    public var bytes: Int64
    public var durationMs: Double

    public init(id: Int64 = 0, time: LogTimestamp = .now(), user: String = "", client: String, method: String, path: String,
                status: Int, bytes: Int64, durationMs: Double) {
        self.id = id
        self.time = time
        self.user = user
        self.client = client
        self.method = method
        self.path = path
        self.status = status
        self.bytes = bytes
        self.durationMs = durationMs
    }
}

/// One record of the DICOM log (`/api/logs/dicom`): associations, operations, problems, and
/// in debug mode every PDU and DIMSE message.
public struct DICOMLogEntry: Sendable, Equatable {
    public var id: Int64
    public var time: LogTimestamp
    public var level: LogLevel
    /// The calling (or called) AE title the record is about ("" when none).
    public var peer: String
    /// The association's log identifier, when the record belongs to one.
    public var association: Int?
    public var message: String

    public init(id: Int64 = 0, time: LogTimestamp = .now(), level: LogLevel, peer: String = "", association: Int? = nil, message: String) {
        self.id = id
        self.time = time
        self.level = level
        self.peer = peer
        self.association = association
        self.message = message
    }
}

/// Who did what (`/api/logs/audit`): settings, users and peers changed, studies downloaded
/// or deleted.
public struct AuditLogEntry: Sendable, Equatable {
    public var id: Int64
    public var time: LogTimestamp
    public var user: String
    public var client: String
    /// What was done ("settings.update", "peer.delete", "study.download"…).
    public var action: String
    /// What it was done to (a section, a peer's AE title, a Study Instance UID…).
    public var target: String
    public var detail: String

    public init(id: Int64 = 0, time: LogTimestamp = .now(), user: String, client: String = "", action: String,
                target: String = "", detail: String = "") {
        self.id = id
        self.time = time
        self.user = user
        self.client = client
        self.action = action
        self.target = target
        self.detail = detail
    }
}

/// The three logs.
public enum LogKind: String, Sendable, CaseIterable {
    case web, dicom, audit
}
