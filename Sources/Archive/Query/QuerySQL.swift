import DICOM

/// The SELECT a plan runs: the conditions SQLite can decide on the index (every value bound
/// as a parameter), and the keys left for Swift to check on each row.
struct QuerySQL {
    private(set) var text = ""
    private(set) var arguments: [SQLiteValue] = []
    /// Result positions of the row ids of the level and the levels above.
    private(set) var idColumns: [QueryLevel: Int32] = [:]
    /// Result position of the instance's file (image level).
    private(set) var fileColumn: Int32?
    /// Result positions of the indexed attributes the plan names.
    private(set) var valueColumns: [Tag: Int32] = [:]
    /// Keys with a condition that SQL does not decide, in the order to check them: indexed and
    /// computed values first, the representative file's last.
    private(set) var residual: [KeyTerm] = []

    /// Lists longer than this are matched in Swift rather than with `IN (...)`.
    static let maxListParameters = 500

    init(_ plan: QueryPlan) {
        var select: [String] = []
        func column(_ expression: String) -> Int32 {
            select.append(expression)
            return Int32(select.count - 1)
        }
        for level in QueryLevel.allCases where level <= plan.level {
            idColumns[level] = column(QueryCatalog.alias(level) + ".id")
        }
        if plan.level == .image { fileColumn = column("i.file") }

        var conditions: [String] = []
        var swiftIndexed: [KeyTerm] = [], swiftFile: [KeyTerm] = [], computed: [KeyTerm] = []
        for term in plan.terms {
            if case let .indexed(c) = term.source { valueColumns[term.tag] = column(c.column) }
            guard term.constrains else { continue }
            switch term.source {
            case let .indexed(c):
                if let condition = term.condition, let sql = sqlCondition(c.normalizedOrPlain(condition), c, condition) {
                    conditions.append(sql)
                } else {
                    swiftIndexed.append(term)
                }
            case .computed:
                computed.append(term)
            case .file:
                swiftFile.append(term)
            }
        }
        // Computed conditions last: how they are written depends on whether an indexed
        // condition can start the search.
        let narrowed = !conditions.isEmpty
        for term in computed {
            if case let .computed(k) = term.source, let condition = term.condition, let sql = sqlCondition(k, condition, narrowed: narrowed) {
                conditions.append(sql)
            } else {
                swiftIndexed.append(term)
            }
        }
        residual = swiftIndexed + swiftFile
        text = "SELECT " + select.joined(separator: ", ") + " FROM " + QueryCatalog.from(plan.level)
        if !conditions.isEmpty { text += " WHERE " + conditions.joined(separator: " AND ") }
    }

    /// The condition on an indexed column, or nil when Swift must decide: multi-valued and
    /// integer columns, TM and DT (compared by instant, whatever the precision written), and
    /// very long lists.
    private mutating func sqlCondition(_ col: String?, _ c: IndexedColumn, _ condition: ValueCondition) -> String? {
        guard let col, !c.multiValued, !c.integer, c.vr != .TM, c.vr != .DT else { return nil }
        return alternatives(col, condition, uidList: c.vr == .UI)
    }

    /// ModalitiesInStudy and SOPClassesInStudy: a series (instance) of the study has the value.
    /// Alone, written `st.id IN (...)` so that SQLite starts from the modality (SOP class) index;
    /// beside an indexed condition (`narrowed`), as a correlated EXISTS checked on the rows that
    /// condition finds — without statistics SQLite would otherwise take the modality index,
    /// usually the less selective one.
    private mutating func sqlCondition(_ k: ComputedKey, _ condition: ValueCondition, narrowed: Bool) -> String? {
        switch k {
        case .modalitiesInStudy:
            guard let alt = alternatives("mx.modality", condition, uidList: false, emptyAllowed: false) else { return nil }
            return narrowed ? "EXISTS (SELECT 1 FROM series mx WHERE mx.study_fk = st.id AND \(alt))"
                : "st.id IN (SELECT mx.study_fk FROM series mx WHERE \(alt))"
        case .sopClassesInStudy:
            guard let alt = alternatives("ix.sop_class", condition, uidList: true, emptyAllowed: false) else { return nil }
            return narrowed ? "EXISTS (SELECT 1 FROM series sx JOIN instances ix ON ix.series_fk = sx.id WHERE sx.study_fk = st.id AND \(alt))"
                : "st.id IN (SELECT sx.study_fk FROM instances ix JOIN series sx ON sx.id = ix.series_fk WHERE \(alt))"
        default:
            return nil
        }
    }

    /// `(a OR b ...)` over the matchers, or nil if one of them has no SQL form.
    private mutating func alternatives(_ col: String, _ condition: ValueCondition, uidList: Bool, emptyAllowed: Bool = true) -> String? {
        var parts: [String] = []
        var args: [SQLiteValue] = []
        let singles = condition.matchers.compactMap { m -> String? in if case let .single(v) = m { return v } else { return nil } }
        if singles.count > Self.maxListParameters { return nil }
        if uidList && singles.count > 1 {
            parts.append("\(col) IN (" + Array(repeating: "?", count: singles.count).joined(separator: ",") + ")")
            args += singles.map { .text($0) }
        }
        for m in condition.matchers {
            switch m {
            case let .single(v):
                if uidList && singles.count > 1 { continue }
                parts.append("\(col) = ?")
                args.append(.text(v))
            case let .wildcard(p):
                let glob = Glob.condition(col, pattern: p)
                parts.append(glob.sql)
                args += glob.arguments
            case .empty:
                guard emptyAllowed else { return nil }
                parts.append("\(col) = ''")
            case let .date(r):
                // YYYYMMDD text orders as the dates do; an empty value is in no range.
                switch (r.lower, r.upper) {
                case let (l?, u?) where l == u:
                    parts.append("\(col) = ?")
                    args.append(.text(l.dicomString))
                case let (l?, u?):
                    parts.append("\(col) BETWEEN ? AND ?")
                    args += [.text(l.dicomString), .text(u.dicomString)]
                case let (l?, nil):
                    parts.append("\(col) >= ?")
                    args.append(.text(l.dicomString))
                case let (nil, u?):
                    parts.append("(\(col) <> '' AND \(col) <= ?)")
                    args.append(.text(u.dicomString))
                case (nil, nil):
                    return nil
                }
            case .time, .dateTime, .binary:
                return nil
            }
        }
        arguments += args
        return parts.count == 1 ? parts[0] : "(" + parts.joined(separator: " OR ") + ")"
    }
}

extension IndexedColumn {
    /// The column a condition compares: the upper-cased copy for case-insensitive PN matching
    /// (nil when the column has none), the column itself otherwise.
    func normalizedOrPlain(_ condition: ValueCondition) -> String? {
        condition.caseInsensitive ? normalized : column
    }
}
