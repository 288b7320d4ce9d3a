/// Known peers and outgoing transfers (SPEC §3; `/api/settings/network`).
public struct NetworkSettings: SettingsSection {
    public static let section = "network"
    public static let title = "network"
    public static let maxOutgoingConnectionsRange = 1...32
    public static let serviceTimeoutRange = 1...3600

    /// Transfers at once; more wait in a queue.
    public var maxOutgoingConnections = 4
    /// How long to wait for a peer's answer before the association is aborted (also the
    /// DICOM server's DIMSE timeout).
    public var serviceTimeoutSeconds = 30
    /// Open a study in the portal when a retrieve that a web user started completes.
    public var openReceivedStudies = false

    public init() {}

    public init(maxOutgoingConnections: Int = 4, serviceTimeoutSeconds: Int = 30, openReceivedStudies: Bool = false) {
        self.maxOutgoingConnections = maxOutgoingConnections
        self.serviceTimeoutSeconds = serviceTimeoutSeconds
        self.openReceivedStudies = openReceivedStudies
    }

    public var fields: [(name: String, value: SettingsValue)] {
        [("maxOutgoingConnections", .int(maxOutgoingConnections)), ("serviceTimeoutSeconds", .int(serviceTimeoutSeconds)),
         ("openReceivedStudies", .bool(openReceivedStudies))]
    }

    public mutating func set(_ field: String, _ value: SettingsValue) throws(SettingsError) {
        switch field {
        case "maxOutgoingConnections": maxOutgoingConnections = try SettingsRules.int(value, field)
        case "serviceTimeoutSeconds": serviceTimeoutSeconds = try SettingsRules.int(value, field)
        case "openReceivedStudies": openReceivedStudies = try SettingsRules.bool(value, field)
        default: throw SettingsRules.unknown(field, in: Self.title)
        }
    }

    public func validate() -> [SettingsError] {
        [SettingsRules.range(maxOutgoingConnections, Self.maxOutgoingConnectionsRange, field: "maxOutgoingConnections", unit: " connections"),
         SettingsRules.range(serviceTimeoutSeconds, Self.serviceTimeoutRange, field: "serviceTimeoutSeconds", unit: " seconds")]
            .compactMap { $0 }
    }
}
