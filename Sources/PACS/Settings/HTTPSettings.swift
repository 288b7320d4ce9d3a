/// The web server (SPEC §5, "HTTP Server Configuration"; `/api/settings/http`). The
/// certificate and key are files in the data directory, managed with their own routes.
public struct HTTPSettings: SettingsSection {
    public static let section = "http"
    public static let title = "web server"
    public static let nameMaxLength = 64
    public static let addressMaxLength = 256

    /// What a web user's zip download contains.
    public enum ZipContent: String, Sendable, CaseIterable {
        /// DICOM files as stored.
        case original
        /// DICOM, explicit VR little endian.
        case uncompressed
        case jpeg2000Lossless = "jpeg2000-lossless"
        /// DICOM JPEG 2000 at `lossyQuality`.
        case jpeg2000Lossy = "jpeg2000-lossy"
        /// Rendered JPEG images.
        case jpeg
    }

    /// Shown on every page of the portal ("Institution - Department").
    public var institution = ""
    public var department = ""
    /// The address users reach the server at, for links (empty: the request's host).
    public var publicAddress = ""
    /// 0–65535; 0 disables the web server (and the API with it).
    public var port = 3000
    public var sslEnabled = false
    public var zipContent: ZipContent = .original
    /// 1–100, for `jpeg2000-lossy` and `jpeg`.
    public var lossyQuality = 80

    public init() {}

    public init(institution: String = "", department: String = "", publicAddress: String = "", port: Int = 3000,
                sslEnabled: Bool = false, zipContent: ZipContent = .original, lossyQuality: Int = 80) {
        self.institution = institution
        self.department = department
        self.publicAddress = publicAddress
        self.port = port
        self.sslEnabled = sslEnabled
        self.zipContent = zipContent
        self.lossyQuality = lossyQuality
    }

    public var fields: [(name: String, value: SettingsValue)] {
        [("institution", .string(institution)), ("department", .string(department)), ("publicAddress", .string(publicAddress)),
         ("port", .int(port)), ("sslEnabled", .bool(sslEnabled)), ("zipContent", .string(zipContent.rawValue)),
         ("lossyQuality", .int(lossyQuality))]
    }

    public mutating func set(_ field: String, _ value: SettingsValue) throws(SettingsError) {
        switch field {
        case "institution": institution = try SettingsRules.string(value, field)
        case "department": department = try SettingsRules.string(value, field)
        case "publicAddress": publicAddress = try SettingsRules.string(value, field)
        case "port": port = try SettingsRules.int(value, field)
        case "sslEnabled": sslEnabled = try SettingsRules.bool(value, field)
        case "zipContent": zipContent = try SettingsRules.choice(value, field, ZipContent.allCases)
        case "lossyQuality": lossyQuality = try SettingsRules.int(value, field)
        default: throw SettingsRules.unknown(field, in: Self.title)
        }
    }

    public func validate() -> [SettingsError] {
        [SettingsRules.text(institution, field: "institution", maxLength: Self.nameMaxLength),
         SettingsRules.text(department, field: "department", maxLength: Self.nameMaxLength),
         SettingsRules.text(publicAddress, field: "publicAddress", maxLength: Self.addressMaxLength, allowSpaces: false),
         SettingsRules.port(port, what: "web server"),
         SettingsRules.range(lossyQuality, 1...100, field: "lossyQuality", unit: " (percent)")]
            .compactMap { $0 }
    }
}
