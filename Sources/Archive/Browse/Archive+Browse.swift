/// Browsing the archive by people and scripts (the REST API, the portal): study search, and
/// studies, series and instances by UID with what they hold. Each answer is read in one
/// snapshot of the index, so counts and rows agree with each other.
extension Archive {
    /// One page of the studies that match, in the order asked, and how many match in all.
    public func searchStudies(_ search: StudySearch) throws -> StudyPage {
        let limit = min(max(search.limit, 0), StudySearch.maxLimit)
        let offset = max(search.offset, 0)
        let sql = StudySearchSQL(search)
        return try snapshot { db in
            let count = try db.statement(sql.countSQL)
            try count.bind(sql.arguments)
            let total = try count.step() ? count.int(0) : 0
            count.finish()
            var rows: [(Int64, StudySummary)] = []
            if limit > 0 && offset < total {
                let statement = try db.statement(sql.pageSQL(sort: search.sort, descending: search.descending))
                try statement.query(sql.arguments + [.int(Int64(limit)), .int(Int64(offset))]) { rows.append(StudyRow.read($0)) }
            }
            let studies = try rows.map { id, study in try Self.withContents(study, id: id, db) }
            return StudyPage(total: total, offset: offset, limit: limit, studies: studies)
        }
    }

    /// The study with `uid`, or nil.
    public func study(uid: String) throws -> StudySummary? {
        try snapshot { db in
            var found: (Int64, StudySummary)?
            try db.prepare("SELECT \(StudyRow.columns) FROM \(StudySearchSQL.from) WHERE st.study_uid = ?")
                .query([.text(uid)]) { found = StudyRow.read($0) }
            return try found.map { id, study in try Self.withContents(study, id: id, db) }
        }
    }

    /// The series of the study with `uid`, by Series Number (those without one last); nil when
    /// there is no such study.
    public func seriesList(studyUID uid: String) throws -> [SeriesSummary]? {
        try snapshot { db in
            guard try db.scalar("SELECT id FROM studies WHERE study_uid = ?", [.text(uid)]) != nil else { return nil }
            var out: [SeriesSummary] = []
            try db.prepare("SELECT \(SeriesRow.columns) FROM \(SeriesRow.from) WHERE st.study_uid = ? ORDER BY \(SeriesRow.order)")
                .query([.text(uid)]) { out.append(SeriesRow.read($0)) }
            return out
        }
    }

    /// The series with `uid`, or nil.
    public func series(uid: String) throws -> SeriesSummary? {
        try snapshot { db in
            var found: SeriesSummary?
            try db.prepare("SELECT \(SeriesRow.columns) FROM \(SeriesRow.from) WHERE se.series_uid = ?")
                .query([.text(uid)]) { found = SeriesRow.read($0) }
            return found
        }
    }

    /// The instances of the series with `uid`, by Instance Number (those without one last);
    /// nil when there is no such series.
    public func instanceList(seriesUID uid: String) throws -> [InstanceSummary]? {
        try snapshot { db in
            guard try db.scalar("SELECT id FROM series WHERE series_uid = ?", [.text(uid)]) != nil else { return nil }
            var out: [InstanceSummary] = []
            try db.prepare("SELECT \(InstanceRow.columns) FROM \(InstanceRow.from) WHERE se.series_uid = ? ORDER BY \(InstanceRow.order)")
                .query([.text(uid)]) { out.append(InstanceRow.read($0, files: files)) }
            return out
        }
    }

    /// The instance with SOP Instance UID `uid`, or nil.
    public func instance(uid: String) throws -> InstanceSummary? {
        try snapshot { db in
            var found: InstanceSummary?
            try db.prepare("SELECT \(InstanceRow.columns) FROM \(InstanceRow.from) WHERE i.sop_uid = ?")
                .query([.text(uid)]) { found = InstanceRow.read($0, files: files) }
            return found
        }
    }

    /// Runs `body` in one read transaction of a reader connection: every statement in it sees
    /// the same state of the index.
    func snapshot<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        try index.read { db in
            try db.execute("BEGIN")
            defer { try? db.execute("COMMIT") }
            return try body(db)
        }
    }

    /// The study with its modalities, series and instance counts and bytes.
    static func withContents(_ study: StudySummary, id: Int64, _ db: SQLiteConnection) throws -> StudySummary {
        var s = study
        var modalities = Set<String>()
        try db.prepare("""
            SELECT se.modality, count(i.id), coalesce(sum(i.size), 0) FROM series se LEFT JOIN instances i ON i.series_fk = se.id
            WHERE se.study_fk = ? GROUP BY se.id
            """).query([.int(id)]) { row in
            if !row.string(0).isEmpty { modalities.insert(row.string(0)) }
            s.seriesCount += 1
            s.instanceCount += row.int(1)
            s.bytes += row.int(2)
        }
        s.modalities = modalities.sorted()
        return s
    }
}

/// The columns a series row is read from, and the reading.
enum SeriesRow {
    static let from = "series se JOIN studies st ON st.id = se.study_fk"
    static let columns = """
        se.series_uid, st.study_uid, se.modality, se.series_number, se.description, se.body_part, se.series_date, se.series_time, \
        se.created_at, (SELECT count(*) FROM instances WHERE series_fk = se.id), (SELECT coalesce(sum(size), 0) FROM instances WHERE series_fk = se.id)
        """
    /// Numbered series by number, then those without a number, each in arrival order.
    static let order = "se.series_number = '', CAST(se.series_number AS INTEGER), se.id"

    static func read(_ row: SQLiteStatement) -> SeriesSummary {
        var s = SeriesSummary()
        s.seriesInstanceUID = row.string(0)
        s.studyInstanceUID = row.string(1)
        s.modality = row.string(2)
        s.seriesNumber = row.string(3)
        s.seriesDescription = row.string(4)
        s.bodyPartExamined = row.string(5)
        s.seriesDate = row.string(6)
        s.seriesTime = row.string(7)
        s.receivedAt = row.string(8)
        s.instanceCount = row.int(9)
        s.bytes = row.int(10)
        return s
    }
}

/// The columns an instance row is read from, and the reading.
enum InstanceRow {
    static let from = "instances i JOIN series se ON se.id = i.series_fk JOIN studies st ON st.id = se.study_fk"
    static let columns = """
        i.sop_uid, i.sop_class, se.series_uid, st.study_uid, i.instance_number, i.number_of_frames, i.rows, i.columns, \
        i.transfer_syntax, i.file, i.size, i.calling_ae, i.received_at
        """
    static let order = "i.instance_number = '', CAST(i.instance_number AS INTEGER), i.id"

    static func read(_ row: SQLiteStatement, files: FileStore) -> InstanceSummary {
        var s = InstanceSummary()
        s.sopInstanceUID = row.string(0)
        s.sopClassUID = row.string(1)
        s.seriesInstanceUID = row.string(2)
        s.studyInstanceUID = row.string(3)
        s.instanceNumber = row.string(4)
        s.numberOfFrames = row.string(5)
        s.rows = row.isNull(6) ? nil : row.int(6)
        s.columns = row.isNull(7) ? nil : row.int(7)
        s.transferSyntaxUID = row.string(8)
        s.path = files.absolutePath(row.string(9))
        s.size = row.int(10)
        s.sourceAETitle = row.string(11)
        s.receivedAt = row.string(12)
        return s
    }
}
