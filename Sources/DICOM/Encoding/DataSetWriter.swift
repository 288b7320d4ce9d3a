/// Encodes data sets (PS3.5 §7) in one transfer syntax into a growing byte buffer.
///
/// Element header layouts (PS3.5 §7.1.1–7.1.3):
///
/// | syntax                  | bytes                                                     |
/// |-------------------------|-----------------------------------------------------------|
/// | implicit VR             | group(2) element(2) length(4)                             |
/// | explicit VR, short VRs  | group(2) element(2) VR(2) length(2)                       |
/// | explicit VR, long VRs   | group(2) element(2) VR(2) 0000 length(4)                  |
/// | items and delimiters    | FFFE(2) E000/E00D/E0DD(2) length(4), never a VR           |
public struct DataSetWriter {
    public private(set) var bytes: [UInt8] = []
    let explicitVR: Bool
    let bigEndian: Bool

    public init(explicitVR: Bool, bigEndian: Bool, reservingCapacity: Int = 0) {
        self.explicitVR = explicitVR
        self.bigEndian = bigEndian
        bytes.reserveCapacity(reservingCapacity)
    }

    public init(transferSyntax ts: TransferSyntax, reservingCapacity: Int = 0) {
        self.init(explicitVR: ts.isExplicitVR, bigEndian: ts.isBigEndian, reservingCapacity: reservingCapacity)
    }

    @inline(__always) mutating func put16(_ v: UInt16) {
        let x = bigEndian ? v.bigEndian : v.littleEndian
        bytes.append(UInt8(truncatingIfNeeded: x)); bytes.append(UInt8(truncatingIfNeeded: x >> 8))
    }
    @inline(__always) mutating func put32(_ v: UInt32) {
        let x = bigEndian ? v.bigEndian : v.littleEndian
        withUnsafeBytes(of: x) { bytes.append(contentsOf: $0) }
    }
    mutating func putTag(_ t: Tag) { put16(t.group); put16(t.element) }

    public mutating func write(_ ds: DataSet) throws {
        for e in ds.elements { try write(e) }
    }

    /// The VR that the header carries: a short-length VR whose value does not fit in 16 bits
    /// goes as UN (PS3.5 §6.2.2 note), which has a 32-bit length.
    func headerVR(_ e: DataElement, valueLength: Int) -> VR {
        if !e.vr.hasLongExplicitLength, valueLength > 0xFFFF { return .UN }
        return e.vr
    }

    mutating func writeHeader(_ tag: Tag, vr: VR, length: UInt32) {
        putTag(tag)
        if explicitVR {
            let (a, b) = vr.bytes
            bytes.append(a); bytes.append(b)
            if vr.hasLongExplicitLength {
                put16(0)
                put32(length)
            } else {
                put16(UInt16(truncatingIfNeeded: length))
            }
        } else {
            put32(length)
        }
    }

    public mutating func write(_ e: DataElement) throws {
        switch e.value {
        case let .bytes(v):
            guard v.count < 0xFFFF_FFFF else { throw DICOMError.encoding("\(e.tag) value of \(v.count) bytes is too long") }
            let vr = headerVR(e, valueLength: v.count)
            writeHeader(e.tag, vr: vr, length: UInt32(v.count))
            if bigEndian, let unit = e.vr.binaryUnitSize, unit > 1, vr == e.vr {
                bytes.append(contentsOf: DataSetReader.swapped(v, unit: unit))
            } else {
                v.withUnsafeBytes { bytes.append(contentsOf: $0) }
            }
        case let .sequence(items):
            if e.undefinedLength {
                writeHeader(e.tag, vr: .SQ, length: 0xFFFF_FFFF)
                for item in items {
                    putTag(.item); put32(0xFFFF_FFFF)
                    try write(item)
                    putTag(.itemDelimitationItem); put32(0)
                }
                putTag(.sequenceDelimitationItem); put32(0)
            } else {
                let lengths = try items.map { try Self.encodedLength(of: $0, explicitVR: explicitVR) }
                let total = lengths.reduce(0) { $0 + 8 + $1 }
                guard total < 0xFFFF_FFFF else { throw DICOMError.encoding("sequence \(e.tag) is too long for a defined length") }
                writeHeader(e.tag, vr: .SQ, length: UInt32(total))
                for (item, n) in zip(items, lengths) {
                    putTag(.item); put32(UInt32(n))
                    try write(item)
                }
            }
        case let .encapsulated(table, fragments):
            writeHeader(e.tag, vr: .OB, length: 0xFFFF_FFFF)
            for f in [table] + fragments {
                putTag(.item); put32(UInt32(f.count))
                f.withUnsafeBytes { bytes.append(contentsOf: $0) }
            }
            putTag(.sequenceDelimitationItem); put32(0)
        }
    }

    /// Bytes that `ds` takes when written with defined lengths for sequences of defined length
    /// and delimiters for those of undefined length (as `write` does).
    public static func encodedLength(of ds: DataSet, explicitVR: Bool) throws -> Int {
        var n = 0
        for e in ds.elements { n += try encodedLength(of: e, explicitVR: explicitVR) }
        return n
    }

    static func encodedLength(of e: DataElement, explicitVR: Bool) throws -> Int {
        func header(_ vr: VR) -> Int { explicitVR ? (vr.hasLongExplicitLength ? 12 : 8) : 8 }
        switch e.value {
        case let .bytes(v):
            let vr = (!e.vr.hasLongExplicitLength && v.count > 0xFFFF) ? VR.UN : e.vr
            return header(vr) + v.count
        case let .sequence(items):
            var n = header(.SQ)
            for item in items {
                n += 8 + (try encodedLength(of: item, explicitVR: explicitVR))
                if e.undefinedLength { n += 8 }
            }
            return n + (e.undefinedLength ? 8 : 0)
        case let .encapsulated(table, fragments):
            return header(.OB) + ([table] + fragments).reduce(0) { $0 + 8 + $1.count } + 8
        }
    }
}
