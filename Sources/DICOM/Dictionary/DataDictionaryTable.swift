/// The data dictionary parsed from the generated `dataDictionaryTable`, with its indexes.
/// Built once, by the first lookup (`DataDictionary.table` is a lazily initialised `static let`).
struct DataDictionaryTable: Sendable {
    /// An entry whose tag has repeating digits: it matches a tag when `tag & mask == value`.
    struct Repeater: Sendable {
        let value: UInt32
        let mask: UInt32
        let entry: DictionaryEntry
    }

    /// Every entry, in tag order (repeaters ordered by their tag with x digits as zero).
    let entries: [DictionaryEntry]
    /// The entries without repeating digits, by tag.
    let byTag: [UInt32: DictionaryEntry]
    /// Repeating entries: groups 50xx, 60xx, 7Fxx (PS3.5 §7.6) and the retired element
    /// repeaters such as (0020,31xx) and (1000,xxx0); the most specific mask first.
    let repeaters: [Repeater]
    /// Every entry that has a keyword, by keyword.
    let byKeyword: [String: DictionaryEntry]

    init(parsing table: String) {
        var entries: [DictionaryEntry] = []
        var byTag: [UInt32: DictionaryEntry] = [:]
        var repeaters: [Repeater] = []
        var byKeyword: [String: DictionaryEntry] = [:]
        let records = DictionaryTSV.records(table, fieldCount: 6)
        entries.reserveCapacity(records.count)
        byTag.reserveCapacity(records.count)
        byKeyword.reserveCapacity(records.count)
        for fields in records {
            guard let pattern = DictionaryTSV.tagPattern(fields[0]) else {
                preconditionFailure("malformed tag \(fields[0]) in the generated data dictionary")
            }
            let entry = DictionaryEntry(
                tag: Tag(rawValue: pattern.value),
                vrs: Self.vrs(fields[1]),
                vm: fields[2],
                keyword: fields[3],
                name: fields[5],
                isRetired: fields[4] == "1")
            entries.append(entry)
            if pattern.mask == 0xFFFF_FFFF {
                byTag[pattern.value] = entry
            } else {
                repeaters.append(Repeater(value: pattern.value, mask: pattern.mask, entry: entry))
            }
            if !entry.keyword.isEmpty {
                byKeyword[entry.keyword] = entry
            }
        }
        repeaters.sort { $0.mask.nonzeroBitCount > $1.mask.nonzeroBitCount }
        self.entries = entries
        self.byTag = byTag
        self.repeaters = repeaters
        self.byKeyword = byKeyword
    }

    /// `US|SS` -> [.US, .SS]; `NONE` (item and delimitation tags, PS3.5 §7.5) -> [].
    private static func vrs(_ field: String) -> [VR] {
        if field == "NONE" { return [] }
        return field.split(separator: "|").map { name in
            guard let vr = VR(rawValue: String(name)) else {
                preconditionFailure("unknown VR \(name) in the generated data dictionary")
            }
            return vr
        }
    }

    /// The repeating entry that matches `tag`, if any.
    func repeater(matching tag: Tag) -> DictionaryEntry? {
        repeaters.first { tag.rawValue & $0.mask == $0.value }?.entry
    }
}
