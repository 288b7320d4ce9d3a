import Synchronization
import DICOM
#if canImport(Glibc)
import Glibc
#endif

/// The archive: the file store and its SQLite index under one data directory.
///
/// A store answers only after the file is durable and the index row committed; a crash
/// between the two leaves an orphan file that the next start-up removes, never a row
/// without its file.
public final class Archive: Sendable {
    public let dataDirectory: String
    public let files: FileStore
    public let index: ArchiveIndex
    let runningMarker: String
    /// The server's exclusive lock on the data directory (nil for tools, and once closed).
    let lockDescriptor: Mutex<Int32?>

    /// What the start-up recovery found.
    public let recovery: (temporary: Int, orphans: Int)

    /// Who opens the archive: the server owns the data directory (it takes an exclusive lock,
    /// runs the start-up recovery and marks a clean stop); a tool (`swiftpacs peers`, `user`)
    /// only reads and writes rows, and may run beside the server.
    public enum Role: Sendable { case server, tool }

    public init(dataDirectory: String, role: Role = .server) throws {
        self.dataDirectory = dataDirectory
        files = try FileStore(root: dataDirectory)
        index = try ArchiveIndex(path: dataDirectory + "/index.sqlite")
        runningMarker = dataDirectory + "/.running"
        guard role == .server else {
            lockDescriptor = Mutex(nil)
            recovery = (0, 0)
            return
        }
        // One server per data directory: a second would sweep the first one's writes in progress.
        let fd = open(dataDirectory + "/.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0, flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            if fd >= 0 { Glibc.close(fd) }
            throw ArchiveError.dataDirectory("another swiftpacs serve is already using the data directory \(dataDirectory) (stop it, or set --data or SWIFTPACS_DATA to another directory)")
        }
        lockDescriptor = Mutex(fd)
        // A marker left from a previous run means it did not stop cleanly: check every file.
        let unclean = access(runningMarker, F_OK) == 0
        recovery = files.sweep(known: unclean ? try index.allFiles() : nil)
        let marker = open(runningMarker, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        if marker >= 0 { Glibc.close(marker) }
    }

    /// Marks a clean stop (the next start skips the orphan scan) and releases the lock.
    public func close() {
        lockDescriptor.withLock { fd in
            guard let d = fd else { return }
            unlink(runningMarker)
            flock(d, LOCK_UN)
            Glibc.close(d)
            fd = nil
        }
    }

    deinit {
        // Without close() (a crash, as far as the next start is concerned): the marker stays,
        // only the lock goes with the descriptor.
        lockDescriptor.withLock { fd in
            if let d = fd { Glibc.close(d) }
        }
    }

    public enum DuplicatePolicy: String, Sendable { case keep, replace }

    public enum StoreOutcome: Sendable, Equatable {
        case stored
        /// Stored, under derived Study/Series Instance UIDs because the data set had none.
        case storedWithDerivedUIDs
        /// The SOP Instance UID was already here and the policy keeps the first.
        case duplicateKept
        case replaced
    }

    /// Stores a data set received in `transferSyntax`, byte for byte, as a Part 10 file.
    /// - Parameters:
    ///   - expectedSOPClass/expectedSOPInstance: the C-STORE command's UIDs, which the data
    ///     set must carry (PS3.4 B.2.3: otherwise 0xA900).
    public func store(dataSet bytes: [UInt8], transferSyntax: TransferSyntax, expectedSOPClass: String? = nil,
                      expectedSOPInstance: String? = nil, callingAE: String = "", duplicates: DuplicatePolicy = .keep) throws -> StoreOutcome {
        try store(dataSet: ByteView(bytes), transferSyntax: transferSyntax, expectedSOPClass: expectedSOPClass,
                  expectedSOPInstance: expectedSOPInstance, callingAE: callingAE, duplicates: duplicates)
    }

    /// Stores a data set that is a view into a buffer or a mapped file (an upload spooled to
    /// disk): the same checks, file and index as `store(dataSet:)` with an array, without
    /// holding the data set in memory.
    public func store(dataSet bytes: ByteView, transferSyntax: TransferSyntax, expectedSOPClass: String? = nil,
                      expectedSOPInstance: String? = nil, callingAE: String = "", duplicates: DuplicatePolicy = .keep) throws -> StoreOutcome {
        var view = bytes
        if transferSyntax.isDeflated {
            do { view = ByteView(try Deflate.inflate(view)) } catch {
                throw ArchiveError.invalidInstance("the deflated data set cannot be inflated: \(error)")
            }
        }
        let header: DataSet
        do {
            header = try DataSetReader(view, transferSyntax: transferSyntax, options: ReadOptions(stopBefore: Tag(0x7FE0, 0x0010))).readDataSet(view)
        } catch {
            throw ArchiveError.invalidInstance("the data set cannot be read: \(error)")
        }
        let record = try InstanceRecord.extract(from: header, sopClass: expectedSOPClass, sopInstance: expectedSOPInstance)
        if let c = expectedSOPClass, !c.isEmpty, c != record.sopClassUID {
            throw ArchiveError.uidMismatch("the data set's SOP Class UID \(record.sopClassUID) differs from the command's \(c)")
        }
        if let i = expectedSOPInstance, !i.isEmpty, i != record.sopInstanceUID {
            throw ArchiveError.uidMismatch("the data set's SOP Instance UID \(record.sopInstanceUID) differs from the command's \(i)")
        }
        if duplicates == .keep, try exists(sopInstanceUID: record.sopInstanceUID) { return .duplicateKept }

        let head = try Part10Header.bytes(sopClassUID: record.sopClassUID, sopInstanceUID: record.sopInstanceUID,
                                          transferSyntax: transferSyntax, sourceAETitle: callingAE)
        let relative = files.newRelativePath()
        try files.write([ByteView(head), bytes], to: relative)
        let size = head.count + bytes.count
        do {
            let (outcome, oldFile) = try index.write { db -> (StoreOutcome, String?) in
                try db.transaction {
                    var old: String?
                    try db.prepare("SELECT file FROM instances WHERE sop_uid = ?").query([.text(record.sopInstanceUID)]) { old = $0.text(0) }
                    if old != nil {
                        if duplicates == .keep { return (.duplicateKept, nil) }
                        try IndexDeletion.deleteInstance(sopInstanceUID: record.sopInstanceUID, in: db)
                    }
                    _ = try index.insert(record, file: relative, size: size, transferSyntax: transferSyntax.uid, callingAE: callingAE, in: db)
                    return (old != nil ? .replaced : (record.syntheticUIDs ? .storedWithDerivedUIDs : .stored), old)
                }
            }
            if outcome == .duplicateKept { files.remove(relative) }
            if let o = oldFile { files.remove(o) }
            return outcome
        } catch {
            files.remove(relative)
            throw ArchiveError.storage("the index could not record \(record.sopInstanceUID): \(error)")
        }
    }

    public func exists(sopInstanceUID: String) throws -> Bool {
        try index.read { db in try db.scalar("SELECT 1 FROM instances WHERE sop_uid = ?", [.text(sopInstanceUID)]) != nil }
    }

    /// The absolute path of a stored instance's file.
    public func filePath(sopInstanceUID: String) throws -> String? {
        try index.read { db in
            var rel: String?
            try db.prepare("SELECT file FROM instances WHERE sop_uid = ?").query([.text(sopInstanceUID)]) { rel = $0.text(0) }
            return rel.map(files.absolutePath)
        }
    }
}
