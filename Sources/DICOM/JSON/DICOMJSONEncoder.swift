/// Called for a value that may go out of line as bulk data: returns the BulkDataURI to write
/// (PS3.18 F.2.6), or nil to write the value inline.
public typealias DICOMJSONBulkDataHandler = (_ path: AttributePath, _ element: DataElement) -> String?

/// Writes data sets in the DICOM JSON Model of PS3.18 Annex F.2.
///
/// - Attributes are keyed by `GGGGEEEE` in ascending order; group length elements (gggg,0000)
///   are left out (F.2.2). Each has a `"vr"` and at most one of `"Value"`, `"InlineBinary"`,
///   `"BulkDataURI"`; an attribute with an empty value has only `"vr"` (F.2.5).
/// - Text is decoded with the Specific Character Set in effect — the data set's own (0008,0005),
///   inherited by items that have none — and written as UTF-8, trimmed of padding
///   (`StringValues.trim`). Empty values among several are `null` (F.2.5).
/// - IS and DS values are JSON numbers, written with the digits of the data set so nothing is
///   lost; a value that is not a valid JSON number (`+5`, `.5`, `007`) is written as a string,
///   as F.2.3 permits. SV and UV values beyond ±2^53 are strings too, to keep their precision.
/// - FL and FD infinities and NaN, which JSON cannot express, are the strings "Infinity",
///   "-Infinity" and "NaN".
/// - PN values are objects with "Alphabetic", "Ideographic" and "Phonetic" members, empty
///   groups left out (F.2.2); AT values are "GGGGEEEE" strings.
/// - OB, OD, OF, OL, OV, OW and UN values are "InlineBinary" base64 (F.2.7) of the little
///   endian bytes. With a bulk data handler, a value of a VR that F.2.2 lets become bulk data
///   (DS, FL, FD, IS, LT, OB, OD, OF, OL, OV, OW, SL, SS, ST, SV, UC, UL, UN, US, UT, UV) and
///   longer than `bulkDataThreshold` bytes is offered to it first.
/// - Encapsulated (compressed) pixel data has no inline form in the model: it is offered to
///   the bulk data handler whatever its size, and without a handler (or when the handler returns
///   nil) the attribute is written with its "vr" only.
public struct DICOMJSONEncoder: Sendable {
    /// Values longer than this many bytes are offered to the bulk data handler.
    public var bulkDataThreshold: Int

    public init(bulkDataThreshold: Int = 1024) {
        self.bulkDataThreshold = bulkDataThreshold
    }

    /// One data set as a JSON object, in UTF-8.
    public func encode(_ dataSet: DataSet, bulkData: DICOMJSONBulkDataHandler? = nil) -> [UInt8] {
        var w = DICOMJSONWriter(threshold: bulkDataThreshold, bulkData: bulkData)
        w.dataSet(dataSet, inherited: .default, steps: [])
        return w.out.bytes
    }

    /// One data set as a JSON object.
    public func encodeString(_ dataSet: DataSet, bulkData: DICOMJSONBulkDataHandler? = nil) -> String {
        String(decoding: encode(dataSet, bulkData: bulkData), as: UTF8.self)
    }

    /// Data sets as a JSON array of objects, as QIDO-RS and WADO-RS metadata responses carry
    /// them (PS3.18 F.2.1.1). The handler also receives the index of the data set.
    public func encode(_ dataSets: [DataSet], bulkData: ((Int, AttributePath, DataElement) -> String?)? = nil) -> [UInt8] {
        var out = JSONOutput()
        out.raw("[")
        for (i, ds) in dataSets.enumerated() {
            if i > 0 { out.raw(",") }
            var w = DICOMJSONWriter(threshold: bulkDataThreshold, bulkData: bulkData.map { h in { h(i, $0, $1) } })
            swap(&w.out, &out)
            w.dataSet(ds, inherited: .default, steps: [])
            swap(&w.out, &out)
        }
        out.raw("]")
        return out.bytes
    }

    /// Data sets as a JSON array of objects.
    public func encodeString(_ dataSets: [DataSet], bulkData: ((Int, AttributePath, DataElement) -> String?)? = nil) -> String {
        String(decoding: encode(dataSets, bulkData: bulkData), as: UTF8.self)
    }
}

/// The recursive writer behind `DICOMJSONEncoder`.
struct DICOMJSONWriter {
    var out = JSONOutput()
    let threshold: Int
    let bulkData: DICOMJSONBulkDataHandler?

    init(threshold: Int, bulkData: DICOMJSONBulkDataHandler?) {
        self.threshold = threshold
        self.bulkData = bulkData
    }

    mutating func dataSet(_ ds: DataSet, inherited: SpecificCharacterSet, steps: [AttributePath.Step]) {
        let cs = ds.specificCharacterSet(inheriting: inherited)
        let text = TextContext(characterSet: cs, asciiBase: JSONTextValues.hasASCIIBase(cs), isUTF8: JSONTextValues.isUTF8(cs))
        out.raw("{")
        var first = true
        for e in ds where !e.tag.isGroupLength && !e.tag.isDelimiter {
            if !first { out.raw(",") }
            first = false
            out.key(e.tag)
            element(e, text: text, steps: steps)
        }
        out.raw("}")
    }

    /// The character set of a data set, whether its printable ASCII bytes are ASCII, and
    /// whether it is UTF-8.
    struct TextContext {
        let characterSet: SpecificCharacterSet
        let asciiBase: Bool
        let isUTF8: Bool
    }

    mutating func element(_ e: DataElement, text: TextContext, steps: [AttributePath.Step]) {
        switch e.value {
        case let .sequence(items):
            out.raw("{\"vr\":\"SQ\"")
            if !items.isEmpty {
                out.raw(",\"Value\":[")
                for (i, item) in items.enumerated() {
                    if i > 0 { out.raw(",") }
                    dataSet(item, inherited: text.characterSet, steps: steps + [AttributePath.Step(sequence: e.tag, item: i)])
                }
                out.raw("]")
            }
        case .encapsulated:
            vr(e.vr)
            if let uri = bulkData?(AttributePath(e.tag, steps: steps), e) { bulkDataURI(uri) }
        case let .bytes(b):
            // A sequence kept as raw bytes (not parsed) can only be written as unknown bytes.
            let vr = e.vr == .SQ && b.count > 0 ? VR.UN : e.vr
            self.vr(vr)
            if b.count == 0 { break }
            if b.count > threshold, DICOMJSONWriter.mayBeBulkData(vr), let bulkData,
               let uri = bulkData(AttributePath(e.tag, steps: steps), e) {
                bulkDataURI(uri)
            } else {
                value(b, vr: vr, text: text)
            }
        }
        out.raw("}")
    }

    private mutating func vr(_ vr: VR) {
        out.raw("{\"vr\":\"")
        out.raw(vr.rawValue.utf8)
        out.raw("\"")
    }

    private mutating func bulkDataURI(_ uri: String) {
        out.raw(",\"BulkDataURI\":")
        out.string(uri)
    }

    /// The VRs whose value F.2.2 lets a BulkDataURI replace.
    static func mayBeBulkData(_ vr: VR) -> Bool {
        switch vr {
        case .DS, .FL, .FD, .IS, .LT, .OB, .OD, .OF, .OL, .OV, .OW, .SL, .SS, .ST, .SV, .UC, .UL, .UN, .US, .UT, .UV:
            return true
        default: return false
        }
    }

    /// The "Value" or "InlineBinary" member of a non-empty value.
    private mutating func value(_ b: ByteView, vr: VR, text context: TextContext) {
        switch vr {
        case .OB, .OD, .OF, .OL, .OV, .OW, .UN, .SQ:
            out.raw(",\"InlineBinary\":\"")
            b.withUnsafeBytes { Base64.encode($0, into: &out.bytes) }
            out.raw("\"")
        case .AT:
            let tags = b.withUnsafeBytes { Tag.tags(fromLittleEndian: $0) }
            numbers(tags) { $0.tagString($1) }
        case .US: numbers(BinaryValues.integers(b, as: UInt16.self)) { $0.unsigned(UInt64($1)) }
        case .SS: numbers(BinaryValues.integers(b, as: Int16.self)) { $0.integer(Int64($1)) }
        case .UL: numbers(BinaryValues.integers(b, as: UInt32.self)) { $0.unsigned(UInt64($1)) }
        case .SL: numbers(BinaryValues.integers(b, as: Int32.self)) { $0.integer(Int64($1)) }
        case .SV:
            numbers(BinaryValues.integers(b, as: Int64.self)) { o, v in
                if v.magnitude <= 1 << 53 { o.integer(v) } else { o.bytes.append(0x22); o.integer(v); o.bytes.append(0x22) }
            }
        case .UV:
            numbers(BinaryValues.integers(b, as: UInt64.self)) { o, v in
                if v <= 1 << 53 { o.unsigned(v) } else { o.bytes.append(0x22); o.unsigned(v); o.bytes.append(0x22) }
            }
        case .FL:
            numbers(BinaryValues.floats(b)) { $0.floatingPoint($1.description, isFinite: $1.isFinite, isNaN: $1.isNaN, sign: $1.sign) }
        case .FD:
            numbers(BinaryValues.doubles(b)) { $0.floatingPoint($1.description, isFinite: $1.isFinite, isNaN: $1.isNaN, sign: $1.sign) }
        default:
            text(b, vr: vr, context)
        }
    }

    /// `,"Value":[…]` with one entry per value, or nothing without values.
    private mutating func numbers<T>(_ values: [T], _ write: (inout JSONOutput, T) -> Void) {
        guard !values.isEmpty else { return }
        out.raw(",\"Value\":[")
        for (i, v) in values.enumerated() {
            if i > 0 { out.raw(",") }
            write(&out, v)
        }
        out.raw("]")
    }

    private static let groupNames: [StaticString] = ["\"Alphabetic\":", "\"Ideographic\":", "\"Phonetic\":"]

    private mutating func text(_ b: ByteView, vr: VR, _ context: TextContext) {
        let values = JSONTextValues.utf8Values(b, vr: vr, characterSet: context.characterSet,
                                                    asciiBase: context.asciiBase, isUTF8: context.isUTF8)
        if values.isEmpty || (values.count == 1 && values[0].isEmpty) { return }
        out.raw(",\"Value\":[")
        for (i, v) in values.enumerated() {
            if i > 0 { out.raw(",") }
            if v.isEmpty {
                out.raw("null")
                continue
            }
            switch vr {
            case .PN:
                let groups = v.split(separator: 0x3D, maxSplits: 2, omittingEmptySubsequences: false)
                guard groups.contains(where: { !$0.isEmpty }) else {
                    out.raw("null")
                    continue
                }
                out.raw("{")
                var first = true
                for (g, group) in groups.enumerated() where !group.isEmpty {
                    if !first { out.raw(",") }
                    first = false
                    out.raw(DICOMJSONWriter.groupNames[g])
                    out.string(utf8: group)
                }
                out.raw("}")
            case .IS, .DS:
                if JSONOutput.isNumber(v) { out.raw(v) } else { out.string(utf8: v) }
            default:
                out.string(utf8: v)
            }
        }
        out.raw("]")
    }
}
