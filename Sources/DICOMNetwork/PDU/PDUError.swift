/// A PDU that cannot be decoded (PS3.8 §9.3). The association that sent it is aborted with
/// A-ABORT source 2 (service provider) and the reason that fits (PS3.8 Table 9-26).
public enum PDUError: Error, Sendable, Equatable, CustomStringConvertible {
    case unrecognizedPDU(type: UInt8)
    case unexpectedPDU(type: UInt8)
    case malformed(offset: Int, reason: String)
    case tooLarge(type: UInt8, length: Int, limit: Int)

    public var description: String {
        switch self {
        case let .unrecognizedPDU(t): return "unrecognised PDU type 0x\(String(t, radix: 16))"
        case let .unexpectedPDU(t): return "unexpected PDU type 0x\(String(t, radix: 16))"
        case let .malformed(offset, reason): return "malformed PDU at offset \(offset): \(reason)"
        case let .tooLarge(t, n, limit): return "PDU type 0x\(String(t, radix: 16)) of \(n) bytes exceeds the limit of \(limit)"
        }
    }

    /// The A-ABORT reason/diagnostic for this error (PS3.8 Table 9-26).
    public var abortReason: AAbort.Reason {
        switch self {
        case .unrecognizedPDU: return .unrecognizedPDU
        case .unexpectedPDU: return .unexpectedPDU
        case .malformed: return .invalidPDUParameterValue
        case .tooLarge: return .invalidPDUParameterValue
        }
    }
}
