import Synchronization
import DICOM

/// The SQLite index (WAL): one writer connection behind a lock, and reader connections
/// checked out per query so that finds run beside ingest.
public final class ArchiveIndex: Sendable {
    public let path: String
    let writer: Mutex<SQLiteConnection>
    let readers = Mutex<[SQLiteConnection]>([])

    public init(path: String) throws {
        self.path = path
        let w: SQLiteConnection
        do { w = try SQLiteConnection(path: path) } catch {
            throw ArchiveError.dataDirectory("cannot open the index \(path): \(error.message)")
        }
        try Schema.migrate(w)
        writer = Mutex(w)
    }

    /// Runs `body` with the writer connection (serialised).
    public func write<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        try writer.withLock { db in try body(db) }
    }

    /// Runs `body` with a reader connection of the pool.
    public func read<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        let conn = try readers.withLock { pool -> SQLiteConnection in
            if let c = pool.popLast() { return c }
            return try SQLiteConnection(path: path)
        }
        defer { readers.withLock { if $0.count < 8 { $0.append(conn) } } }
        return try body(conn)
    }

    /// Inserts an instance and the patient, study and series rows it needs, in the caller's
    /// transaction. Returns the new instance row id.
    func insert(_ r: InstanceRecord, file: String, size: Int, transferSyntax: String, callingAE: String, in db: SQLiteConnection) throws -> Int64 {
        try db.prepare("""
            INSERT INTO patients(patient_id, issuer, patient_name, patient_name_norm, birth_date, birth_time, sex, other_ids)
            VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(patient_id, issuer) DO NOTHING
            """).run([.text(r.patientID), .text(r.issuer), .text(r.patientName), .text(NameNormalizer.normalize(r.patientName)),
                      .text(r.birthDate), .text(r.birthTime), .text(r.sex), .text(r.otherPatientIDs)])
        guard let patient = try db.scalar("SELECT id FROM patients WHERE patient_id = ? AND issuer = ?", [.text(r.patientID), .text(r.issuer)]) else {
            throw ArchiveError.storage("patient row vanished")
        }
        try db.prepare("""
            INSERT INTO studies(patient_fk, study_uid, study_date, study_time, accession, study_id, description, description_norm,
                                referring_name, referring_name_norm, patient_age, patient_size, patient_weight, institution)
            VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(study_uid) DO NOTHING
            """).run([.int(patient), .text(r.studyUID), .text(r.studyDate), .text(r.studyTime), .text(r.accession), .text(r.studyID),
                      .text(r.studyDescription), .text(NameNormalizer.normalize(r.studyDescription)), .text(r.referringName), .text(NameNormalizer.normalize(r.referringName)),
                      .text(r.patientAge), .text(r.patientSize), .text(r.patientWeight), .text(r.institution)])
        guard let study = try db.scalar("SELECT id FROM studies WHERE study_uid = ?", [.text(r.studyUID)]) else {
            throw ArchiveError.storage("study row vanished")
        }
        try db.prepare("""
            INSERT INTO series(study_fk, series_uid, modality, series_number, description, body_part, series_date, series_time,
                               station_name, manufacturer, performing_name)
            VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(series_uid) DO NOTHING
            """).run([.int(study), .text(r.seriesUID), .text(r.modality), .text(r.seriesNumber), .text(r.seriesDescription),
                      .text(r.bodyPart), .text(r.seriesDate), .text(r.seriesTime), .text(r.stationName), .text(r.manufacturer),
                      .text(r.performingName)])
        guard let series = try db.scalar("SELECT id FROM series WHERE series_uid = ?", [.text(r.seriesUID)]) else {
            throw ArchiveError.storage("series row vanished")
        }
        try db.prepare("""
            INSERT INTO instances(series_fk, sop_uid, sop_class, instance_number, content_date, content_time, number_of_frames,
                                  rows, columns, transfer_syntax, charset, file, size, calling_ae)
            VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)
            """).run([.int(series), .text(r.sopInstanceUID), .text(r.sopClassUID), .text(r.instanceNumber), .text(r.contentDate),
                      .text(r.contentTime), .text(r.numberOfFrames), .from(r.rows), .from(r.columns), .text(transferSyntax),
                      .text(r.characterSet), .text(file), .int(Int64(size)), .text(callingAE)])
        return db.lastInsertRowID
    }

    /// Every file the index names (for the start-up sweep).
    public func allFiles() throws -> Set<String> {
        try read { db in
            var out = Set<String>()
            try db.prepare("SELECT file FROM instances").query { out.insert($0.string(0)) }
            return out
        }
    }
}
