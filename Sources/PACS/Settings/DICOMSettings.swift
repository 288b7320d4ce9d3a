import Archive

/// The DICOM server (SPEC §2, "Network Server Setup"; `/api/settings/dicom`).
public struct DICOMSettings: SettingsSection {
    public static let section = "dicom"
    public static let title = "DICOM server"
    public static let maxAssociationsRange = 1...1024

    /// 1–16 characters, no white space or control characters, no backslash; case-sensitive.
    public var aeTitle = "SWIFTPACS"
    /// 0–65535; 0: nothing listens.
    public var port = 11112
    /// Every PDU and DIMSE message to the DICOM log.
    public var debugMode = false
    /// Whether callers that are not known peers may C-STORE.
    public var acceptUnknownStorers = false
    /// Associations at once (1–1024); more callers are rejected (transient, reason 2).
    public var maxAssociations = 64
    /// A SOP Instance UID received again: keep the first, or replace it.
    public var duplicatePolicy: Archive.DuplicatePolicy = .keep

    public init() {}

    public init(aeTitle: String = "SWIFTPACS", port: Int = 11112, debugMode: Bool = false, acceptUnknownStorers: Bool = false,
                maxAssociations: Int = 64, duplicatePolicy: Archive.DuplicatePolicy = .keep) {
        self.aeTitle = aeTitle
        self.port = port
        self.debugMode = debugMode
        self.acceptUnknownStorers = acceptUnknownStorers
        self.maxAssociations = maxAssociations
        self.duplicatePolicy = duplicatePolicy
    }

    public var fields: [(name: String, value: SettingsValue)] {
        [("aeTitle", .string(aeTitle)), ("port", .int(port)), ("debugMode", .bool(debugMode)),
         ("acceptUnknownStorers", .bool(acceptUnknownStorers)), ("maxAssociations", .int(maxAssociations)),
         ("duplicatePolicy", .string(duplicatePolicy.rawValue))]
    }

    public mutating func set(_ field: String, _ value: SettingsValue) throws(SettingsError) {
        switch field {
        case "aeTitle": aeTitle = try SettingsRules.string(value, field)
        case "port": port = try SettingsRules.int(value, field)
        case "debugMode": debugMode = try SettingsRules.bool(value, field)
        case "acceptUnknownStorers": acceptUnknownStorers = try SettingsRules.bool(value, field)
        case "maxAssociations": maxAssociations = try SettingsRules.int(value, field)
        case "duplicatePolicy": duplicatePolicy = try SettingsRules.choice(value, field, [Archive.DuplicatePolicy.keep, .replace])
        default: throw SettingsRules.unknown(field, in: Self.title)
        }
    }

    public func validate() -> [SettingsError] {
        [SettingsRules.aeTitle(aeTitle),
         SettingsRules.port(port, what: "DICOM"),
         SettingsRules.range(maxAssociations, Self.maxAssociationsRange, field: "maxAssociations", unit: " associations at once")]
            .compactMap { $0 }
    }
}
