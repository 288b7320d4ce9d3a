import Testing
import Archive
@testable import PACS
@testable import TLS

/// Browser sessions and API tokens, and that no secret reaches the database files.
@Suite struct SessionAndTokenTests {
    @Test func sessionsCreateLookUpAndLogOut() throws {
        let f = try StoreFixture()
        let u = try f.store.createUser(username: "olga", password: "olgas-password", canUpload: true)
        let (token, csrf) = try f.store.createSession(user: u, client: "192.0.2.1")
        #expect(token.count == 43 && csrf.count == 43 && token != csrf)
        let found = try #require(try f.store.session(forToken: token))
        #expect(found.user == u && found.csrf == csrf)
        #expect(csrf == UserStore.csrfToken(forSession: token), "the CSRF token follows from the cookie's token")
        #expect(try f.store.session(forToken: token + "x") == nil)
        #expect(try f.store.session(forToken: "") == nil)
        let second = try f.store.createSession(user: u, client: "192.0.2.2")
        #expect(second.token != token && second.csrf != csrf)
        #expect(try f.store.sessionCount(of: u) == 2)

        #expect(try f.store.deleteSession(token: token))
        #expect(try !f.store.deleteSession(token: token))
        #expect(try f.store.session(forToken: token) == nil)
        #expect(try f.store.session(forToken: second.token)?.user.id == u.id, "the other session lives on")
        #expect(try f.store.deleteSessions(of: u) == 1)
        #expect(try f.store.session(forToken: second.token) == nil)
    }

    @Test func sessionsExpire() throws {
        let f = try StoreFixture()
        let u = try f.store.createUser(username: "pat", password: "pats-password")
        let s = try f.store.createSession(user: u, client: "c", lifetime: 3600)
        let short = try f.store.createSession(user: u, client: "c", lifetime: 60)
        f.clock.advance(3599)
        #expect(try f.store.session(forToken: s.token) != nil)
        #expect(try f.store.session(forToken: short.token) == nil)
        f.clock.advance(1)
        #expect(try f.store.session(forToken: s.token) == nil)
        let rows = try f.index.read { db in try db.scalar("SELECT count(*) FROM sessions") }
        #expect(rows == 0, "expired sessions are removed when met")
        // And swept when a new one is made.
        _ = try f.store.createSession(user: u, client: "c", lifetime: 10)
        f.clock.advance(11)
        _ = try f.store.createSession(user: u, client: "c")
        #expect(try f.index.read { db in try db.scalar("SELECT count(*) FROM sessions") } == 1)
        f.clock.advance(UserStore.defaultSessionLifetime)
        #expect(try f.store.pruneExpiredSessions() == 1)
    }

    @Test func lastSeenIsRecordedAtMostOnceAMinute() throws {
        let f = try StoreFixture()
        let u = try f.store.createUser(username: "quinn", password: "quinn-password")
        let s = try f.store.createSession(user: u, client: "c")
        func lastSeen() throws -> String? {
            try f.index.read { db in
                var v: String?
                try db.prepare("SELECT last_seen_at FROM sessions").query { v = $0.text(0) }
                return v
            }
        }
        let first = try lastSeen()
        f.clock.advance(30)
        _ = try f.store.session(forToken: s.token)
        #expect(try lastSeen() == first)
        f.clock.advance(31)
        _ = try f.store.session(forToken: s.token)
        #expect(try lastSeen() == "2023-11-14T22:14:21.000Z")
    }

    @Test func passwordChangeDisablingAndDeletionEndSessions() throws {
        let f = try StoreFixture()
        try f.store.createUser(username: "root", password: "root-password", role: .admin)
        let u = try f.store.createUser(username: "rae", password: "raes-password")
        let a = try f.store.createSession(user: u, client: "c")
        try f.store.updateUser(id: u.id, UserUpdate(canSend: true))
        #expect(try f.store.session(forToken: a.token)?.user.canSend == true, "other changes keep sessions, with fresh rights")
        try f.store.setPassword(userID: u.id, to: "new-rae-password")
        #expect(try f.store.session(forToken: a.token) == nil)

        let b = try f.store.createSession(user: u, client: "c")
        try f.store.updateUser(id: u.id, UserUpdate(enabled: false))
        #expect(try f.store.session(forToken: b.token) == nil)
        let disabled = try #require(try f.store.user(id: u.id))
        #expect(userErrorCode { _ = try f.store.createSession(user: disabled, client: "c") } == "not_found")
        try f.store.updateUser(id: u.id, UserUpdate(enabled: true))
        #expect(try f.store.session(forToken: b.token) == nil, "re-enabling does not revive old sessions")

        let c = try f.store.createSession(user: u, client: "c")
        try f.store.deleteUser(id: u.id)
        #expect(try f.store.session(forToken: c.token) == nil)
        #expect(try f.index.read { db in try db.scalar("SELECT count(*) FROM sessions") } == 0)
    }

    @Test func apiTokens() throws {
        let f = try StoreFixture()
        let u = try f.store.createUser(username: "sam", password: "sams-password")
        let v = try f.store.createUser(username: "val", password: "vals-password")
        let (token, info) = try f.store.createAPIToken(user: u, name: "backup script")
        #expect(token.hasPrefix("spx_") && token.count == 47)
        #expect(info.name == "backup script" && info.userID == u.id && info.lastUsedAt == nil)
        let (other, _) = try f.store.createAPIToken(user: u, name: "monitoring")
        let (valToken, valInfo) = try f.store.createAPIToken(user: v, name: "v")
        #expect(Set([token, other, valToken]).count == 3)

        #expect(try f.store.apiTokens(of: u).map(\.name) == ["backup script", "monitoring"])
        #expect(try f.store.apiTokens(of: nil).count == 3)
        #expect(try f.store.user(forAPIToken: token) == u)
        #expect(try f.store.user(forAPIToken: valToken) == v)
        #expect(try f.store.user(forAPIToken: "spx_nothing") == nil)
        #expect(try f.store.user(forAPIToken: token.uppercased()) == nil)
        #expect(try f.store.apiTokens(of: u).first?.lastUsedAt == "2023-11-14T22:13:20.000Z")

        // Only the owner's tokens can be revoked through `of:`.
        #expect(userErrorCode { try f.store.revokeAPIToken(id: valInfo.id, of: u) } == "not_found")
        try f.store.revokeAPIToken(id: info.id, of: u)
        #expect(try f.store.user(forAPIToken: token) == nil)
        #expect(userErrorCode { try f.store.revokeAPIToken(id: info.id) } == "not_found")
        #expect(try f.store.user(forAPIToken: other) == u)

        // Tokens of a disabled user do not work; the user's deletion removes them.
        try f.store.updateUser(id: u.id, UserUpdate(enabled: false))
        #expect(try f.store.user(forAPIToken: other) == nil)
        try f.store.deleteUser(id: u.id)
        #expect(try f.store.apiTokens(of: nil).map(\.id) == [valInfo.id])

        for bad in ["", String(repeating: "n", count: 101), "new\nline"] {
            #expect(userErrorCode { _ = try f.store.createAPIToken(user: v, name: bad) } == "invalid_token_name")
        }
        #expect(userErrorCode { _ = try f.store.createAPIToken(user: u, name: "gone") } == "not_found")
    }

    @Test func noSecretReachesTheDatabaseFiles() throws {
        let f = try StoreFixture()
        let password = "Correct-Horse-Battery-42"
        let newPassword = "Another-Secret-Phrase-77"
        let u = try f.store.createUser(username: "tess", password: password)
        let session = try f.store.createSession(user: u, client: "c")
        let (apiToken, _) = try f.store.createAPIToken(user: u, name: "t")
        #expect(try f.store.authenticate(username: "tess", password: password, client: "c") != nil)
        try f.store.setPassword(userID: u.id, to: newPassword)
        let admin = try f.store.ensureAdmin(passwordFromEnvironment: nil)
        #expect(admin == .notNeeded)
        let bytes = f.databaseBytes()
        #expect(!bytes.isEmpty)
        for secret in [password, newPassword, session.token, session.csrf, apiToken, String(apiToken.dropFirst(4))] {
            #expect(!bytes.contains(bytes: secret), "\(secret) is in the database files")
        }
        // What is stored instead: the token's hash (so the search above does look at the data).
        #expect(bytes.contains(bytes: PasswordHasher.sha256Hex(apiToken)))
        #expect(bytes.contains(bytes: "pbkdf2-sha256$1000$"))
        // And nothing hands them back.
        let listed = "\(try f.store.users()) \(try f.store.apiTokens(of: nil)) \(try f.store.user(id: u.id)!)"
        for secret in [newPassword, apiToken, "pbkdf2"] { #expect(!listed.contains(secret)) }
    }

    @Test func upgradingFromStoredCSRFTokensEndsThoseSessions() throws {
        let f = try StoreFixture()
        let u = try f.store.createUser(username: "uma", password: "umas-password")
        _ = try f.store.createSession(user: u, client: "c")
        // The index as schema version 2 left it: a session row with its CSRF token in clear.
        try f.index.write { db in
            try db.execute("""
                ALTER TABLE sessions ADD COLUMN csrf_token TEXT NOT NULL DEFAULT '';
                UPDATE sessions SET csrf_token = 'stored-csrf-token-in-clear';
                ALTER TABLE studies DROP COLUMN description_norm;
                DELETE FROM schema_version WHERE version >= 3;
                """)
        }
        let reopened = try ArchiveIndex(path: f.indexPath)
        let (version, sessions, columns) = try reopened.read { db in
            (try db.scalar("SELECT max(version) FROM schema_version"),
             try db.scalar("SELECT count(*) FROM sessions"),
             try db.scalar("SELECT count(*) FROM pragma_table_info('sessions') WHERE name = 'csrf_token'"))
        }
        #expect(version == 4 && sessions == 0 && columns == 0)
        let again = try UserStore(index: reopened).createSession(user: u, client: "c")
        #expect(try UserStore(index: reopened).session(forToken: again.token)?.csrf == again.csrf)
    }
}
