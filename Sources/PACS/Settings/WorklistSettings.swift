/// The Modality Worklist module (SPEC §2; `/api/settings/worklist`): its own AE title and port.
public struct WorklistSettings: SettingsSection {
    public static let section = "worklist"
    public static let title = "worklist"

    public var aeTitle = "SWIFTPACS_WL"
    /// 0–65535; 0 (the default): the module has no port of its own (it still answers on the
    /// DICOM server's port).
    public var port = 0

    public init() {}

    public init(aeTitle: String = "SWIFTPACS_WL", port: Int = 0) {
        self.aeTitle = aeTitle
        self.port = port
    }

    public var fields: [(name: String, value: SettingsValue)] { [("aeTitle", .string(aeTitle)), ("port", .int(port))] }

    public mutating func set(_ field: String, _ value: SettingsValue) throws(SettingsError) {
        switch field {
        case "aeTitle": aeTitle = try SettingsRules.string(value, field)
        case "port": port = try SettingsRules.int(value, field)
        default: throw SettingsRules.unknown(field, in: Self.title)
        }
    }

    public func validate() -> [SettingsError] {
        [SettingsRules.aeTitle(aeTitle), SettingsRules.port(port, what: "worklist")].compactMap { $0 }
    }
}
