import Synchronization
import Archive
import TLS
#if canImport(Glibc)
import Glibc
#endif

/// The web users (SPEC §5), their sessions and API tokens, in the archive's index.
///
/// Only salted slow hashes of passwords (`PasswordHasher`) and SHA-256 hashes of tokens are
/// stored; nothing secret can be read back from the store or its files. Password hashing runs
/// outside the index's writer lock.
public final class UserStore: Sendable {
    public static let defaultSessionLifetime: Double = 12 * 3600

    let index: ArchiveIndex
    /// Wall-clock seconds since 1970 (for stored times and session expiry).
    let clock: @Sendable () -> Double
    public let throttle: LoginThrottle
    /// PBKDF2 iterations of new hashes, and the hashing itself; lowered by tests only.
    let hashIterations: Int
    let hasher: @Sendable (String) -> String
    /// The hash checked for unknown usernames, so that they cost as much as known ones.
    let dummyHash = Mutex<String?>(nil)
    /// Passwords proven right lately (HTTP Basic on every request of a script).
    let verified = VerifiedPasswords()

    public convenience init(archive: Archive) {
        self.init(index: archive.index)
    }

    /// - Parameters:
    ///   - clock: wall-clock seconds since 1970 (tests pass a fake one).
    ///   - throttle: the login throttle (by default one on the steady clock).
    public convenience init(index: ArchiveIndex, clock: @escaping @Sendable () -> Double = UserStore.systemClock,
                            throttle: LoginThrottle = LoginThrottle()) {
        self.init(index: index, clock: clock, throttle: throttle, hashIterations: PasswordHasher.defaultIterations,
                  hasher: { PasswordHasher.hash($0) })
    }

    /// For tests: `hasher` makes hashes of `hashIterations` iterations.
    init(index: ArchiveIndex, clock: @escaping @Sendable () -> Double, throttle: LoginThrottle, hashIterations: Int,
         hasher: @escaping @Sendable (String) -> String) {
        self.index = index
        self.clock = clock
        self.throttle = throttle
        self.hashIterations = hashIterations
        self.hasher = hasher
    }

    public static func systemClock() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    var nowText: String { Self.timestamp(clock()) }

    /// UTC ISO 8601 with milliseconds, the index's format (`strftime('%Y-%m-%dT%H:%M:%fZ')`).
    static func timestamp(_ seconds: Double) -> String {
        let whole = seconds.rounded(.down)
        var t = time_t(whole)
        var tmv = tm()
        gmtime_r(&t, &tmv)
        let ms = min(999, Int(((seconds - whole) * 1000).rounded(.down)))
        func p(_ v: Int32, _ w: Int = 2) -> String { let s = String(v); return String(repeating: "0", count: max(0, w - s.count)) + s }
        let msText = String(repeating: "0", count: ms < 10 ? 2 : ms < 100 ? 1 : 0) + String(ms)
        return "\(p(tmv.tm_year + 1900, 4))-\(p(tmv.tm_mon + 1))-\(p(tmv.tm_mday))T\(p(tmv.tm_hour)):\(p(tmv.tm_min)):\(p(tmv.tm_sec)).\(msText)Z"
    }

    func hash(_ password: String) -> String {
        hasher(password)
    }

    // MARK: reading

    static let columns = "id, username, role, enabled, can_send, can_upload, created_at, updated_at, password_changed_at"

    static func user(_ s: SQLiteStatement, from i: Int32 = 0) -> User {
        User(id: s.int(i), username: s.string(i + 1), role: UserRole(rawValue: s.string(i + 2)) ?? .user, enabled: s.int(i + 3) != 0,
             canSend: s.int(i + 4) != 0, canUpload: s.int(i + 5) != 0, createdAt: s.string(i + 6), updatedAt: s.string(i + 7),
             passwordChangedAt: s.string(i + 8))
    }

    /// Every user, by username.
    public func users() throws -> [User] {
        try index.read { db in
            var out: [User] = []
            try db.prepare("SELECT \(Self.columns) FROM users ORDER BY username").query { out.append(Self.user($0)) }
            return out
        }
    }

    public func user(id: Int) throws -> User? {
        try index.read { db in try Self.user(id: id, in: db) }
    }

    /// The user with exactly this username (usernames are case-sensitive).
    public func user(named username: String) throws -> User? {
        try index.read { db in
            var u: User?
            try db.prepare("SELECT \(Self.columns) FROM users WHERE username = ?").query([.text(username)]) { u = Self.user($0) }
            return u
        }
    }

    public func hasUsers() throws -> Bool {
        try index.read { db in try db.scalar("SELECT 1 FROM users LIMIT 1") != nil }
    }

    static func user(id: Int, in db: SQLiteConnection) throws -> User? {
        var u: User?
        try db.prepare("SELECT \(columns) FROM users WHERE id = ?").query([.int(Int64(id))]) { u = user($0) }
        return u
    }

    // MARK: changing

    /// Adds a user after checking the username and password rules.
    @discardableResult
    public func createUser(username: String, password: String, role: UserRole = .user, enabled: Bool = true,
                           canSend: Bool = false, canUpload: Bool = false) throws -> User {
        try UserRules.checkUsername(username)
        try UserRules.checkPassword(password, username: username)
        if try user(named: username) != nil { throw UserError.exists(username) }
        let hashed = hash(password)
        let now = nowText
        do {
            return try index.write { db in
                try db.prepare("""
                    INSERT INTO users(username, role, password_hash, enabled, can_send, can_upload, created_at, updated_at, password_changed_at)
                    VALUES (?,?,?,?,?,?,?,?,?)
                    """).run([.text(username), .text(role.rawValue), .text(hashed), .int(enabled ? 1 : 0), .int(canSend ? 1 : 0),
                              .int(canUpload ? 1 : 0), .text(now), .text(now), .text(now)])
                return User(id: Int(db.lastInsertRowID), username: username, role: role, enabled: enabled, canSend: canSend,
                            canUpload: canUpload, createdAt: now, updatedAt: now, passwordChangedAt: now)
            }
        } catch let e as SQLiteError where e.isConstraint {
            throw UserError.exists(username)
        }
    }

    /// Applies `update` to user `id`. Refuses to demote or disable the last enabled admin.
    /// A new password, or disabling, ends the user's sessions.
    @discardableResult
    public func updateUser(id: Int, _ update: UserUpdate) throws -> User {
        guard let current = try user(id: id) else { throw UserError.notFound("no user with id \(id)") }
        if let name = update.username { try UserRules.checkUsername(name) }
        let finalName = update.username ?? current.username
        if let p = update.password { try UserRules.checkPassword(p, username: finalName) }
        let hashed = update.password.map(hash)
        let now = nowText
        do {
            return try index.write { db in
                try db.transaction {
                    guard var u = try Self.user(id: id, in: db) else { throw UserError.notFound("no user with id \(id)") }
                    let demotes = update.role.map { $0 != .admin } ?? false
                    if u.isAdmin, u.enabled, demotes || update.enabled == false, try Self.otherEnabledAdmins(than: id, in: db) == 0 {
                        throw demotes ? UserError.lastAdmin("demote", field: "role") : UserError.lastAdmin("disable", field: "enabled")
                    }
                    u.username = finalName
                    u.role = update.role ?? u.role
                    u.enabled = update.enabled ?? u.enabled
                    u.canSend = update.canSend ?? u.canSend
                    u.canUpload = update.canUpload ?? u.canUpload
                    u.updatedAt = now
                    try db.prepare("""
                        UPDATE users SET username = ?, role = ?, enabled = ?, can_send = ?, can_upload = ?, updated_at = ? WHERE id = ?
                        """).run([.text(u.username), .text(u.role.rawValue), .int(u.enabled ? 1 : 0), .int(u.canSend ? 1 : 0),
                                  .int(u.canUpload ? 1 : 0), .text(now), .int(Int64(id))])
                    if let hashed {
                        u.passwordChangedAt = now
                        try db.prepare("UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?")
                            .run([.text(hashed), .text(now), .int(Int64(id))])
                    }
                    if hashed != nil || !u.enabled {
                        try db.prepare("DELETE FROM sessions WHERE user_fk = ?").run([.int(Int64(id))])
                    }
                    return u
                }
            }
        } catch let e as SQLiteError where e.isConstraint {
            throw UserError.exists(finalName)
        }
    }

    /// Sets a new password (and ends the user's sessions).
    @discardableResult
    public func setPassword(userID: Int, to password: String) throws -> User {
        try updateUser(id: userID, UserUpdate(password: password))
    }

    /// Removes a user with their sessions and API tokens. Refuses the last enabled admin.
    public func deleteUser(id: Int) throws {
        try index.write { db in
            try db.transaction {
                guard let u = try Self.user(id: id, in: db) else { throw UserError.notFound("no user with id \(id)") }
                if u.isAdmin, u.enabled, try Self.otherEnabledAdmins(than: id, in: db) == 0 {
                    throw UserError.lastAdmin("delete", field: nil)
                }
                try db.prepare("DELETE FROM users WHERE id = ?").run([.int(Int64(id))])
            }
        }
    }

    static func otherEnabledAdmins(than id: Int, in db: SQLiteConnection) throws -> Int64 {
        try db.scalar("SELECT count(*) FROM users WHERE role = 'admin' AND enabled = 1 AND id <> ?", [.int(Int64(id))]) ?? 0
    }

    // MARK: first run

    public static let adminUsername = "admin"

    /// On first start (no users at all), creates `admin` with `passwordFromEnvironment`
    /// (SWIFTPACS_ADMIN_PASSWORD; an empty value counts as none) or a random password that
    /// the caller prints once. Throws the password rules' error for a weak environment value.
    public func ensureAdmin(passwordFromEnvironment: String?) throws -> AdminBootstrap {
        if try hasUsers() { return .notNeeded }
        let given = passwordFromEnvironment.flatMap { $0.isEmpty ? nil : $0 }
        let password = given ?? PasswordHasher.randomPassword()
        try UserRules.checkPassword(password, username: Self.adminUsername)
        let hashed = hash(password)
        let now = nowText
        let created = try index.write { db in
            try db.transaction { () throws -> Bool in
                guard try db.scalar("SELECT 1 FROM users LIMIT 1") == nil else { return false }
                try db.prepare("""
                    INSERT INTO users(username, role, password_hash, enabled, can_send, can_upload, created_at, updated_at, password_changed_at)
                    VALUES (?, 'admin', ?, 1, 1, 1, ?, ?, ?)
                    """).run([.text(Self.adminUsername), .text(hashed), .text(now), .text(now), .text(now)])
                return true
            }
        }
        guard created else { return .notNeeded }
        return given == nil ? .createdWithRandomPassword(password) : .createdFromEnvironment
    }

    // MARK: logging in

    /// The enabled user whose username and password match, or nil — the same nil, after the
    /// same hashing work, for an unknown user, a wrong password and a disabled account.
    /// Throws `too_many_attempts` while the username or the client address is locked
    /// (`LoginThrottle`); each nil counts as a failure for both.
    public func authenticate(username: String, password: String, client: String) throws -> User? {
        if let wait = throttle.retryAfter(username: username, client: client) { throw UserError.tooManyAttempts(wait) }
        var found: (User, String)?
        if (try? UserRules.checkUsername(username)) != nil {
            found = try index.read { db in
                var r: (User, String)?
                try db.prepare("SELECT \(Self.columns), password_hash FROM users WHERE username = ?").query([.text(username)]) {
                    r = (Self.user($0), $0.string(9))
                }
                return r
            }
        }
        let now = clock()
        let matches: Bool
        if let (user, stored) = found, verified.contains(username: user.username, password: password, storedHash: stored, now: now) {
            matches = true
        } else {
            matches = PasswordHasher.verify(password: password, against: found?.1 ?? dummy())
        }
        guard let (user, stored) = found, matches, user.enabled else {
            throttle.recordFailure(username: username, client: client)
            return nil
        }
        throttle.recordSuccess(username: username, client: client)
        verified.insert(username: user.username, password: password, storedHash: stored, now: now)
        // A hash made at a lower cost than today's is replaced while the password is at hand.
        if let n = PasswordHasher.iterations(of: stored), n < hashIterations {
            let fresh = hash(password)
            try index.write { db in
                try db.prepare("UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?")
                    .run([.text(fresh), .int(Int64(user.id)), .text(stored)])
            }
        }
        return user
    }

    func dummy() -> String {
        if let d = dummyHash.withLock({ $0 }) { return d }
        let d = hash(PasswordHasher.randomToken(bytes: 16))
        dummyHash.withLock { $0 = $0 ?? d }
        return d
    }
}
