import Archive
import TLS

/// Browser sessions: a random token for the cookie (stored as its SHA-256 only) and a CSRF
/// token the pages echo back in a header. The CSRF token is derived from the session token
/// (`csrfToken(forSession:)`) and never stored: the data directory holds nothing that acts
/// for a user.
extension UserStore {
    /// How stale `last_seen_at` may get before a lookup writes it again.
    static let lastSeenResolution: Double = 60

    /// Opens a session for `user` (who must be enabled) from `client`, valid for `lifetime`
    /// seconds. The token is returned once; only its hash is kept.
    public func createSession(user: User, client: String, lifetime: Double = UserStore.defaultSessionLifetime) throws
        -> (token: String, csrf: String) {
        let token = PasswordHasher.randomToken(bytes: 32)
        let t = clock()
        let (now, expires) = (Self.timestamp(t), Self.timestamp(t + max(lifetime, 0)))
        try index.write { db in
            try db.transaction {
                guard let u = try Self.user(id: user.id, in: db), u.enabled else {
                    throw UserError.notFound("no enabled user with id \(user.id)")
                }
                try db.prepare("DELETE FROM sessions WHERE expires_at <= ?").run([.text(now)])
                try db.prepare("""
                    INSERT INTO sessions(token_hash, user_fk, created_at, expires_at, last_seen_at, client)
                    VALUES (?,?,?,?,?,?)
                    """).run([.text(PasswordHasher.sha256Hex(token)), .int(Int64(user.id)), .text(now),
                              .text(expires), .text(now), .text(String(client.prefix(200)))])
            }
        }
        return (token, Self.csrfToken(forSession: token))
    }

    /// The CSRF token of the session whose cookie holds `token`.
    public static func csrfToken(forSession token: String) -> String {
        PasswordHasher.derivedToken(from: token, purpose: "swiftpacs session csrf")
    }

    /// The user and CSRF token of a live session: nil when the token is unknown, the session
    /// expired (it is then removed) or the user is disabled.
    public func session(forToken token: String) throws -> (user: User, csrf: String)? {
        let hashed = PasswordHasher.sha256Hex(token)
        let t = clock()
        let now = Self.timestamp(t)
        let found = try index.read { db -> (User, String, String, Int64)? in
            var r: (User, String, String, Int64)?
            try db.prepare("""
                SELECT u.id, u.username, u.role, u.enabled, u.can_send, u.can_upload, u.created_at, u.updated_at,
                       u.password_changed_at, s.expires_at, s.last_seen_at, s.id
                FROM sessions s JOIN users u ON u.id = s.user_fk WHERE s.token_hash = ?
                """).query([.text(hashed)]) { r = (Self.user($0), $0.string(9), $0.string(10), $0.int64(11)) }
            return r
        }
        guard let (user, expires, lastSeen, id) = found else { return nil }
        if expires <= now {
            try index.write { db in try db.prepare("DELETE FROM sessions WHERE id = ?").run([.int(id)]) }
            return nil
        }
        guard user.enabled else { return nil }
        if lastSeen < Self.timestamp(t - Self.lastSeenResolution) {
            try index.write { db in
                try db.prepare("UPDATE sessions SET last_seen_at = ? WHERE id = ?").run([.text(now), .int(id)])
            }
        }
        return (user, Self.csrfToken(forSession: token))
    }

    /// Ends the session of `token` (logging out); false when there was none.
    @discardableResult
    public func deleteSession(token: String) throws -> Bool {
        try index.write { db in
            try db.prepare("DELETE FROM sessions WHERE token_hash = ?").run([.text(PasswordHasher.sha256Hex(token))])
            return db.changes > 0
        }
    }

    /// Ends every session of `user`; returns how many.
    @discardableResult
    public func deleteSessions(of user: User) throws -> Int {
        try index.write { db in
            try db.prepare("DELETE FROM sessions WHERE user_fk = ?").run([.int(Int64(user.id))])
            return db.changes
        }
    }

    /// Removes expired sessions; returns how many.
    @discardableResult
    public func pruneExpiredSessions() throws -> Int {
        let now = nowText
        return try index.write { db in
            try db.prepare("DELETE FROM sessions WHERE expires_at <= ?").run([.text(now)])
            return db.changes
        }
    }

    /// How many live sessions `user` has.
    public func sessionCount(of user: User) throws -> Int {
        let now = nowText
        return try index.read { db in
            Int(try db.scalar("SELECT count(*) FROM sessions WHERE user_fk = ? AND expires_at > ?", [.int(Int64(user.id)), .text(now)]) ?? 0)
        }
    }
}
