/// Typed reading of element values.
///
/// Text is decoded with the Specific Character Set (0008,0005) in effect (PS3.5 §6.1.2.3).
/// An item of a sequence uses its own (0008,0005) when it has one and the set of the enclosing
/// data set otherwise (PS3.3 §C.12.1.1.2), so the text getters take the inherited set:
/// `item.string(tag, inheriting: parent.specificCharacterSet)`. A top-level data set needs no
/// argument.
extension DataSet {
    /// The character set named by (0008,0005) in this data set, or the default repertoire.
    public var specificCharacterSet: SpecificCharacterSet {
        specificCharacterSet(inheriting: .default)
    }

    /// The character set of this data set when it is an item of a data set using `parent`:
    /// its own (0008,0005) if present (even empty, which names the default repertoire), else
    /// `parent`.
    public func specificCharacterSet(inheriting parent: SpecificCharacterSet) -> SpecificCharacterSet {
        guard let e = self[ValueTags.specificCharacterSet] else { return parent }
        let text = e.bytes.withUnsafeBytes { SpecificCharacterSet.default.decode($0, vr: .CS) }.trimmingDICOMPadding()
        return text.isEmpty ? .default : SpecificCharacterSet(value: text)
    }

    // MARK: Strings

    /// Every value of a character string element, decoded and trimmed of its padding
    /// (`StringValues.trim`); empty if the element is absent, empty or not a string VR.
    public func strings(_ tag: Tag, inheriting parent: SpecificCharacterSet = .default) -> [String] {
        guard let e = self[tag], e.vr.isString, case let .bytes(b) = e.value else { return [] }
        return StringValues.decode(b, vr: e.vr, characterSet: specificCharacterSet(inheriting: parent))
    }

    /// The first value of a character string element, decoded and trimmed; nil if the element is
    /// absent, has no value or is not a string VR.
    public func string(_ tag: Tag, inheriting parent: SpecificCharacterSet = .default) -> String? {
        strings(tag, inheriting: parent).first
    }

    // MARK: Numbers

    /// Every value as an integer: IS text, or the binary US, SS, UL, SL, SV, UV (and OW, OL, OV)
    /// values. Empty if absent, of another VR, or if any IS value is not a valid integer.
    public func ints(_ tag: Tag) -> [Int] {
        guard let e = self[tag], case let .bytes(b) = e.value else { return [] }
        if e.vr == .IS {
            let values = StringValues.decode(b, vr: .IS, characterSet: .default).map(IntegerString.parse)
            return values.contains(nil) ? [] : values.compactMap { $0 }
        }
        return BinaryValues.ints(b, vr: e.vr) ?? []
    }

    /// The first value as an integer (see `ints`).
    public func int(_ tag: Tag) -> Int? {
        guard let e = self[tag], case let .bytes(b) = e.value else { return nil }
        if e.vr == .IS { return StringValues.decode(b, vr: .IS, characterSet: .default).first.flatMap(IntegerString.parse) }
        return BinaryValues.ints(b, vr: e.vr)?.first
    }

    /// Every value as a Double: DS or IS text, or binary FL, FD (and OF, OD) values. Empty if
    /// absent, of another VR, or if any text value is not a valid number.
    public func doubles(_ tag: Tag) -> [Double] {
        guard let e = self[tag], case let .bytes(b) = e.value else { return [] }
        switch e.vr {
        case .DS, .IS:
            let values = StringValues.decode(b, vr: e.vr, characterSet: .default).map(DecimalString.parse)
            return values.contains(nil) ? [] : values.compactMap { $0 }
        case .FL, .OF: return BinaryValues.floats(b).map(Double.init)
        case .FD, .OD: return BinaryValues.doubles(b)
        default: return []
        }
    }

    /// The first value as a Double (see `doubles`).
    public func double(_ tag: Tag) -> Double? {
        guard let e = self[tag], case let .bytes(b) = e.value else { return nil }
        switch e.vr {
        case .DS, .IS: return StringValues.decode(b, vr: e.vr, characterSet: .default).first.flatMap(DecimalString.parse)
        case .FL, .OF: return BinaryValues.first(b, as: UInt32.self).map { Double(Float(bitPattern: $0)) }
        case .FD, .OD: return BinaryValues.first(b, as: UInt64.self).map(Double.init(bitPattern:))
        default: return nil
        }
    }

    /// The first value of a US (or OW) element.
    public func uint16(_ tag: Tag) -> UInt16? {
        guard let e = self[tag], e.vr == .US || e.vr == .OW else { return nil }
        return BinaryValues.first(e.bytes, as: UInt16.self)
    }

    /// The first value of a UL (or OL) element.
    public func uint32(_ tag: Tag) -> UInt32? {
        guard let e = self[tag], e.vr == .UL || e.vr == .OL else { return nil }
        return BinaryValues.first(e.bytes, as: UInt32.self)
    }

    // MARK: Dates, names, tags, items

    /// The first value of a DA element, nil if absent or invalid.
    public func date(_ tag: Tag) -> DICOMDate? {
        guard self[tag]?.vr == .DA else { return nil }
        return string(tag).flatMap { DICOMDate($0) }
    }

    /// The first value of a TM element, nil if absent or invalid.
    public func time(_ tag: Tag) -> DICOMTime? {
        guard self[tag]?.vr == .TM else { return nil }
        return string(tag).flatMap { DICOMTime($0) }
    }

    /// The first value of a DT element, nil if absent or invalid.
    public func dateTime(_ tag: Tag) -> DICOMDateTime? {
        guard self[tag]?.vr == .DT else { return nil }
        return string(tag).flatMap { DICOMDateTime($0) }
    }

    /// Every value of a PN element.
    public func personNames(_ tag: Tag, inheriting parent: SpecificCharacterSet = .default) -> [PersonName] {
        guard self[tag]?.vr == .PN else { return [] }
        return strings(tag, inheriting: parent).map { PersonName($0) }
    }

    /// The first value of a PN element.
    public func personName(_ tag: Tag, inheriting parent: SpecificCharacterSet = .default) -> PersonName? {
        personNames(tag, inheriting: parent).first
    }

    /// The values of an AT element.
    public func tags(_ tag: Tag) -> [Tag] {
        guard let e = self[tag], e.vr == .AT else { return [] }
        return e.bytes.withUnsafeBytes { Tag.tags(fromLittleEndian: $0) }
    }

    /// The items of a sequence element; empty if absent or not a sequence.
    public func items(_ tag: Tag) -> [DataSet] {
        self[tag]?.items ?? []
    }
}

/// Tags this folder needs; kept private to avoid clashing with the generated dictionary's names.
enum ValueTags {
    static let specificCharacterSet = Tag(0x0008, 0x0005)
}
