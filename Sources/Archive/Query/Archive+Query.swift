import DICOM

/// C-FIND, C-MOVE and C-GET over the archive (PS3.4 C.4), for the patient root and study root
/// information models.
///
/// Matching follows PS3.4 C.2.2.2, relationally: keys of the query level and of every level
/// above it constrain the matches (a patient root STUDY query may carry PatientID or PatientName,
/// a SERIES query a StudyDate range). The indexed attributes (`QueryCatalog`) are matched in
/// SQLite on its indexes; computed attributes, TM and DT values, multi-valued columns and the
/// attributes the index lacks are matched in Swift — the last on the header of the entity's
/// first stored instance (its "representative").
///
/// Where PS3.4 leaves room:
/// - A key of a level below the query level is refused with 0xA900 when it has a value (it
///   cannot be honoured, and ignoring it would widen the matches); without a value it is ignored
///   and not returned. (DCMTK's dcmqrscp ignores such keys unless run with --check-find, which
///   refuses them with 0xA900; dcm4che and Orthanc ignore them.)
/// - A missing or unknown (0008,0052), or a level the model lacks, is 0xA900 (as dcm4che; DCMTK
///   answers 0xC000 for an unknown value). An unreadable DA, TM or DT key is 0xC000.
/// - PN matches case-insensitively (upper-cased copies in the index), whole value against whole
///   value: component groups (`=`) are not matched separately. Other VRs match case-sensitively.
/// - Wild cards only for AE, CS, LO, LT, PN, SH, ST, UC, UR, UT; a value of only `*` is universal
///   for every VR. `""` is Empty Value Matching.
/// - A key with several values (backslash) matches when any value matches — List of UID
///   Matching for UI, the same rule for the other VRs (ModalitiesInStudy `CT\MR`: either).
/// - TM and DT compare by instant whatever the precision written (`1015` = `101500.000`); a
///   single value is an exact instant, a bound `-1100` includes 11:00:00.000000 but not later.
///   Timezone Offset From UTC (0008,0201) is not applied; combined date-time matching (an
///   extended negotiation) is not offered.
/// - A sequence key with one item matches when one stored item matches all of its keys, and
///   returns the matching items reduced to those keys; with no item (or only universal keys) it
///   matches every entity and returns every stored item.
/// - Private elements of the identifier are ignored. Instance Availability is ONLINE.
extension Archive {
    /// C-FIND (PS3.4 C.4.1): calls `emit` with one response identifier per match, and stops when
    /// `emit` returns false (the peer cancelled).
    ///
    /// A response holds (0008,0052), every key of the identifier with the stored value (zero
    /// length when there is none), the unique keys of the level and the levels above, and
    /// (0008,0005) "ISO_IR 192" when any text is outside ASCII (text is always UTF-8).
    public func find(model: InformationModel, level: QueryLevel, identifier: DataSet, emit: (DataSet) -> Bool) throws(QueryError) {
        let plan = try QueryPlan(model: model, level: level, identifier: identifier)
        let sql = QuerySQL(plan)
        try withReader { db in
            let statement = try db.statement(sql.text)
            defer { statement.finish() }
            try statement.bind(sql.arguments)
            let execution = QueryExecution(plan: plan, sql: sql, db: db, files: files)
            while try statement.step() {
                guard let response = try execution.response(for: statement) else { continue }
                if !emit(response) { break }
            }
        }
    }

    /// C-FIND at the level the identifier's (0008,0052) names (0xA900 when it names none).
    public func find(model: InformationModel, identifier: DataSet, emit: (DataSet) -> Bool) throws(QueryError) {
        try find(model: model, level: QueryLevel(identifier: identifier), identifier: identifier, emit: emit)
    }

    /// C-MOVE and C-GET (PS3.4 C.4.2, C.4.3): the stored instances under the entities that the
    /// identifier's unique keys select, in study, series and instance order.
    ///
    /// The unique key of the retrieve level must have a value (a single value or a list, as
    /// PS3.4 C.4.2.2.1 allows); unique keys of the levels above constrain when given. Other keys
    /// are not matching keys of a retrieve and are ignored.
    public func retrieveList(model: InformationModel, level: QueryLevel, identifier: DataSet) throws(QueryError) -> [StoredInstance] {
        guard model.levels.contains(level) else {
            throw QueryError(.identifierDoesNotMatchSOPClass, "the study root information model has no \(level.rawValue) level")
        }
        if let named = identifier.string(QueryTags.queryRetrieveLevel), !named.isEmpty, named.uppercased() != level.rawValue {
            throw QueryError(.identifierDoesNotMatchSOPClass, "Query/Retrieve Level (0008,0052) \"\(named)\" differs from the requested \(level.rawValue)")
        }
        var fixed: [(column: String, values: [String])] = []
        var own: (column: String, values: [String])?
        for l in model.levels where l <= level {
            guard let tag = model.uniqueKey(l), let column = QueryCatalog.columnsByTag[tag]?.column else { continue }
            let values = Array(Set(identifier.strings(tag).filter { !$0.isEmpty })).sorted()
            if l == level {
                guard !values.isEmpty else {
                    throw QueryError(.identifierDoesNotMatchSOPClass, "the identifier has no value for the unique key \(KeyTerm.keyword(tag)) of the \(level.rawValue) level")
                }
                own = (column, values)
            } else if !values.isEmpty {
                fixed.append((column, values))
            }
        }
        guard let own else { return [] }
        return try withReader { db in
            var out: [StoredInstance] = []
            var start = 0
            // The retrieve level's list, in chunks that stay within SQLite's parameter limit.
            while start < own.values.count {
                let chunk = Array(own.values[start..<min(start + QuerySQL.maxListParameters, own.values.count)])
                start += chunk.count
                var conditions: [String] = []
                var arguments: [SQLiteValue] = []
                for (column, values) in fixed + [(own.column, chunk)] {
                    conditions.append("\(column) IN (" + Array(repeating: "?", count: values.count).joined(separator: ",") + ")")
                    arguments += values.map { .text($0) }
                }
                let statement = try db.statement("""
                    SELECT i.sop_class, i.sop_uid, i.transfer_syntax, i.file, i.size FROM \(QueryCatalog.from(.image))
                    WHERE \(conditions.joined(separator: " AND ")) ORDER BY st.id, se.id, i.id
                    """)
                try statement.query(arguments) { row in
                    out.append(StoredInstance(sopClassUID: row.string(0), sopInstanceUID: row.string(1), transferSyntaxUID: row.string(2),
                                              path: files.absolutePath(row.string(3)), size: row.int(4)))
                }
            }
            return out
        }
    }

    /// C-MOVE and C-GET at the level the identifier's (0008,0052) names.
    public func retrieveList(model: InformationModel, identifier: DataSet) throws(QueryError) -> [StoredInstance] {
        try retrieveList(model: model, level: QueryLevel(identifier: identifier), identifier: identifier)
    }

    /// Runs `body` on a reader connection; database and file errors become 0xC000.
    func withReader<T>(_ body: (SQLiteConnection) throws -> T) throws(QueryError) -> T {
        do {
            return try index.read(body)
        } catch let error as QueryError {
            throw error
        } catch {
            throw QueryError(.unableToProcess, "the archive index cannot be read: \(error)")
        }
    }
}
