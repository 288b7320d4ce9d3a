/// A DIMSE status code (PS3.7 Annex C, and the service-specific codes of PS3.4).
public struct DIMSEStatus: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public init(_ raw: UInt16) { rawValue = raw }

    public enum Category: String, Sendable { case success, pending, cancel, warning, failure }

    // PS3.7 C.1–C.5 and PS3.4 Tables B.2-1, C.4-1…C.4-3.
    public static let success = DIMSEStatus(0x0000)
    public static let pending = DIMSEStatus(0xFF00)
    /// C-FIND pending: one or more optional keys were not supported.
    public static let pendingWithWarning = DIMSEStatus(0xFF01)
    public static let cancel = DIMSEStatus(0xFE00)
    /// C-MOVE/C-GET: sub-operations complete, one or more failures or warnings.
    public static let subOperationsCompleteWithFailures = DIMSEStatus(0xB000)
    public static let coercionOfDataElements = DIMSEStatus(0xB000)
    public static let elementsDiscarded = DIMSEStatus(0xB006)
    public static let dataSetDoesNotMatchSOPClass = DIMSEStatus(0xB007)
    public static let refusedOutOfResources = DIMSEStatus(0xA700)
    public static let refusedOutOfResourcesMatches = DIMSEStatus(0xA701)
    public static let refusedOutOfResourcesSubOperations = DIMSEStatus(0xA702)
    /// C-MOVE: the move destination is unknown.
    public static let moveDestinationUnknown = DIMSEStatus(0xA801)
    public static let identifierDoesNotMatchSOPClass = DIMSEStatus(0xA900)
    public static let dataSetDoesNotMatchSOPClassError = DIMSEStatus(0xA900)
    public static let unableToProcess = DIMSEStatus(0xC000)
    public static let cannotUnderstand = DIMSEStatus(0xC000)
    public static let sopClassNotSupported = DIMSEStatus(0x0122)
    public static let classInstanceConflict = DIMSEStatus(0x0119)
    public static let duplicateInvocation = DIMSEStatus(0x0210)
    public static let invalidArgumentValue = DIMSEStatus(0x0115)
    public static let mistypedArgument = DIMSEStatus(0x0212)
    public static let unrecognizedOperation = DIMSEStatus(0x0211)
    public static let notAuthorized = DIMSEStatus(0x0124)
    public static let processingFailure = DIMSEStatus(0x0110)

    public var category: Category {
        switch rawValue {
        case 0x0000: return .success
        case 0xFF00, 0xFF01: return .pending
        case 0xFE00: return .cancel
        case 0x0001, 0x0107, 0x0116, 0xB000...0xBFFF: return .warning
        default: return .failure
        }
    }

    public var isSuccess: Bool { rawValue == 0 }
    public var isPending: Bool { category == .pending }
    public var isFinal: Bool { !isPending }

    public var hex: String {
        let s = String(rawValue, radix: 16, uppercase: true)
        return "0x" + String(repeating: "0", count: 4 - s.count) + s
    }

    public var description: String {
        let name: String
        switch rawValue {
        case 0x0000: name = "Success"
        case 0xFF00: name = "Pending"
        case 0xFF01: name = "Pending (optional keys not supported)"
        case 0xFE00: name = "Cancel"
        case 0xB000: name = "Warning (sub-operations complete with failures / coercion)"
        case 0xB006: name = "Warning (elements discarded)"
        case 0xB007: name = "Warning (data set does not match SOP class)"
        case 0xA700...0xA7FF: name = "Refused: out of resources"
        case 0xA801: name = "Refused: move destination unknown"
        case 0xA900...0xA9FF: name = "Error: data set does not match SOP class"
        case 0xC000...0xCFFF: name = "Error: cannot understand"
        case 0x0122: name = "Refused: SOP class not supported"
        case 0x0124: name = "Refused: not authorized"
        case 0x0110: name = "Processing failure"
        case 0x0211: name = "Unrecognized operation"
        default: name = category.rawValue
        }
        return "\(hex) \(name)"
    }
}
