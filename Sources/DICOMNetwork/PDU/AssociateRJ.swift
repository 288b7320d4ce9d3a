/// A-ASSOCIATE-RJ PDU (type 0x03), PS3.8 §9.3.4, Table 9-21: result, source, reason.
public struct AssociateRJ: Sendable, Hashable, CustomStringConvertible {
    public enum Result: UInt8, Sendable { case permanent = 1, transient = 2 }

    /// Source and reason together, as PS3.8 Table 9-21 pairs them.
    public enum Reason: Sendable, Hashable {
        // source 1: DICOM UL service-user
        case noReasonGiven
        case applicationContextNameNotSupported
        case callingAETitleNotRecognized
        case calledAETitleNotRecognized
        // source 2: DICOM UL service-provider (ACSE related function)
        case noReasonGivenACSE
        case protocolVersionNotSupported
        // source 3: DICOM UL service-provider (presentation related function)
        case temporaryCongestion
        case localLimitExceeded
        /// Any other source/reason pair, kept as received.
        case other(source: UInt8, reason: UInt8)

        public var source: UInt8 {
            switch self {
            case .noReasonGiven, .applicationContextNameNotSupported, .callingAETitleNotRecognized, .calledAETitleNotRecognized: return 1
            case .noReasonGivenACSE, .protocolVersionNotSupported: return 2
            case .temporaryCongestion, .localLimitExceeded: return 3
            case let .other(s, _): return s
            }
        }

        public var code: UInt8 {
            switch self {
            case .noReasonGiven, .noReasonGivenACSE: return 1
            case .applicationContextNameNotSupported, .protocolVersionNotSupported, .localLimitExceeded: return 2
            case .callingAETitleNotRecognized: return 3
            case .calledAETitleNotRecognized: return 7
            case .temporaryCongestion: return 1
            case let .other(_, r): return r
            }
        }

        init(source: UInt8, reason: UInt8) {
            switch (source, reason) {
            case (1, 1): self = .noReasonGiven
            case (1, 2): self = .applicationContextNameNotSupported
            case (1, 3): self = .callingAETitleNotRecognized
            case (1, 7): self = .calledAETitleNotRecognized
            case (2, 1): self = .noReasonGivenACSE
            case (2, 2): self = .protocolVersionNotSupported
            case (3, 1): self = .temporaryCongestion
            case (3, 2): self = .localLimitExceeded
            default: self = .other(source: source, reason: reason)
            }
        }

        public var text: String {
            switch self {
            case .noReasonGiven, .noReasonGivenACSE: return "no reason given"
            case .applicationContextNameNotSupported: return "application context name not supported"
            case .callingAETitleNotRecognized: return "calling AE title not recognised"
            case .calledAETitleNotRecognized: return "called AE title not recognised"
            case .protocolVersionNotSupported: return "protocol version not supported"
            case .temporaryCongestion: return "temporary congestion"
            case .localLimitExceeded: return "local limit exceeded"
            case let .other(s, r): return "source \(s) reason \(r)"
            }
        }
    }

    public var result: Result
    public var reason: Reason

    public init(result: Result, reason: Reason) {
        self.result = result
        self.reason = reason
    }

    public var description: String {
        "\(result == .permanent ? "permanent" : "transient") rejection: \(reason.text) (source \(reason.source), reason \(reason.code))"
    }

    func body() -> [UInt8] { [0, result.rawValue, reason.source, reason.code] }

    static func decode(_ r: inout PDUReader) throws(PDUError) -> AssociateRJ {
        try r.skip(1, "reserved")
        let result = try r.u8("result")
        let source = try r.u8("source")
        let reason = try r.u8("reason")
        return AssociateRJ(result: result == 2 ? .transient : .permanent, reason: Reason(source: source, reason: reason))
    }
}
