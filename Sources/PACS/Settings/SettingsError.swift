/// A problem with a setting, in the shape the API answers (`{"error": {code, message, field}}`):
/// a stable code for scripts, a sentence that names the field and says what to do, and the
/// field's name within its section (nil when the problem is not one field's).
public struct SettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: Code
    public var message: String
    public var field: String?

    public init(_ code: Code, _ message: String, field: String?) {
        self.code = code
        self.message = message
        self.field = field
    }

    public var description: String { message }

    /// The stable codes. Their raw values are what the API sends.
    public enum Code: String, Sendable, Equatable, CaseIterable {
        /// An AE title that breaks PS3.5's rules (1–16 characters, no spaces, no backslash…).
        case invalidAETitle = "invalid_ae_title"
        /// A port outside 0–65535.
        case invalidPort = "invalid_port"
        /// Two of the DICOM, web and worklist ports are the same (0 excepted).
        case portConflict = "port_conflict"
        /// A number outside its documented range.
        case outOfRange = "out_of_range"
        /// A value that is not one of the field's choices.
        case invalidChoice = "invalid_choice"
        /// Text with control characters, or too long.
        case invalidText = "invalid_text"
        /// A value of the wrong JSON type (text for a number…).
        case invalidType = "invalid_type"
        /// A field that the section does not have.
        case unknownField = "unknown_field"
        /// A body that is not a JSON object.
        case invalidJSON = "invalid_json"
        /// The port cannot be listened on (in use, no permission); the old listener stays.
        case portUnavailable = "port_unavailable"
        /// HTTPS is asked for, but no certificate and key have been uploaded.
        case certificateMissing = "certificate_missing"
        /// The certificate and key cannot be used (not PEM, not a pair, expired, encrypted key).
        case invalidCertificate = "invalid_certificate"
        /// The settings could not be written to the data directory.
        case storageFailed = "storage_failed"
    }
}
