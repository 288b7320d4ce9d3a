import DICOM

/// Keys the index lacks, answered from a stored data set (the representative instance's header):
/// matching, Sequence Matching, and the elements returned, re-encoded in UTF-8.
enum FileKeys {
    /// Whether `term` matches in `ds`, an item (or the top level) whose enclosing data set uses
    /// `inherited`.
    static func matches(_ term: KeyTerm, in ds: DataSet, inherited: SpecificCharacterSet) -> Bool {
        if let template = term.sequence {
            if template.isUniversal { return true }
            let charset = ds.specificCharacterSet(inheriting: inherited)
            return ds.items(term.tag).contains { item in
                template.keys.allSatisfy { matches($0, in: item, inherited: charset) }
            }
        }
        guard let condition = term.condition else { return true }
        guard let e = ds[term.tag] else { return condition.matchers.contains(.empty) }
        let vr = e.vr == .UN ? term.vr : e.vr
        if vr.isString {
            return condition.matches(StringValues.decode(e.bytes, vr: vr, characterSet: ds.specificCharacterSet(inheriting: inherited)))
        }
        return condition.matches(bytes: e.bytes.array)
    }

    /// The element to return for `term` from `ds` (absent: zero length). Text is re-encoded in
    /// UTF-8, the response's character set, and items carry no (0008,0005) of their own.
    static func element(_ term: KeyTerm, from ds: DataSet?, inherited: SpecificCharacterSet) -> DataElement {
        guard let ds, let e = ds[term.tag] else {
            return term.vr == .SQ ? DataElement(tag: term.tag, items: []) : DataElement(tag: term.tag, vr: term.vr, bytes: [UInt8]())
        }
        let charset = ds.specificCharacterSet(inheriting: inherited)
        if e.vr == .SQ || term.vr == .SQ {
            guard let template = term.sequence else {
                // A sequence key without an item: the whole stored sequence.
                return DataElement(tag: term.tag, items: e.items.map { utf8Copy($0, inherited: charset) })
            }
            // The matching items (every item for a universal template), each with the
            // template's keys only.
            let items = e.items.filter { item in template.keys.allSatisfy { matches($0, in: item, inherited: charset) } }
            return DataElement(tag: term.tag, items: items.map { item in
                DataSet(template.keys.map { element($0, from: item, inherited: charset) })
            })
        }
        return utf8Element(e, charset: charset)
    }

    /// `item` with its text in UTF-8, recursively, without its own (0008,0005).
    static func utf8Copy(_ item: DataSet, inherited: SpecificCharacterSet) -> DataSet {
        let charset = item.specificCharacterSet(inheriting: inherited)
        var out = DataSet()
        for e in item where e.tag != QueryTags.specificCharacterSet {
            if e.vr == .SQ {
                out[e.tag] = DataElement(tag: e.tag, items: e.items.map { utf8Copy($0, inherited: charset) }, undefinedLength: true)
            } else {
                out[e.tag] = utf8Element(e, charset: charset)
            }
        }
        return out
    }

    /// A copy of `e` detached from the file's bytes, its text (if affected by the character set)
    /// decoded with `charset` and encoded in UTF-8.
    static func utf8Element(_ e: DataElement, charset: SpecificCharacterSet) -> DataElement {
        if e.vr.usesSpecificCharacterSet, case let .bytes(b) = e.value {
            let values = StringValues.decode(b, vr: e.vr, characterSet: charset)
            if let bytes = try? StringValues.encode(values, vr: e.vr, characterSet: .utf8) {
                return DataElement(tag: e.tag, vr: e.vr, bytes: bytes)
            }
        }
        if case let .bytes(b) = e.value { return DataElement(tag: e.tag, vr: e.vr, bytes: b.array) }
        return e
    }

    /// Whether a text value affected by the character set has a byte outside ASCII.
    static func hasNonASCIIText(_ ds: DataSet) -> Bool {
        for e in ds {
            switch e.value {
            case let .bytes(b) where e.vr.usesSpecificCharacterSet:
                if b.withUnsafeBytes({ $0.contains { $0 >= 0x80 } }) { return true }
            case let .sequence(items):
                if items.contains(where: hasNonASCIIText) { return true }
            default:
                continue
            }
        }
        return false
    }
}
