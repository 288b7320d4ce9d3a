import Archive
import TLS

/// API tokens for scripts (`Authorization: Bearer …`): shown once when created, stored as
/// their SHA-256 only, listed without the secret, revoked one by one.
extension UserStore {
    /// Tokens start with this, so that secret scanners and people can tell what they are.
    public static let apiTokenPrefix = "spx_"

    /// Makes a token for `user` labelled `name`; the returned `token` is the only copy.
    public func createAPIToken(user: User, name: String) throws -> (token: String, info: APIToken) {
        try UserRules.checkTokenName(name)
        let token = Self.apiTokenPrefix + PasswordHasher.randomToken(bytes: 32)
        let now = nowText
        let id = try index.write { db in
            try db.transaction { () throws -> Int64 in
                guard try Self.user(id: user.id, in: db) != nil else { throw UserError.notFound("no user with id \(user.id)") }
                try db.prepare("INSERT INTO api_tokens(token_hash, user_fk, name, created_at) VALUES (?,?,?,?)")
                    .run([.text(PasswordHasher.sha256Hex(token)), .int(Int64(user.id)), .text(name), .text(now)])
                return db.lastInsertRowID
            }
        }
        return (token, APIToken(id: Int(id), userID: user.id, name: name, createdAt: now, lastUsedAt: nil))
    }

    /// The tokens of `user` (or of everyone when nil), oldest first, without secrets.
    public func apiTokens(of user: User?) throws -> [APIToken] {
        try index.read { db in
            var out: [APIToken] = []
            let row = { (s: SQLiteStatement) in
                out.append(APIToken(id: s.int(0), userID: s.int(1), name: s.string(2), createdAt: s.string(3), lastUsedAt: s.text(4)))
            }
            if let user {
                try db.prepare("SELECT id, user_fk, name, created_at, last_used_at FROM api_tokens WHERE user_fk = ? ORDER BY id")
                    .query([.int(Int64(user.id))], row)
            } else {
                try db.prepare("SELECT id, user_fk, name, created_at, last_used_at FROM api_tokens ORDER BY id").query([], row)
            }
            return out
        }
    }

    /// Revokes token `id`; with `user`, only if it is theirs. Throws `not_found` otherwise.
    public func revokeAPIToken(id: Int, of user: User? = nil) throws {
        let removed = try index.write { db in
            if let user {
                try db.prepare("DELETE FROM api_tokens WHERE id = ? AND user_fk = ?").run([.int(Int64(id)), .int(Int64(user.id))])
            } else {
                try db.prepare("DELETE FROM api_tokens WHERE id = ?").run([.int(Int64(id))])
            }
            return db.changes
        }
        guard removed > 0 else { throw UserError.notFound("no API token with id \(id)") }
    }

    /// The enabled user owning `token`, or nil. Records the use (at most once a minute).
    public func user(forAPIToken token: String) throws -> User? {
        let hashed = PasswordHasher.sha256Hex(token)
        let t = clock()
        let found = try index.read { db -> (User, Int64, String?)? in
            var r: (User, Int64, String?)?
            try db.prepare("""
                SELECT u.id, u.username, u.role, u.enabled, u.can_send, u.can_upload, u.created_at, u.updated_at,
                       u.password_changed_at, t.id, t.last_used_at
                FROM api_tokens t JOIN users u ON u.id = t.user_fk WHERE t.token_hash = ?
                """).query([.text(hashed)]) { r = (Self.user($0), $0.int64(9), $0.text(10)) }
            return r
        }
        guard let (user, id, lastUsed) = found, user.enabled else { return nil }
        if lastUsed.map({ $0 < Self.timestamp(t - Self.lastSeenResolution) }) ?? true {
            try index.write { db in
                try db.prepare("UPDATE api_tokens SET last_used_at = ? WHERE id = ?").run([.text(Self.timestamp(t)), .int(id)])
            }
        }
        return user
    }
}
