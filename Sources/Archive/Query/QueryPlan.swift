import DICOM

/// One key of an identifier: where its value comes from and what it matches.
struct KeyTerm: Sendable {
    let tag: Tag
    /// The VR the key is matched and returned with: the index's for indexed and computed
    /// attributes, the identifier's otherwise (the dictionary's when it sent UN).
    let vr: VR
    let source: KeySource
    /// The level the attribute belongs to; nil for the query's own level.
    let level: QueryLevel?
    /// The values to match; nil for universal matching (return the key, no constraint).
    let condition: ValueCondition?
    /// For a sequence key with an item: Sequence Matching (C.2.2.2.6) on the item's keys.
    let sequence: SequenceTemplate?

    /// Whether the key restricts the matches (otherwise it is only returned).
    var constrains: Bool { condition != nil || (sequence.map { !$0.isUniversal } ?? false) }

    static func keyword(_ tag: Tag) -> String {
        (DataDictionary.entry(for: tag)?.keyword).map { "\($0) \(tag)" } ?? "\(tag)"
    }

    /// Reads the key `element` of `container`, a data set whose enclosing data set uses
    /// `inherited` (the default repertoire at the top level).
    init(_ element: DataElement, in container: DataSet, inherited: SpecificCharacterSet,
         source: KeySource, level: QueryLevel?) throws(QueryError) {
        tag = element.tag
        self.source = source
        self.level = level
        switch source {
        case let .indexed(c): vr = c.vr
        case let .computed(k): vr = k.vr
        case .file:
            vr = element.vr == .UN ? (DataDictionary.entry(for: element.tag)?.vr ?? .UN) : element.vr
        }
        if vr == .SQ {
            condition = nil
            let charset = container.specificCharacterSet(inheriting: inherited)
            if let item = element.items.first {
                sequence = try SequenceTemplate(item, inherited: charset)
            } else {
                sequence = nil
            }
        } else if vr.isString {
            sequence = nil
            let values = StringValues.decode(element.bytes, vr: vr, characterSet: container.specificCharacterSet(inheriting: inherited))
            let matchers = try ValueMatcher.parse(values, vr: vr, keyword: KeyTerm.keyword(element.tag))
            condition = matchers.map { [isPN = vr == .PN] in ValueCondition($0, caseInsensitive: isPN) }
        } else {
            sequence = nil
            let bytes = element.bytes.array
            condition = bytes.isEmpty ? nil : ValueCondition([.binary(bytes)], caseInsensitive: false)
        }
    }

    /// A universal key (a unique key the response must carry though not asked for).
    init(universal tag: Tag) {
        let (source, level) = QueryCatalog.source(of: tag)
        self.tag = tag
        self.source = source
        self.level = level
        if case let .indexed(c) = source { vr = c.vr } else { vr = DataDictionary.entry(for: tag)?.vr ?? .UN }
        condition = nil
        sequence = nil
    }

    /// Whether an element of the identifier is a key. The character set, the level, the
    /// timezone (not applied: times match as written), group lengths, command and meta groups,
    /// delimiters and private elements are not.
    static func isKey(_ tag: Tag) -> Bool {
        !(tag == QueryTags.specificCharacterSet || tag == QueryTags.queryRetrieveLevel || tag == QueryTags.timezoneOffsetFromUTC
            || tag.group == 0x0000 || tag.group == 0x0002 || tag.isGroupLength || tag.isDelimiter || tag.isPrivate)
    }
}

/// The item of a sequence key: each of its keys must match in one item of the stored sequence.
struct SequenceTemplate: Sendable {
    let keys: [KeyTerm]

    init(_ item: DataSet, inherited: SpecificCharacterSet) throws(QueryError) {
        var keys: [KeyTerm] = []
        for e in item where KeyTerm.isKey(e.tag) {
            keys.append(try KeyTerm(e, in: item, inherited: inherited, source: .file, level: nil))
        }
        self.keys = keys
    }

    /// An item of universal keys only: every entity matches and every stored item is returned.
    var isUniversal: Bool { !keys.contains(where: \.constrains) }
}

/// A C-FIND identifier read against the model and level: the keys to match and return.
struct QueryPlan: Sendable {
    let model: InformationModel
    let level: QueryLevel
    /// Every key of the response in tag order: the keys asked for (keys of lower levels with no
    /// value are left out) and the unique keys of the level and the levels above.
    let terms: [KeyTerm]

    /// Reads `identifier`. Throws 0xA900 for a level the model lacks, a (0008,0052) naming another
    /// level, or a key with a value that belongs to a level below the query level (the SCU must
    /// not send one, PS3.4 C.4.1.2.1; it cannot be honoured and ignoring it would widen the
    /// matches), and 0xC000 for an unreadable date or time.
    init(model: InformationModel, level: QueryLevel, identifier: DataSet) throws(QueryError) {
        guard model.levels.contains(level) else {
            throw QueryError(.identifierDoesNotMatchSOPClass, "the study root information model has no \(level.rawValue) level")
        }
        if let named = identifier.string(QueryTags.queryRetrieveLevel), !named.isEmpty, named.uppercased() != level.rawValue {
            throw QueryError(.identifierDoesNotMatchSOPClass, "Query/Retrieve Level (0008,0052) \"\(named)\" differs from the requested \(level.rawValue)")
        }
        self.model = model
        self.level = level
        var terms: [KeyTerm] = []
        var present = Set<Tag>()
        for e in identifier where KeyTerm.isKey(e.tag) {
            let (source, keyLevel) = QueryCatalog.source(of: e.tag)
            let term = try KeyTerm(e, in: identifier, inherited: .default, source: source, level: keyLevel)
            if let keyLevel, keyLevel > level {
                if term.constrains {
                    throw QueryError(.identifierDoesNotMatchSOPClass,
                                     "\(KeyTerm.keyword(e.tag)) is a \(keyLevel.rawValue) level key, below the query level \(level.rawValue)")
                }
                continue
            }
            terms.append(term)
            present.insert(e.tag)
        }
        for tag in model.uniqueKeys(through: level) where !present.contains(tag) {
            terms.append(KeyTerm(universal: tag))
        }
        self.terms = terms.sorted { $0.tag < $1.tag }
    }
}
