/// A BulkDataURI met while decoding (PS3.18 F.2.6).
public struct BulkDataReference: Sendable, Hashable {
    public let path: AttributePath
    public let vr: VR
    public let uri: String

    public init(path: AttributePath, vr: VR, uri: String) {
        self.path = path
        self.vr = vr
        self.uri = uri
    }
}

/// Returns the value bytes behind a BulkDataURI (little endian for binary VRs, encoded text for
/// string VRs, stored as given), or nil to leave the attribute out of the data set.
public typealias DICOMJSONBulkDataResolver = (_ reference: BulkDataReference) throws -> [UInt8]?

/// Reads the DICOM JSON Model of PS3.18 Annex F.2 into data sets.
///
/// - Input is untrusted: its size and nesting depth are bounded, and every problem is thrown as
///   `DICOMError.malformed` — with the byte offset for JSON syntax, and with offset 0 and a
///   reason naming the attribute (`key 00081115/0/00081150: …`) for the model.
/// - Keys must be eight hex digits; "vr" must name a VR; at most one of "Value",
///   "InlineBinary", "BulkDataURI"; no other members. Group length keys (gggg,0000) are skipped.
/// - Text is encoded with the data set's Specific Character Set (0008,0005) when the JSON has
///   one (items inherit it, F.2.2 note 3). Without one, text is encoded as UTF-8 and, if any of
///   it is not ASCII, (0008,0005) "ISO_IR 192" is added to the top-level data set.
/// - Values are padded to even length with the VR's padding byte. IS and DS numbers keep the
///   digits written when they form a valid value; otherwise IS takes the integer and DS the
///   `DecimalString.format` text (at most 16 characters). Strings are accepted for IS, DS, SV
///   and UV (F.2.3); "NaN", "Infinity" and "-Infinity" strings for FL and FD.
/// - "InlineBinary" is decoded from base64 for any VR but SQ (the bytes are stored as given).
/// - "BulkDataURI" values are passed to the resolver; without one, or when it returns nil, the
///   attribute is left out of the data set (the resolver can record the references it declines).
public struct DICOMJSONDecoder: Sendable {
    /// The deepest nesting of JSON arrays and objects accepted; each sequence level takes three.
    public var maximumDepth: Int
    /// The largest input accepted, in bytes.
    public var maximumInputSize: Int

    public init(maximumDepth: Int = 128, maximumInputSize: Int = 256 << 20) {
        self.maximumDepth = maximumDepth
        self.maximumInputSize = maximumInputSize
    }

    /// Decodes one JSON object.
    public func decode(_ json: [UInt8], bulkData: DICOMJSONBulkDataResolver? = nil) throws -> DataSet {
        guard case let .object(members) = try parse(json) else {
            throw DICOMError.malformed(offset: 0, reason: "DICOM JSON: expected an object at the top level")
        }
        var builder = DICOMJSONBuilder(resolver: bulkData)
        return try builder.topLevel(members)
    }

    public func decode(_ json: String, bulkData: DICOMJSONBulkDataResolver? = nil) throws -> DataSet {
        try decode(Array(json.utf8), bulkData: bulkData)
    }

    /// Decodes a JSON array of objects, as QIDO-RS and WADO-RS metadata responses carry them
    /// (PS3.18 F.2.1.1). The resolver also receives the index of the data set.
    public func decodeArray(_ json: [UInt8], bulkData: ((Int, BulkDataReference) throws -> [UInt8]?)? = nil) throws -> [DataSet] {
        guard case let .array(values) = try parse(json) else {
            throw DICOMError.malformed(offset: 0, reason: "DICOM JSON: expected an array at the top level")
        }
        return try values.enumerated().map { index, value in
            guard case let .object(members) = value else {
                throw DICOMError.malformed(offset: 0, reason: "DICOM JSON: array element \(index): expected an object, found \(value.typeName)")
            }
            var builder = DICOMJSONBuilder(resolver: bulkData.map { r in { try r(index, $0) } })
            return try builder.topLevel(members)
        }
    }

    public func decodeArray(_ json: String, bulkData: ((Int, BulkDataReference) throws -> [UInt8]?)? = nil) throws -> [DataSet] {
        try decodeArray(Array(json.utf8), bulkData: bulkData)
    }

    private func parse(_ json: [UInt8]) throws -> JSONValue {
        guard json.count <= maximumInputSize else {
            throw DICOMError.malformed(offset: 0, reason: "DICOM JSON: input of \(json.count) bytes exceeds the limit of \(maximumInputSize)")
        }
        return try JSONParser.parse(json, maximumDepth: maximumDepth)
    }
}

/// Builds data sets from parsed JSON; the per-VR conversions are in DICOMJSONBuilder+Values.
struct DICOMJSONBuilder {
    let resolver: DICOMJSONBulkDataResolver?
    /// Set when text that is not ASCII was encoded as UTF-8 under no declared character set.
    var usedImplicitUTF8 = false

    init(resolver: DICOMJSONBulkDataResolver?) {
        self.resolver = resolver
    }

    func fail(_ path: AttributePath, _ reason: String) -> DICOMError {
        .malformed(offset: 0, reason: "DICOM JSON: key \(path): \(reason)")
    }

    mutating func topLevel(_ members: [JSONMember]) throws -> DataSet {
        var ds = try dataSet(members, inherited: nil, steps: [])
        if usedImplicitUTF8 && !ds.contains(ValueTags.specificCharacterSet) {
            ds[ValueTags.specificCharacterSet] = DataElement(tag: ValueTags.specificCharacterSet, vr: .CS, bytes: Array("ISO_IR 192".utf8))
        }
        return ds
    }

    /// `inherited` is the character set of the enclosing data set, nil when none was declared.
    mutating func dataSet(_ members: [JSONMember], inherited: SpecificCharacterSet?, steps: [AttributePath.Step]) throws -> DataSet {
        let own = members.first { DICOMJSONBuilder.tag(fromKey: $0.key) == ValueTags.specificCharacterSet }.flatMap { DICOMJSONBuilder.characterSet(from: $0.value) }
        let cs = own ?? inherited
        var ds = DataSet()
        var seen = Set<Tag>()
        for m in members {
            guard let tag = DICOMJSONBuilder.tag(fromKey: m.key) else {
                let item = steps.map { "\($0.sequence.jsonKey)/\($0.item)" }.joined(separator: "/")
                throw DICOMError.malformed(offset: 0, reason: "DICOM JSON: invalid key \"\(m.key.prefix(40))\""
                    + (item.isEmpty ? "" : " in item \(item)") + ": expected 8 hex digits")
            }
            let path = AttributePath(tag, steps: steps)
            guard seen.insert(tag).inserted else { throw fail(path, "duplicate key") }
            guard !tag.isDelimiter else { throw fail(path, "item and delimitation tags are not attributes") }
            if tag.isGroupLength { continue }  // F.2.2: never part of the model
            if let e = try element(tag, m.value, characterSet: cs, path: path) { ds.append(e) }
        }
        return ds
    }

    /// `GGGGEEEE`: exactly eight hex digits (upper case per F.2.1.1; lower case tolerated).
    static func tag(fromKey key: String) -> Tag? {
        let isHex = { (c: UInt8) in (0x30...0x39).contains(c) || (0x41...0x46).contains(c) || (0x61...0x66).contains(c) }
        guard key.utf8.count == 8, key.utf8.allSatisfy(isHex), let v = UInt32(key, radix: 16) else { return nil }
        return Tag(rawValue: v)
    }

    /// The character set named by a (0008,0005) attribute object, leniently: anything
    /// malformed is reported when the attribute itself is decoded.
    static func characterSet(from attribute: JSONValue) -> SpecificCharacterSet? {
        guard case let .object(fields) = attribute,
              case let .array(values)? = fields.first(where: { $0.key == "Value" })?.value else { return nil }
        var terms: [String] = []
        for v in values {
            switch v {
            case let .string(s): terms.append(s)
            case .null: terms.append("")
            default: return nil
            }
        }
        return SpecificCharacterSet(terms: terms)
    }

    /// One attribute object; nil when a BulkDataURI is left unresolved.
    mutating func element(_ tag: Tag, _ value: JSONValue, characterSet cs: SpecificCharacterSet?, path: AttributePath) throws -> DataElement? {
        guard case let .object(fields) = value else { throw fail(path, "expected an attribute object, found \(value.typeName)") }
        var vrName: String?
        var payload: (name: String, value: JSONValue)?
        for f in fields {
            switch f.key {
            case "vr":
                guard vrName == nil else { throw fail(path, "duplicate \"vr\"") }
                guard case let .string(s) = f.value else { throw fail(path, "\"vr\" must be a string, found \(f.value.typeName)") }
                vrName = s
            case "Value", "InlineBinary", "BulkDataURI":
                if let p = payload { throw fail(path, "both \"\(p.name)\" and \"\(f.key)\"") }
                payload = (f.key, f.value)
            default:
                throw fail(path, "unknown member \"\(f.key.prefix(40))\"")
            }
        }
        guard let vrName else { throw fail(path, "missing \"vr\"") }
        guard let vr = VR(rawValue: vrName) else { throw fail(path, "unknown VR \"\(vrName.prefix(10))\"") }
        guard let payload else {
            return vr == .SQ ? DataElement(tag: tag, items: []) : DataElement(tag: tag, vr: vr, bytes: [UInt8]())
        }
        switch payload.name {
        case "Value":
            guard case let .array(values) = payload.value else { throw fail(path, "\"Value\" must be an array, found \(payload.value.typeName)") }
            if vr == .SQ {
                var items: [DataSet] = []
                items.reserveCapacity(values.count)
                for (i, v) in values.enumerated() {
                    guard case let .object(members) = v else { throw fail(path, "item \(i) must be an object, found \(v.typeName)") }
                    items.append(try dataSet(members, inherited: cs, steps: path.steps + [AttributePath.Step(sequence: tag, item: i)]))
                }
                return DataElement(tag: tag, items: items)
            }
            return DataElement(tag: tag, vr: vr, bytes: try checkedLength(valueBytes(values, vr: vr, characterSet: cs, path: path), vr, path))
        case "InlineBinary":
            guard vr != .SQ else { throw fail(path, "\"InlineBinary\" is not allowed for SQ") }
            guard case let .string(text) = payload.value else { throw fail(path, "\"InlineBinary\" must be a string, found \(payload.value.typeName)") }
            guard let bytes = Base64.decode(text) else { throw fail(path, "\"InlineBinary\" is not valid base64") }
            if let unit = vr.binaryUnitSize, bytes.count % unit != 0 {
                throw fail(path, "\(bytes.count) bytes is not a multiple of \(unit) for VR \(vr)")
            }
            return DataElement(tag: tag, vr: vr, bytes: try checkedLength(bytes, vr, path))
        default:
            guard vr != .SQ else { throw fail(path, "\"BulkDataURI\" is not allowed for SQ") }
            guard case let .string(uri) = payload.value else { throw fail(path, "\"BulkDataURI\" must be a string, found \(payload.value.typeName)") }
            guard let resolver, let bytes = try resolver(BulkDataReference(path: path, vr: vr, uri: uri)) else { return nil }
            return DataElement(tag: tag, vr: vr, bytes: try checkedLength(bytes, vr, path))
        }
    }

    /// PS3.5 §7.1.2: VRs with a 16-bit length field hold at most 65 534 bytes (even length).
    func checkedLength(_ bytes: [UInt8], _ vr: VR, _ path: AttributePath) throws -> [UInt8] {
        if !vr.hasLongExplicitLength && bytes.count > 0xFFFE {
            throw fail(path, "value of \(bytes.count) bytes is too long for VR \(vr) (at most 65534)")
        }
        return bytes
    }
}
