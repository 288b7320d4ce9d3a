/// What a web user may do (SPEC §5): `admin` everything; `user` the portal (search, view,
/// download), plus sending to peers and uploading when granted.
public enum UserRole: String, Sendable, Codable, CaseIterable {
    case admin, user
}

/// A web user as the store answers it. The password hash never leaves the store.
public struct User: Sendable, Equatable, Codable {
    public let id: Int
    public var username: String
    public var role: UserRole
    public var enabled: Bool
    public var canSend: Bool
    public var canUpload: Bool
    /// UTC, ISO 8601 with milliseconds.
    public var createdAt: String
    public var updatedAt: String
    public var passwordChangedAt: String

    public init(id: Int, username: String, role: UserRole, enabled: Bool, canSend: Bool, canUpload: Bool,
                createdAt: String, updatedAt: String, passwordChangedAt: String) {
        self.id = id
        self.username = username
        self.role = role
        self.enabled = enabled
        self.canSend = canSend
        self.canUpload = canUpload
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.passwordChangedAt = passwordChangedAt
    }

    public var isAdmin: Bool { role == .admin }
    /// Whether the user may send studies to peers (admins always may).
    public var maySend: Bool { role == .admin || canSend }
    /// Whether the user may upload instances (admins always may).
    public var mayUpload: Bool { role == .admin || canUpload }
}

/// Changes to a user; nil leaves a field as it is. A new password ends the user's sessions.
public struct UserUpdate: Sendable, Equatable {
    public var username: String?
    public var password: String?
    public var role: UserRole?
    public var enabled: Bool?
    public var canSend: Bool?
    public var canUpload: Bool?

    public init(username: String? = nil, password: String? = nil, role: UserRole? = nil, enabled: Bool? = nil,
                canSend: Bool? = nil, canUpload: Bool? = nil) {
        self.username = username
        self.password = password
        self.role = role
        self.enabled = enabled
        self.canSend = canSend
        self.canUpload = canUpload
    }
}

/// An API token as listed: never the secret, which is shown once when created.
public struct APIToken: Sendable, Equatable, Codable {
    public let id: Int
    public let userID: Int
    public var name: String
    public var createdAt: String
    /// When a request last used it (recorded at most once a minute), nil if never.
    public var lastUsedAt: String?

    public init(id: Int, userID: Int, name: String, createdAt: String, lastUsedAt: String?) {
        self.id = id
        self.userID = userID
        self.name = name
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
    }
}

/// What `UserStore.ensureAdmin` did at start-up.
public enum AdminBootstrap: Sendable, Equatable {
    /// Users exist already: nothing was created.
    case notNeeded
    /// `admin` was created with the password of SWIFTPACS_ADMIN_PASSWORD.
    case createdFromEnvironment
    /// `admin` was created with this random password, to be shown once.
    case createdWithRandomPassword(String)

    /// The random password to print, if one was made.
    public var randomPassword: String? {
        if case let .createdWithRandomPassword(p) = self { return p }
        return nil
    }
}
