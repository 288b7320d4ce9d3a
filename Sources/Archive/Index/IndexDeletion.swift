/// Removing rows, bottom up: an emptied series, study or patient goes with its last child.
enum IndexDeletion {
    /// Deletes one instance row and any parents it leaves empty; returns the file it named.
    @discardableResult
    static func deleteInstance(sopInstanceUID: String, in db: SQLiteConnection) throws -> String? {
        var file: String?
        var series: Int64?
        try db.prepare("SELECT file, series_fk FROM instances WHERE sop_uid = ?").query([.text(sopInstanceUID)]) {
            file = $0.text(0)
            series = $0.int64(1)
        }
        guard let s = series else { return nil }
        try db.prepare("DELETE FROM instances WHERE sop_uid = ?").run([.text(sopInstanceUID)])
        try pruneSeries(s, in: db)
        return file
    }

    static func pruneSeries(_ id: Int64, in db: SQLiteConnection) throws {
        guard try db.scalar("SELECT 1 FROM instances WHERE series_fk = ? LIMIT 1", [.int(id)]) == nil else { return }
        let study = try db.scalar("SELECT study_fk FROM series WHERE id = ?", [.int(id)])
        try db.prepare("DELETE FROM series WHERE id = ?").run([.int(id)])
        if let st = study { try pruneStudy(st, in: db) }
    }

    static func pruneStudy(_ id: Int64, in db: SQLiteConnection) throws {
        guard try db.scalar("SELECT 1 FROM series WHERE study_fk = ? LIMIT 1", [.int(id)]) == nil else { return }
        let patient = try db.scalar("SELECT patient_fk FROM studies WHERE id = ?", [.int(id)])
        try db.prepare("DELETE FROM studies WHERE id = ?").run([.int(id)])
        if let p = patient, try db.scalar("SELECT 1 FROM studies WHERE patient_fk = ? LIMIT 1", [.int(p)]) == nil {
            try db.prepare("DELETE FROM patients WHERE id = ?").run([.int(p)])
        }
    }
}
