import DICOM

/// Turns the rows of a plan's SELECT into response identifiers: checks the keys SQL left over
/// (computed values, the representative instance's file) and fills in every key asked for.
struct QueryExecution {
    let plan: QueryPlan
    let sql: QuerySQL
    let db: SQLiteConnection
    let files: FileStore

    /// The values and files one row needs, each fetched at most once.
    private final class RowState {
        var ids: [QueryLevel: Int64] = [:]
        var computed: [ComputedKey: [String]] = [:]
        var fileLoaded = false
        var file: DataSet?
    }

    /// The response for the current row of `row`, or nil when a key checked here does not match.
    func response(for row: SQLiteStatement) throws -> DataSet? {
        let state = RowState()
        for (level, position) in sql.idColumns { state.ids[level] = row.int64(position) }

        for term in sql.residual {
            guard try matches(term, row, state) else { return nil }
        }

        var out = DataSet()
        try? out.set(QueryTags.specificCharacterSet, vr: .CS, string: "ISO_IR 192")
        try? out.set(QueryTags.queryRetrieveLevel, vr: .CS, string: plan.level.rawValue)
        for term in plan.terms {
            switch term.source {
            case let .indexed(c):
                if c.integer {
                    if let v = stored(c, row).first.flatMap({ Int($0) }) {
                        out.set(term.tag, vr: .US, uint16: UInt16(clamping: v))
                    } else {
                        out[term.tag] = DataElement(tag: term.tag, vr: .US, bytes: [UInt8]())
                    }
                } else {
                    put(&out, term.tag, c.vr, stored(c, row))
                }
            case let .computed(k):
                put(&out, term.tag, k.vr, try computed(k, state))
            case .file:
                out[term.tag] = FileKeys.element(term, from: try representative(row, state), inherited: .default)
            }
        }
        // Text is UTF-8 throughout; only a response with text outside ASCII needs to say so.
        if !FileKeys.hasNonASCIIText(out) { out.remove(QueryTags.specificCharacterSet) }
        return out
    }

    private func matches(_ term: KeyTerm, _ row: SQLiteStatement, _ state: RowState) throws -> Bool {
        switch term.source {
        case let .indexed(c):
            guard let condition = term.condition else { return true }
            let values = stored(c, row)
            if c.integer {
                return condition.matches(bytes: values.first.flatMap { Int($0) }.map { v in
                    let u = UInt16(clamping: v)
                    return [UInt8(u & 0xFF), UInt8(u >> 8)]
                })
            }
            return condition.matches(values)
        case let .computed(k):
            guard let condition = term.condition else { return true }
            let values = try computed(k, state)
            if k.vr == .IS {
                // Counts compare as numbers: "3" matches "003".
                let wanted = Set(condition.matchers.compactMap { m -> Int? in
                    if case let .single(v) = m { return Int(v) } else { return nil }
                })
                if values.compactMap({ Int($0) }).contains(where: wanted.contains) { return true }
            }
            return condition.matches(values)
        case .file:
            return FileKeys.matches(term, in: try representative(row, state) ?? DataSet(), inherited: .default)
        }
    }

    /// The values of an indexed column in the current row (none when empty).
    private func stored(_ c: IndexedColumn, _ row: SQLiteStatement) -> [String] {
        guard let position = sql.valueColumns[c.tag] else { return [] }
        if c.integer { return row.isNull(position) ? [] : [String(row.int(position))] }
        let text = row.string(position)
        if text.isEmpty { return [] }
        return c.multiValued ? text.split(separator: "\\", omittingEmptySubsequences: false).map(String.init) : [text]
    }

    private func computed(_ k: ComputedKey, _ state: RowState) throws -> [String] {
        if let v = state.computed[k] { return v }
        var values: [String] = []
        if k == .instanceAvailability {
            values = ["ONLINE"]
        } else if let id = state.ids[k.level ?? plan.level] {
            try db.prepare(k.sql).query([.int(id)]) { values.append($0.string(0)) }
        }
        state.computed[k] = values
        return values
    }

    /// The header of the entity's first stored instance; nil if it cannot be read (its keys then
    /// have no value).
    private func representative(_ row: SQLiteStatement, _ state: RowState) throws -> DataSet? {
        if state.fileLoaded { return state.file }
        state.fileLoaded = true
        var relative: String?
        if let position = sql.fileColumn {
            relative = row.text(position)
        } else if let id = state.ids[plan.level] {
            try db.prepare(QueryCatalog.representativeSQL(plan.level)).query([.int(id)]) { relative = $0.text(0) }
        }
        if let relative {
            state.file = try? DICOMFile.read(path: files.absolutePath(relative), options: ReadOptions(stopBefore: QueryTags.pixelData)).dataSet
        }
        return state.file
    }

    /// Sets a text element in the response (UTF-8); zero length if the values cannot be written.
    private func put(_ out: inout DataSet, _ tag: Tag, _ vr: VR, _ values: [String]) {
        do {
            try out.set(tag, vr: vr, strings: values)
        } catch {
            out[tag] = DataElement(tag: tag, vr: vr, bytes: [UInt8]())
        }
    }
}
