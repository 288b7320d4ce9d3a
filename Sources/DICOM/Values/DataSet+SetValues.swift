/// Typed writing of element values. Each setter replaces the element with `tag` (or inserts
/// it). Text is encoded with the data set's character set — its own (0008,0005), else the
/// `inheriting` set of the enclosing data set — and padded to even length with the VR's padding
/// byte (PS3.5 §6.2, §7.1.1). Binary values are stored little endian.
extension DataSet {
    /// Sets the whole text of a string element. For a multi-valued VR a backslash in `string`
    /// separates values; for LT, ST, UT and UR it is an ordinary character.
    /// Throws `DICOMError.encoding` for a non-string VR or text the character set cannot hold.
    public mutating func set(_ tag: Tag, vr: VR, string: String, inheriting parent: SpecificCharacterSet = .default) throws {
        guard vr.isString else { throw DICOMError.encoding("VR \(vr) is not a character string VR") }
        let cs = StringValues.characterSet(specificCharacterSet(inheriting: parent), for: vr)
        var bytes = try cs.encode(string, vr: vr)
        if bytes.count % 2 == 1 { bytes.append(vr.paddingByte) }
        self[tag] = DataElement(tag: tag, vr: vr, bytes: bytes)
    }

    /// Sets the values of a string element, joined with `\` (see `StringValues.encode`).
    public mutating func set(_ tag: Tag, vr: VR, strings: [String], inheriting parent: SpecificCharacterSet = .default) throws {
        let bytes = try StringValues.encode(strings, vr: vr, characterSet: specificCharacterSet(inheriting: parent))
        self[tag] = DataElement(tag: tag, vr: vr, bytes: bytes)
    }

    /// Sets a single 16-bit value. `vr` must be US, SS (the bit pattern is stored) or OW.
    public mutating func set(_ tag: Tag, vr: VR = .US, uint16 value: UInt16) {
        precondition(vr == .US || vr == .SS || vr == .OW, "set(uint16:) needs VR US, SS or OW, not \(vr)")
        var out: [UInt8] = []
        BinaryValues.append(value, to: &out)
        self[tag] = DataElement(tag: tag, vr: vr, bytes: out)
    }

    /// Sets a single 32-bit value. `vr` must be UL, SL (the bit pattern is stored) or OL.
    public mutating func set(_ tag: Tag, vr: VR = .UL, uint32 value: UInt32) {
        precondition(vr == .UL || vr == .SL || vr == .OL, "set(uint32:) needs VR UL, SL or OL, not \(vr)")
        var out: [UInt8] = []
        BinaryValues.append(value, to: &out)
        self[tag] = DataElement(tag: tag, vr: vr, bytes: out)
    }

    /// Sets integer values: binary for US, SS, UL, SL, SV, UV, OW, OL, OV; text for IS.
    /// Throws `DICOMError.encoding` for a value outside the VR's range or another VR.
    public mutating func set(_ tag: Tag, vr: VR, ints: [Int]) throws {
        if vr == .IS {
            let text = try ints.map { v in
                guard let s = IntegerString.format(v) else { throw DICOMError.encoding("\(v) is out of range for VR IS") }
                return s
            }
            try set(tag, vr: .IS, strings: text)
            return
        }
        self[tag] = DataElement(tag: tag, vr: vr, bytes: try BinaryValues.encode(ints, vr: vr))
    }

    /// Sets floating point values: binary for FL, FD, OF, OD; text of at most 16 bytes for DS
    /// (`DecimalString.format`). Throws `DICOMError.encoding` for another VR, or a value DS
    /// cannot represent (infinity, NaN) or FL cannot hold.
    public mutating func set(_ tag: Tag, vr: VR, doubles: [Double]) throws {
        var out: [UInt8] = []
        switch vr {
        case .DS:
            let text = try doubles.map { v in
                guard let s = DecimalString.format(v) else { throw DICOMError.encoding("\(v) cannot be written as a DS") }
                return s
            }
            try set(tag, vr: .DS, strings: text)
            return
        case .FL, .OF:
            for v in doubles {
                let f = Float(v)
                guard f.isFinite == v.isFinite else { throw DICOMError.encoding("\(v) is out of range for VR \(vr)") }
                BinaryValues.append(f.bitPattern, to: &out)
            }
        case .FD, .OD:
            for v in doubles { BinaryValues.append(v.bitPattern, to: &out) }
        default:
            throw DICOMError.encoding("VR \(vr) does not hold floating point numbers")
        }
        self[tag] = DataElement(tag: tag, vr: vr, bytes: out)
    }

    /// Sets an AT element.
    public mutating func set(_ tag: Tag, tags: [Tag]) {
        self[tag] = DataElement(tag: tag, vr: .AT, bytes: Tag.littleEndianBytes(tags))
    }

    /// Sets a DA element.
    public mutating func set(_ tag: Tag, date: DICOMDate) {
        self[tag] = DataElement(tag: tag, vr: .DA, bytes: Array(date.dicomString.utf8))
    }

    /// Sets a TM element, padded with a space when the text is odd.
    public mutating func set(_ tag: Tag, time: DICOMTime) {
        try? set(tag, vr: .TM, string: time.dicomString)
    }

    /// Sets a DT element, padded with a space when the text is odd.
    public mutating func set(_ tag: Tag, dateTime: DICOMDateTime) {
        try? set(tag, vr: .DT, string: dateTime.dicomString)
    }

    /// Sets a PN element. Throws `DICOMError.encoding` for characters the character set cannot
    /// hold.
    public mutating func set(_ tag: Tag, personNames: [PersonName], inheriting parent: SpecificCharacterSet = .default) throws {
        try set(tag, vr: .PN, strings: personNames.map(\.dicomString), inheriting: parent)
    }

    /// Sets a sequence element (VR SQ) with `items`, written with undefined length by default.
    public mutating func setSequence(_ tag: Tag, items: [DataSet]) {
        self[tag] = DataElement(tag: tag, items: items)
    }
}
