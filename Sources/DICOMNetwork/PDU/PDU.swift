/// The seven protocol data units of the DICOM upper layer (PS3.8 §9.3), types 0x01–0x07.
public enum PDU: Sendable, Hashable {
    case associateRQ(AssociateRQ)
    case associateAC(AssociateAC)
    case associateRJ(AssociateRJ)
    case pData(PDataTF)
    case releaseRQ
    case releaseRP
    case abort(AAbort)

    public var type: UInt8 {
        switch self {
        case .associateRQ: return 0x01
        case .associateAC: return 0x02
        case .associateRJ: return 0x03
        case .pData: return 0x04
        case .releaseRQ: return 0x05
        case .releaseRP: return 0x06
        case .abort: return 0x07
        }
    }

    public var name: String {
        switch self {
        case .associateRQ: return "A-ASSOCIATE-RQ"
        case .associateAC: return "A-ASSOCIATE-AC"
        case .associateRJ: return "A-ASSOCIATE-RJ"
        case .pData: return "P-DATA-TF"
        case .releaseRQ: return "A-RELEASE-RQ"
        case .releaseRP: return "A-RELEASE-RP"
        case .abort: return "A-ABORT"
        }
    }

    /// Largest A-ASSOCIATE-RQ/AC accepted: real ones are a few kilobytes.
    public static let maxAssociatePDULength = 1 << 20

    /// The whole PDU: type, reserved, 32-bit big-endian length, body.
    public func encoded() -> [UInt8] {
        let body: [UInt8]
        switch self {
        case let .associateRQ(rq): body = rq.body()
        case let .associateAC(ac): body = ac.body()
        case let .associateRJ(rj): body = rj.body()
        case let .pData(p): body = p.body()
        case .releaseRQ, .releaseRP: body = [0, 0, 0, 0]
        case let .abort(a): body = a.body()
        }
        var w = PDUWriter()
        w.u8(type); w.u8(0); w.u32(UInt32(body.count))
        w.bytes.append(contentsOf: body)
        return w.bytes
    }

    /// The limit on the body length of a PDU of `type`, given the largest P-DATA-TF we
    /// announced (0 = none announced: then 16 MiB protects the host).
    public static func lengthLimit(type: UInt8, maxPDataLength: UInt32) -> Int {
        switch type {
        case 0x01, 0x02: return maxAssociatePDULength
        case 0x04: return maxPDataLength == 0 ? 16 << 20 : Int(maxPDataLength)
        default: return 64
        }
    }

    /// Decodes a PDU body of `type` (the 6-byte header already read and checked).
    public static func decode(type: UInt8, body: [UInt8]) throws(PDUError) -> PDU {
        var r = PDUReader(body, base: 6)
        let pdu: PDU
        switch type {
        case 0x01: pdu = .associateRQ(try AssociateRQ.decode(&r))
        case 0x02: pdu = .associateAC(try AssociateAC.decode(&r))
        case 0x03: pdu = .associateRJ(try AssociateRJ.decode(&r))
        case 0x04: pdu = .pData(try PDataTF.decode(&r))
        case 0x05:
            try r.skip(4, "reserved"); pdu = .releaseRQ
        case 0x06:
            try r.skip(4, "reserved"); pdu = .releaseRP
        case 0x07: pdu = .abort(try AAbort.decode(&r))
        default: throw PDUError.unrecognizedPDU(type: type)
        }
        return pdu
    }

    /// Parses the 6-byte PDU header: type and body length, checked against `lengthLimit`.
    public static func header(_ h: [UInt8], maxPDataLength: UInt32) throws(PDUError) -> (type: UInt8, length: Int) {
        guard h.count >= 6 else { throw PDUError.malformed(offset: 0, reason: "PDU header of \(h.count) bytes") }
        let type = h[0]
        guard (0x01...0x07).contains(type) else { throw PDUError.unrecognizedPDU(type: type) }
        let length = Int(UInt32(h[2]) << 24 | UInt32(h[3]) << 16 | UInt32(h[4]) << 8 | UInt32(h[5]))
        // A P-DATA-TF may carry PDV headers on top of the announced maximum (PS3.8 §9.3.5 counts
        // the whole PDU; some peers count only the values), so allow a small margin.
        let limit = lengthLimit(type: type, maxPDataLength: maxPDataLength) + (type == 0x04 ? 1024 : 0)
        guard length <= limit else { throw PDUError.tooLarge(type: type, length: length, limit: limit) }
        return (type, length)
    }
}
