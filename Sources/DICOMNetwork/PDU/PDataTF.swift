/// One presentation data value (PS3.8 §9.3.5.1, Annex E.2): a fragment of a command or data
/// set for one presentation context.
public struct PDV: Sendable, Hashable {
    public var contextID: UInt8
    /// Message control header bit 0.
    public var isCommand: Bool
    /// Message control header bit 1.
    public var isLast: Bool
    public var data: ArraySlice<UInt8>

    public init(contextID: UInt8, isCommand: Bool, isLast: Bool, data: ArraySlice<UInt8>) {
        self.contextID = contextID
        self.isCommand = isCommand
        self.isLast = isLast
        self.data = data
    }

    var header: UInt8 { (isCommand ? 1 : 0) | (isLast ? 2 : 0) }
}

/// P-DATA-TF PDU (type 0x04), PS3.8 §9.3.5, Table 9-22: one or more PDV items, each
/// `length(4) context-id(1) control-header(1) data`.
public struct PDataTF: Sendable, Hashable {
    public var values: [PDV]
    public init(values: [PDV]) { self.values = values }

    func body() -> [UInt8] {
        var w = PDUWriter()
        for v in values {
            w.u32(UInt32(v.data.count + 2))
            w.u8(v.contextID); w.u8(v.header)
            w.append(v.data)
        }
        return w.bytes
    }

    static func decode(_ r: inout PDUReader) throws(PDUError) -> PDataTF {
        var values: [PDV] = []
        while !r.atEnd {
            let start = r.pos
            let n = Int(try r.u32("PDV item length"))
            guard n >= 2 else { throw PDUError.malformed(offset: r.base + start, reason: "PDV item length \(n) is shorter than its header") }
            try r.need(n, "PDV item")
            let id = try r.u8("presentation context ID")
            let header = try r.u8("message control header")
            guard header & 0xFC == 0 else {
                throw PDUError.malformed(offset: r.base + start + 5, reason: "message control header 0x\(String(header, radix: 16)) has reserved bits set")
            }
            let data = try r.take(n - 2, "PDV data")
            values.append(PDV(contextID: id, isCommand: header & 1 == 1, isLast: header & 2 == 2, data: data))
        }
        guard !values.isEmpty else { throw PDUError.malformed(offset: r.base, reason: "P-DATA-TF without any PDV item") }
        return PDataTF(values: values)
    }
}
