import DICOM

/// DIMSE command field values (PS3.7 §E.1, Table E.1-1).
public enum CommandField: UInt16, Sendable {
    case cStoreRQ = 0x0001, cStoreRSP = 0x8001
    case cGetRQ = 0x0010, cGetRSP = 0x8010
    case cFindRQ = 0x0020, cFindRSP = 0x8020
    case cMoveRQ = 0x0021, cMoveRSP = 0x8021
    case cEchoRQ = 0x0030, cEchoRSP = 0x8030
    case nEventReportRQ = 0x0100, nEventReportRSP = 0x8100
    case nGetRQ = 0x0110, nGetRSP = 0x8110
    case nSetRQ = 0x0120, nSetRSP = 0x8120
    case nActionRQ = 0x0130, nActionRSP = 0x8130
    case nCreateRQ = 0x0140, nCreateRSP = 0x8140
    case nDeleteRQ = 0x0150, nDeleteRSP = 0x8150
    case cCancelRQ = 0x0FFF

    public var isResponse: Bool { rawValue & 0x8000 != 0 }

    public var name: String {
        switch self {
        case .cStoreRQ: return "C-STORE-RQ"
        case .cStoreRSP: return "C-STORE-RSP"
        case .cGetRQ: return "C-GET-RQ"
        case .cGetRSP: return "C-GET-RSP"
        case .cFindRQ: return "C-FIND-RQ"
        case .cFindRSP: return "C-FIND-RSP"
        case .cMoveRQ: return "C-MOVE-RQ"
        case .cMoveRSP: return "C-MOVE-RSP"
        case .cEchoRQ: return "C-ECHO-RQ"
        case .cEchoRSP: return "C-ECHO-RSP"
        case .cCancelRQ: return "C-CANCEL-RQ"
        default: return "N-" + String(rawValue, radix: 16)
        }
    }
}

/// Tags of the command group (PS3.7 §E.1).
public enum CommandTag {
    public static let groupLength = Tag(0x0000, 0x0000)
    public static let affectedSOPClassUID = Tag(0x0000, 0x0002)
    public static let requestedSOPClassUID = Tag(0x0000, 0x0003)
    public static let commandField = Tag(0x0000, 0x0100)
    public static let messageID = Tag(0x0000, 0x0110)
    public static let messageIDBeingRespondedTo = Tag(0x0000, 0x0120)
    public static let moveDestination = Tag(0x0000, 0x0600)
    public static let priority = Tag(0x0000, 0x0700)
    public static let commandDataSetType = Tag(0x0000, 0x0800)
    public static let status = Tag(0x0000, 0x0900)
    public static let offendingElement = Tag(0x0000, 0x0901)
    public static let errorComment = Tag(0x0000, 0x0902)
    public static let errorID = Tag(0x0000, 0x0903)
    public static let affectedSOPInstanceUID = Tag(0x0000, 0x1000)
    public static let requestedSOPInstanceUID = Tag(0x0000, 0x1001)
    public static let remainingSubOperations = Tag(0x0000, 0x1020)
    public static let completedSubOperations = Tag(0x0000, 0x1021)
    public static let failedSubOperations = Tag(0x0000, 0x1022)
    public static let warningSubOperations = Tag(0x0000, 0x1023)
    public static let moveOriginatorAETitle = Tag(0x0000, 0x1030)
    public static let moveOriginatorMessageID = Tag(0x0000, 0x1031)
}

/// A DIMSE command set: group 0000 elements, always implicit VR little endian with a group
/// length (PS3.7 §6.3.1, §E.1).
public struct DIMSECommand: Sendable, Equatable {
    public var elements: DataSet

    public init(_ elements: DataSet = DataSet()) { self.elements = elements }

    /// Value of CommandDataSetType meaning "no data set follows" (PS3.7 §E.1).
    public static let noDataSet: UInt16 = 0x0101

    public init(field: CommandField, messageID: UInt16? = nil, respondingTo: UInt16? = nil, sopClassUID: String?, hasDataSet: Bool) {
        self.init()
        setUInt16(CommandTag.commandField, field.rawValue)
        if let m = messageID { setUInt16(CommandTag.messageID, m) }
        if let r = respondingTo { setUInt16(CommandTag.messageIDBeingRespondedTo, r) }
        if let s = sopClassUID { setString(CommandTag.affectedSOPClassUID, s, vr: .UI) }
        setUInt16(CommandTag.commandDataSetType, hasDataSet ? 0x0000 : Self.noDataSet)
    }

    // MARK: typed access

    public func uint16(_ tag: Tag) -> UInt16? {
        guard let b = elements[tag]?.bytes, b.count >= 2 else { return nil }
        return UInt16(b[0]) | UInt16(b[1]) << 8
    }

    public func string(_ tag: Tag) -> String? {
        guard let e = elements[tag] else { return nil }
        return String(decoding: e.bytes.array, as: UTF8.self).trimmingDICOMPadding()
    }

    public mutating func setUInt16(_ tag: Tag, _ v: UInt16) {
        elements[tag] = DataElement(tag: tag, vr: .US, bytes: [UInt8(v & 0xFF), UInt8(v >> 8)])
    }

    public mutating func setString(_ tag: Tag, _ s: String, vr: VR) {
        var b = Array(s.utf8)
        if b.count % 2 == 1 { b.append(vr == .UI ? 0 : 0x20) }
        elements[tag] = DataElement(tag: tag, vr: vr, bytes: b)
    }

    public var field: CommandField? { uint16(CommandTag.commandField).flatMap(CommandField.init(rawValue:)) }
    public var messageID: UInt16? { uint16(CommandTag.messageID) }
    public var messageIDBeingRespondedTo: UInt16? { uint16(CommandTag.messageIDBeingRespondedTo) }
    public var hasDataSet: Bool { uint16(CommandTag.commandDataSetType).map { $0 != Self.noDataSet } ?? false }
    public var affectedSOPClassUID: String? { string(CommandTag.affectedSOPClassUID) }
    public var affectedSOPInstanceUID: String? { string(CommandTag.affectedSOPInstanceUID) }
    public var moveDestination: String? { string(CommandTag.moveDestination) }
    public var status: DIMSEStatus? { uint16(CommandTag.status).map(DIMSEStatus.init(rawValue:)) }
    public var errorComment: String? { string(CommandTag.errorComment) }
    public var priority: UInt16 { uint16(CommandTag.priority) ?? 0 }

    /// Sub-operation counts of C-MOVE/C-GET responses (PS3.7 §9.3.4.2, §9.3.3.2).
    public var subOperations: SubOperations {
        SubOperations(remaining: uint16(CommandTag.remainingSubOperations).map(Int.init),
                      completed: Int(uint16(CommandTag.completedSubOperations) ?? 0),
                      failed: Int(uint16(CommandTag.failedSubOperations) ?? 0),
                      warning: Int(uint16(CommandTag.warningSubOperations) ?? 0))
    }

    public mutating func setSubOperations(_ s: SubOperations) {
        if let r = s.remaining { setUInt16(CommandTag.remainingSubOperations, UInt16(clamping: r)) }
        setUInt16(CommandTag.completedSubOperations, UInt16(clamping: s.completed))
        setUInt16(CommandTag.failedSubOperations, UInt16(clamping: s.failed))
        setUInt16(CommandTag.warningSubOperations, UInt16(clamping: s.warning))
    }

    // MARK: encoding

    /// Implicit VR little endian, with (0000,0000) computed over the rest.
    public func encoded() -> [UInt8] {
        var body = elements
        body.remove(CommandTag.groupLength)
        var w = DataSetWriter(explicitVR: false, bigEndian: false)
        try? w.write(body)  // command elements are plain values: writing cannot fail
        let n = UInt32(w.bytes.count)
        var out: [UInt8] = [0, 0, 0, 0, 4, 0, 0, 0]
        out += [UInt8(n & 0xFF), UInt8((n >> 8) & 0xFF), UInt8((n >> 16) & 0xFF), UInt8(n >> 24)]
        out += w.bytes
        return out
    }

    public static func decode(_ bytes: [UInt8]) throws -> DIMSECommand {
        let view = ByteView(bytes)
        let ds = try DataSetReader(view, explicitVR: false, bigEndian: false, options: ReadOptions(maxDepth: 1)).readDataSet(view)
        guard ds.elements.allSatisfy({ $0.tag.group == 0 }) else {
            throw DICOMError.malformed(offset: 0, reason: "command set holds elements outside group 0000")
        }
        let c = DIMSECommand(ds)
        guard c.field != nil else {
            throw DICOMError.malformed(offset: 0, reason: "command set has no known Command Field (0000,0100)")
        }
        return c
    }

    /// One line for the DICOM log.
    public var summary: String {
        var parts = [field?.name ?? "unknown command"]
        if let m = messageID { parts.append("id=\(m)") }
        if let r = messageIDBeingRespondedTo { parts.append("re=\(r)") }
        if let s = status { parts.append("status=\(s.hex)") }
        if let c = affectedSOPClassUID { parts.append("class=\(c)") }
        if let i = affectedSOPInstanceUID { parts.append("instance=\(i)") }
        if let d = moveDestination { parts.append("dest=\(d)") }
        if hasDataSet { parts.append("with data set") }
        return parts.joined(separator: " ")
    }
}

/// Sub-operation counts of a C-MOVE or C-GET.
public struct SubOperations: Sendable, Equatable {
    public var remaining: Int?
    public var completed: Int
    public var failed: Int
    public var warning: Int

    public init(remaining: Int? = nil, completed: Int = 0, failed: Int = 0, warning: Int = 0) {
        self.remaining = remaining
        self.completed = completed
        self.failed = failed
        self.warning = warning
    }
}
