import Synchronization
import Archive
import DICOMNetwork

/// The persistent logs (web, DICOM, audit) in their own SQLite file, `<data>/logs.sqlite`
/// (WAL), apart from the index so that logging never competes with ingest for its lock.
///
/// Writing is off the hot path: `append` queues the record (bounded; when full, records are
/// dropped, counted, and the loss is logged once per episode) and one background thread
/// writes batches in a transaction. Each log keeps its newest `retention` records; older ones
/// are pruned as the writer goes. Queries filter, page and count (see `LogQuery`).
public final class LogStore: Sendable {
    public let path: String
    /// Records kept per log.
    public let retention: Int
    let queue: LogQueue
    let writer: Mutex<WriterState>
    let reader: Mutex<SQLiteConnection>
    let closed = Atomic<Bool>(false)

    struct WriterState {
        let db: SQLiteConnection
        var sincePrune = 0
        var failing = false
    }

    public static let defaultRetention = 200_000
    public static let defaultQueueCapacity = 10_000
    static let batchSize = 512
    static let schemaVersion = 1

    /// Opens (creating) the log database at `path` and starts its writer thread.
    public init(path: String, retention: Int = LogStore.defaultRetention, queueCapacity: Int = LogStore.defaultQueueCapacity) throws {
        self.path = path
        self.retention = max(1, retention)
        queue = LogQueue(capacity: queueCapacity)
        let w: SQLiteConnection
        let r: SQLiteConnection
        do {
            w = try SQLiteConnection(path: path)
            // A log record lost to a power cut is acceptable; an fsync per batch is not needed.
            try w.execute("PRAGMA synchronous=NORMAL")
            try Self.migrate(w)
            r = try SQLiteConnection(path: path)
        } catch let e as LogStoreError {
            throw e
        } catch {
            throw LogStoreError(message: "cannot open the log database \(path): \(error) (check that the data directory is writable)")
        }
        writer = Mutex(WriterState(db: w))
        reader = Mutex(r)
        try? prune()
        // The thread holds the store until `close()`.
        spawnThread(name: "log-writer") { [self] in runWriter() }
    }

    /// `<dataDirectory>/logs.sqlite`.
    public convenience init(dataDirectory: String, retention: Int = LogStore.defaultRetention,
                            queueCapacity: Int = LogStore.defaultQueueCapacity) throws {
        try self.init(path: dataDirectory + "/logs.sqlite", retention: retention, queueCapacity: queueCapacity)
    }

    static func migrate(_ db: SQLiteConnection) throws {
        let version = Int(try db.scalar("PRAGMA user_version") ?? 0)
        guard version <= schemaVersion else {
            throw LogStoreError(message: "the log database \(db.path) has schema version \(version), newer than this program's \(schemaVersion): use a newer swiftpacs")
        }
        guard version < 1 else { return }
        try db.transaction {
            try db.execute("""
                CREATE TABLE web(
                    id INTEGER PRIMARY KEY, time INTEGER NOT NULL, user TEXT NOT NULL, client TEXT NOT NULL,
                    method TEXT NOT NULL, path TEXT NOT NULL, status INTEGER NOT NULL, bytes INTEGER NOT NULL,
                    duration_ms REAL NOT NULL);
                CREATE INDEX web_time ON web(time);
                CREATE INDEX web_user ON web(user);
                CREATE TABLE dicom(
                    id INTEGER PRIMARY KEY, time INTEGER NOT NULL, level INTEGER NOT NULL, peer TEXT NOT NULL,
                    association INTEGER, message TEXT NOT NULL);
                CREATE INDEX dicom_time ON dicom(time);
                CREATE INDEX dicom_peer ON dicom(peer);
                CREATE TABLE audit(
                    id INTEGER PRIMARY KEY, time INTEGER NOT NULL, user TEXT NOT NULL, client TEXT NOT NULL,
                    action TEXT NOT NULL, target TEXT NOT NULL, detail TEXT NOT NULL);
                CREATE INDEX audit_time ON audit(time);
                CREATE INDEX audit_user ON audit(user);
                PRAGMA user_version = 1;
                """)
        }
    }

    // MARK: writing

    public func append(_ e: WebLogEntry) { queue.push(.web(e)) }
    public func append(_ e: DICOMLogEntry) { queue.push(.dicom(e)) }
    public func append(_ e: AuditLogEntry) { queue.push(.audit(e)) }

    /// Records dropped because the queue was full, since the store opened.
    public var droppedRecords: Int { queue.dropped }

    /// Waits until every record appended so far is in the database.
    public func flush() { queue.waitWritten() }

    /// Writes what is queued, stops the writer thread. Appends after this are ignored.
    public func close() {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        queue.close()
        queue.waitWriterFinished()
    }

    /// Deletes the records beyond the newest `retention` of each log.
    public func prune() throws {
        try writer.withLock { w in
            try Self.prune(w.db, retention: retention)
            w.sincePrune = 0
        }
    }

    static func prune(_ db: SQLiteConnection, retention: Int) throws {
        for t in LogKind.allCases {
            try db.prepare("DELETE FROM \(t.rawValue) WHERE id <= (SELECT id FROM \(t.rawValue) ORDER BY id DESC LIMIT 1 OFFSET ?)")
                .run([.int(Int64(retention))])
        }
    }

    func runWriter() {
        // Prune after about a tenth of the retention: a log never holds more than 110 % of it.
        let pruneEvery = max(1, min(retention / 10, 10_000))
        while let (records, upTo, dropped) = queue.take(max: Self.batchSize) {
            writer.withLock { w in
                do {
                    try w.db.transaction {
                        for r in records { try Self.insert(r, into: w.db) }
                        if dropped > 0 {
                            let note = DICOMLogEntry(level: .warning, message: "the log writer fell behind: \(dropped) log record(s) were dropped (the disk may be slow or full)")
                            try Self.insert(.dicom(note), into: w.db)
                        }
                    }
                    if w.failing {
                        w.failing = false
                        ConsoleLog().record(.info, "the log database \(w.db.path) is written again", peer: nil)
                    }
                    w.sincePrune += records.count
                    if w.sincePrune >= pruneEvery {
                        try Self.prune(w.db, retention: retention)
                        w.sincePrune = 0
                    }
                } catch {
                    if !w.failing {
                        w.failing = true
                        ConsoleLog().record(.error, "cannot write the log database \(w.db.path): \(error); records are lost until it works again", peer: nil)
                    }
                }
                if dropped > 0 {
                    ConsoleLog().record(.warning, "the log writer fell behind: \(dropped) log record(s) were dropped", peer: nil)
                }
            }
            queue.markWritten(upTo)
        }
        queue.finishWriter()
    }

    static func insert(_ r: LogRecord, into db: SQLiteConnection) throws {
        switch r {
        case let .web(e):
            try db.prepare("INSERT INTO web(time, user, client, method, path, status, bytes, duration_ms) VALUES (?,?,?,?,?,?,?,?)")
                .run([.int(e.time.milliseconds), .text(LogText.clean(e.user, maxBytes: LogText.userLimit)),
                      .text(LogText.clean(e.client, maxBytes: LogText.clientLimit)), .text(LogText.clean(e.method, maxBytes: LogText.methodLimit)),
                      .text(LogText.clean(e.path, maxBytes: LogText.pathLimit)), .int(Int64(e.status)), .int(e.bytes),
                      .double(e.durationMs.isFinite ? e.durationMs : 0)])
        case let .dicom(e):
            try db.prepare("INSERT INTO dicom(time, level, peer, association, message) VALUES (?,?,?,?,?)")
                .run([.int(e.time.milliseconds), .int(Int64(e.level.rank)), .text(LogText.clean(e.peer, maxBytes: LogText.peerLimit)),
                      .from(e.association), .text(LogText.clean(e.message, maxBytes: LogText.messageLimit))])
        case let .audit(e):
            try db.prepare("INSERT INTO audit(time, user, client, action, target, detail) VALUES (?,?,?,?,?,?)")
                .run([.int(e.time.milliseconds), .text(LogText.clean(e.user, maxBytes: LogText.userLimit)),
                      .text(LogText.clean(e.client, maxBytes: LogText.clientLimit)), .text(LogText.clean(e.action, maxBytes: LogText.actionLimit)),
                      .text(LogText.clean(e.target, maxBytes: LogText.targetLimit)), .text(LogText.clean(e.detail, maxBytes: LogText.detailLimit))])
        }
    }
}
