/// A-ABORT PDU (type 0x07), PS3.8 §9.3.8, Table 9-26.
public struct AAbort: Sendable, Hashable, CustomStringConvertible {
    /// 0: DICOM UL service-user; 2: DICOM UL service-provider (1 is reserved).
    public enum Source: UInt8, Sendable { case serviceUser = 0, reserved = 1, serviceProvider = 2 }

    /// Meaningful when the source is the service provider; 0 otherwise.
    public enum Reason: UInt8, Sendable {
        case notSpecified = 0
        case unrecognizedPDU = 1
        case unexpectedPDU = 2
        case unrecognizedPDUParameter = 4
        case unexpectedPDUParameter = 5
        case invalidPDUParameterValue = 6
    }

    public var source: Source
    public var reason: Reason

    public init(source: Source, reason: Reason = .notSpecified) {
        self.source = source
        self.reason = reason
    }

    public var description: String {
        switch source {
        case .serviceUser: return "aborted by the peer"
        case .reserved: return "aborted (reserved source)"
        case .serviceProvider: return "aborted by the peer's DICOM layer: \(reason)"
        }
    }

    func body() -> [UInt8] { [0, 0, source.rawValue, reason.rawValue] }

    static func decode(_ r: inout PDUReader) throws(PDUError) -> AAbort {
        try r.skip(2, "reserved")
        let s = try r.u8("source"), reason = try r.u8("reason")
        return AAbort(source: Source(rawValue: s) ?? .serviceUser, reason: Reason(rawValue: reason) ?? .notSpecified)
    }
}
