/// The SQL of a study search: fixed text chosen by the search's shape, every value bound as a
/// parameter (see `StudySearch` for the matching rules).
struct StudySearchSQL {
    private(set) var conditions: [String] = []
    private(set) var arguments: [SQLiteValue] = []

    static let from = "studies st JOIN patients p ON p.id = st.patient_fk"

    init(_ s: StudySearch) {
        if let v = s.patientName, !v.isEmpty {
            let n = NameNormalizer.normalize(v)
            glob("p.patient_name_norm", Self.hasWildcard(n) ? n : n + "*")
        }
        if let v = s.patientID, !v.isEmpty { exactOrGlob("p.patient_id", v) }
        if let v = s.accessionNumber, !v.isEmpty { exactOrGlob("st.accession", v) }
        if let v = s.studyDescription, !v.isEmpty {
            conditions.append("st.description_norm LIKE ? ESCAPE '\\'")
            arguments.append(.text(Self.likePattern(NameNormalizer.normalize(v))))
        }
        // YYYYMMDD text orders as the dates do; '' (no date) is below every date.
        if let d = s.dateFrom {
            conditions.append("st.study_date >= ?")
            arguments.append(.text(d.dicomString))
        }
        if let d = s.dateTo {
            conditions.append("(st.study_date <> '' AND st.study_date <= ?)")
            arguments.append(.text(d.dicomString))
        }
        let modalities = Array(Set(s.modalities.filter { !$0.isEmpty })).sorted()
        if !modalities.isEmpty {
            let marks = Array(repeating: "?", count: modalities.count).joined(separator: ",")
            conditions.append("EXISTS (SELECT 1 FROM series mx WHERE mx.study_fk = st.id AND mx.modality IN (\(marks)))")
            arguments += modalities.map { .text($0) }
        }
    }

    var whereClause: String { conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ") }

    var countSQL: String { "SELECT count(*) FROM \(Self.from)\(whereClause)" }

    /// The page's rows, in `StudyRow`'s column order; LIMIT and OFFSET are the last two parameters.
    func pageSQL(sort: StudySearch.Sort, descending: Bool) -> String {
        "SELECT \(StudyRow.columns) FROM \(Self.from)\(whereClause) ORDER BY \(Self.orderBy(sort, descending: descending)) LIMIT ? OFFSET ?"
    }

    /// ORDER BY for a sort key; ties go by arrival (the row id), in the same direction.
    static func orderBy(_ sort: StudySearch.Sort, descending: Bool) -> String {
        let d = descending ? "DESC" : "ASC"
        switch sort {
        case .studyDate: return "st.study_date \(d), st.study_time \(d), st.id \(d)"
        // The component separator sorts as a space: SMITH^JOHN before SMITHSON^ANNA.
        case .patientName: return "replace(p.patient_name_norm, '^', ' ') \(d), st.id \(d)"
        case .patientID: return "p.patient_id \(d), st.id \(d)"
        case .patientBirthDate: return "p.birth_date \(d), st.id \(d)"
        case .accessionNumber: return "st.accession \(d), st.id \(d)"
        case .studyDescription: return "st.description_norm \(d), st.id \(d)"
        case .receivedAt: return "st.created_at \(d), st.id \(d)"
        }
    }

    static func hasWildcard(_ s: String) -> Bool { s.contains("*") || s.contains("?") }

    private mutating func exactOrGlob(_ column: String, _ value: String) {
        if Self.hasWildcard(value) {
            glob(column, value)
        } else {
            conditions.append("\(column) = ?")
            arguments.append(.text(value))
        }
    }

    private mutating func glob(_ column: String, _ pattern: String) {
        let c = Glob.condition(column, pattern: pattern)
        conditions.append(c.sql)
        arguments += c.arguments
    }

    /// The LIKE pattern (escape `\`) for a description: `*` and `?` as `%` and `_` when the text
    /// has them (a pattern over the whole value), else the text anywhere in the value. The
    /// LIKE wildcards `%` and `_` of the text itself are literal.
    static func likePattern(_ text: String) -> String {
        let wildcards = hasWildcard(text)
        var out = wildcards ? "" : "%"
        for ch in text {
            switch ch {
            case "%", "_", "\\": out += "\\" + String(ch)
            case "*" where wildcards: out += "%"
            case "?" where wildcards: out += "_"
            default: out.append(ch)
            }
        }
        return wildcards ? out : out + "%"
    }
}

/// The columns a study row is read from, and the reading.
enum StudyRow {
    static let columns = "st.id, st.study_uid, p.patient_name, p.patient_id, p.birth_date, p.sex, st.study_date, st.study_time, st.accession, st.description, st.study_id, st.referring_name, st.created_at"

    static func read(_ row: SQLiteStatement) -> (id: Int64, study: StudySummary) {
        var s = StudySummary()
        s.studyInstanceUID = row.string(1)
        s.patientName = row.string(2)
        s.patientID = row.string(3)
        s.patientBirthDate = row.string(4)
        s.patientSex = row.string(5)
        s.studyDate = row.string(6)
        s.studyTime = row.string(7)
        s.accessionNumber = row.string(8)
        s.studyDescription = row.string(9)
        s.studyID = row.string(10)
        s.referringPhysicianName = row.string(11)
        s.receivedAt = row.string(12)
        return (row.int64(0), s)
    }
}
