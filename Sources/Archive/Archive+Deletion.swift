/// Deleting what the REST API and administrators ask for: rows and files together.
extension Archive {
    public enum Level: String, Sendable { case study, series, instance }

    /// Deletes a study, series or instance by UID; returns how many instances went. The rows
    /// go in one transaction first, then the files (a crash in between leaves orphan files,
    /// which the next start-up sweeps; never a row without its file).
    @discardableResult
    public func delete(_ level: Level, uid: String) throws -> Int {
        let removed: [String] = try index.write { db in
            try db.transaction {
                var instanceUIDs: [String] = []
                let sql: String
                switch level {
                case .instance: sql = "SELECT sop_uid FROM instances WHERE sop_uid = ?"
                case .series: sql = "SELECT i.sop_uid FROM instances i JOIN series s ON i.series_fk = s.id WHERE s.series_uid = ?"
                case .study:
                    sql = "SELECT i.sop_uid FROM instances i JOIN series s ON i.series_fk = s.id JOIN studies st ON s.study_fk = st.id WHERE st.study_uid = ?"
                }
                try db.prepare(sql).query([.text(uid)]) { instanceUIDs.append($0.string(0)) }
                var files: [String] = []
                for u in instanceUIDs {
                    if let f = try IndexDeletion.deleteInstance(sopInstanceUID: u, in: db) { files.append(f) }
                }
                return files
            }
        }
        guard !removed.isEmpty else { throw ArchiveError.notFound("no \(level.rawValue) with UID \(uid)") }
        for f in removed { files.remove(f) }
        return removed.count
    }
}

/// Counts and sizes for /api/system and /metrics.
public struct ArchiveStatistics: Sendable, Codable, Equatable {
    public var patients: Int
    public var studies: Int
    public var series: Int
    public var instances: Int
    public var bytesStored: Int
    public var diskTotal: Int
    public var diskFree: Int
}

extension Archive {
    public func statistics() throws -> ArchiveStatistics {
        let space = files.diskSpace()
        return try index.read { db in
            func count(_ t: String) throws -> Int { Int(try db.scalar("SELECT count(*) FROM \(t)") ?? 0) }
            return ArchiveStatistics(patients: try count("patients"), studies: try count("studies"), series: try count("series"),
                                     instances: try count("instances"),
                                     bytesStored: Int(try db.scalar("SELECT coalesce(sum(size), 0) FROM instances") ?? 0),
                                     diskTotal: space.total, diskFree: space.free)
        }
    }
}
