/// A refusal of the user store, with a stable `code` for the API's error body
/// (`{"error": {"code", "message", "field"}}`, SPEC §7) and the field it concerns.
public struct UserError: Error, Sendable, Equatable, CustomStringConvertible {
    public let code: String
    public let message: String
    public let field: String?
    /// For `too_many_attempts`: whole seconds until another attempt is considered.
    public let retryAfter: Int?

    public init(code: String, message: String, field: String? = nil, retryAfter: Int? = nil) {
        self.code = code
        self.message = message
        self.field = field
        self.retryAfter = retryAfter
    }

    public var description: String { message }

    /// The HTTP status that fits: 422 for a value that breaks a rule, 409 for a conflict
    /// with the stored state, 404, and 429 for throttled logins.
    public var httpStatus: Int {
        switch code {
        case "not_found": return 404
        case "user_exists", "last_admin": return 409
        case "too_many_attempts": return 429
        default: return 422
        }
    }

    /// Whether the caller's value broke a rule (the CLI's usage exit code), rather than
    /// the stored state refusing it.
    public var isInvalidValue: Bool { httpStatus == 422 }

    static func invalidUsername(_ why: String) -> UserError {
        UserError(code: "invalid_username", message: why, field: "username")
    }

    static func weakPassword(_ why: String) -> UserError {
        UserError(code: "weak_password", message: why, field: "password")
    }

    static func invalidPassword(_ why: String) -> UserError {
        UserError(code: "invalid_password", message: why, field: "password")
    }

    static func exists(_ username: String) -> UserError {
        UserError(code: "user_exists", message: "a user named '\(username)' already exists", field: "username")
    }

    static func notFound(_ what: String) -> UserError {
        UserError(code: "not_found", message: what)
    }

    static func lastAdmin(_ action: String, field: String?) -> UserError {
        UserError(code: "last_admin", message: "cannot \(action) the last enabled admin: make another user an enabled admin first",
                  field: field)
    }

    static func tooManyAttempts(_ seconds: Int) -> UserError {
        UserError(code: "too_many_attempts", message: "too many attempts, retry after \(seconds) s", retryAfter: seconds)
    }

    static func invalidTokenName(_ why: String) -> UserError {
        UserError(code: "invalid_token_name", message: why, field: "name")
    }
}

/// The rules for usernames, passwords and token names.
public enum UserRules {
    public static let usernameLength = 1...64
    public static let minimumPasswordLength = 8
    public static let maximumPasswordLength = 1024

    /// 1–64 characters of A–Z, a–z, 0–9 and `. _ @ -`.
    public static func checkUsername(_ s: String) throws(UserError) {
        if s.isEmpty { throw .invalidUsername("a username needs 1 to 64 characters") }
        let ok = s.unicodeScalars.allSatisfy { u in
            u.isASCII && (("A"..."Z").contains(u) || ("a"..."z").contains(u) || ("0"..."9").contains(u) || ".-_@".unicodeScalars.contains(u))
        }
        guard ok else { throw .invalidUsername("a username takes only letters A-Z and a-z, digits and . _ @ -") }
        if s.utf8.count > usernameLength.upperBound { throw .invalidUsername("a username has at most 64 characters") }
    }

    /// At least 8 characters, at most 1024, no control characters, not the username. Characters
    /// are Unicode code points, as JSON Schema's minLength and maxLength count them
    /// (openapi/openapi.yaml); counting grapheme clusters instead would let "e" with a thousand
    /// combining marks pass as one character.
    public static func checkPassword(_ p: String, username: String) throws(UserError) {
        if p.unicodeScalars.count < minimumPasswordLength { throw .weakPassword("a password needs at least \(minimumPasswordLength) characters") }
        if p.unicodeScalars.count > maximumPasswordLength { throw .invalidPassword("a password has at most \(maximumPasswordLength) characters") }
        if p.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw .invalidPassword("a password may not contain control characters (line breaks, tabs)")
        }
        if p.lowercased() == username.lowercased() { throw .weakPassword("the password may not be the username") }
    }

    /// A token's label: 1–100 characters (code points), no control characters.
    public static func checkTokenName(_ s: String) throws(UserError) {
        if s.isEmpty || s.unicodeScalars.count > 100 { throw .invalidTokenName("a token name needs 1 to 100 characters") }
        if s.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw .invalidTokenName("a token name may not contain control characters")
        }
    }
}
