import Testing
import Archive
@testable import PACS
@testable import TLS

/// Users: create, read, update, delete, every rule and the last-admin guard.
@Suite struct UserStoreTests {
    @Test func createListReadUpdateDelete() throws {
        let f = try StoreFixture()
        #expect(try f.store.users().isEmpty)
        #expect(try !f.store.hasUsers())
        let alice = try f.store.createUser(username: "alice", password: "alice-password", role: .admin)
        let bob = try f.store.createUser(username: "bob.smith@example-1", password: "bobs-password", canSend: true)
        #expect(alice.isAdmin && alice.enabled && alice.maySend && alice.mayUpload)
        #expect(bob.role == .user && bob.canSend && !bob.canUpload && bob.maySend && !bob.mayUpload)
        #expect(alice.createdAt == "2023-11-14T22:13:20.000Z" && alice.passwordChangedAt == alice.createdAt)
        #expect(try f.store.users().map(\.username) == ["alice", "bob.smith@example-1"])
        #expect(try f.store.user(id: bob.id) == bob)
        #expect(try f.store.user(named: "alice") == alice)
        #expect(try f.store.user(named: "Alice") == nil, "usernames are case-sensitive")
        #expect(try f.store.user(id: 999) == nil)

        f.clock.advance(61.5)
        let updated = try f.store.updateUser(id: bob.id, UserUpdate(username: "robert", role: .admin, enabled: false, canSend: false, canUpload: true))
        #expect(updated.username == "robert" && updated.role == .admin && !updated.enabled && !updated.canSend && updated.canUpload)
        #expect(updated.updatedAt == "2023-11-14T22:14:21.500Z" && updated.createdAt == bob.createdAt)
        #expect(updated.passwordChangedAt == bob.passwordChangedAt, "no new password given")
        #expect(try f.store.user(id: bob.id) == updated)
        #expect(try f.store.user(named: "bob.smith@example-1") == nil)

        try f.store.deleteUser(id: bob.id)
        #expect(try f.store.user(id: bob.id) == nil)
        #expect(userErrorCode { try f.store.deleteUser(id: bob.id) } == "not_found")
        #expect(userErrorCode { try f.store.updateUser(id: 4242, UserUpdate(enabled: true)) } == "not_found")
        #expect(try f.store.users().map(\.username) == ["alice"])
    }

    @Test func usernamesAreCaseSensitiveAndUnique() throws {
        let f = try StoreFixture()
        try f.store.createUser(username: "carol", password: "password-1")
        try f.store.createUser(username: "Carol", password: "password-1")
        let e = userError { try f.store.createUser(username: "carol", password: "password-2") }
        #expect(e?.code == "user_exists" && e?.field == "username")
        let dave = try f.store.createUser(username: "dave", password: "password-1")
        #expect(userErrorCode { try f.store.updateUser(id: dave.id, UserUpdate(username: "Carol")) } == "user_exists")
        #expect(try f.store.users().count == 3)
    }

    @Test func usernameRules() throws {
        let f = try StoreFixture()
        for bad in ["", "with space", "tab\t", "slash/", "quote'", "semi;colon", "ümlaut", "a+b", "x" + String(repeating: "y", count: 64), "emoji🙂"] {
            let e = userError { try f.store.createUser(username: bad, password: "long-enough-1") }
            #expect(e?.code == "invalid_username" && e?.field == "username", "\(bad)")
        }
        for good in ["a", "A.b_c-d@e", "0", String(repeating: "z", count: 64)] {
            #expect(throws: Never.self) { try f.store.createUser(username: good, password: "long-enough-1") }
        }
        let u = try #require(try f.store.user(named: "a"))
        #expect(userErrorCode { try f.store.updateUser(id: u.id, UserUpdate(username: "b c")) } == "invalid_username")
    }

    @Test func passwordRules() throws {
        let f = try StoreFixture()
        let cases: [(String, String, String)] = [
            ("erin", "short", "weak_password"),
            ("erin", "1234567", "weak_password"),
            ("erin.long", "erin.long", "weak_password"),
            ("erin.long", "ERIN.LONG", "weak_password"),
            ("erin", String(repeating: "p", count: 1025), "invalid_password"),
            ("erin", "line\nbreak-pass", "invalid_password"),
            ("erin", "tab\tseparated", "invalid_password"),
            // Lengths count code points, as JSON Schema does: one grapheme with 1,024 combining marks is too long.
            ("erin", "e" + String(repeating: "\u{301}", count: 1024), "invalid_password"),
        ]
        for (name, pw, code) in cases {
            let e = userError { try f.store.createUser(username: name, password: pw) }
            #expect(e?.code == code && e?.field == "password", "\(name) \(pw.prefix(20))")
        }
        #expect(try f.store.users().isEmpty)
        // Four grapheme clusters, eight code points: long enough.
        _ = try f.store.createUser(username: "edith", password: String(repeating: "e\u{301}", count: 4))
        let erin = try f.store.createUser(username: "erin", password: "12345678")
        #expect(userErrorCode { try f.store.setPassword(userID: erin.id, to: "erin") } == "weak_password")
        // The new username counts when both change.
        #expect(userErrorCode { try f.store.updateUser(id: erin.id, UserUpdate(username: "frank-long", password: "frank-long")) } == "weak_password")
        #expect(try f.store.user(id: erin.id)?.username == "erin", "nothing changed after a refusal")
    }

    @Test func passwordChangeStoresANewSaltedHash() throws {
        let f = try StoreFixture()
        let u = try f.store.createUser(username: "gina", password: "first-password")
        let before = try #require(try f.storedHash(of: "gina"))
        #expect(PasswordHasher.verify(password: "first-password", against: before))
        f.clock.advance(10)
        let changed = try f.store.setPassword(userID: u.id, to: "second-password")
        #expect(changed.passwordChangedAt > u.passwordChangedAt)
        let after = try #require(try f.storedHash(of: "gina"))
        #expect(after != before && PasswordHasher.verify(password: "second-password", against: after))
        #expect(try f.store.authenticate(username: "gina", password: "first-password", client: "c") == nil)
        #expect(try f.store.authenticate(username: "gina", password: "second-password", client: "c")?.id == u.id)
    }

    @Test func theLastEnabledAdminStays() throws {
        let f = try StoreFixture()
        let root = try f.store.createUser(username: "root", password: "root-password", role: .admin)
        let user = try f.store.createUser(username: "user", password: "user-password")
        let delete = userError { try f.store.deleteUser(id: root.id) }
        #expect(delete?.code == "last_admin" && delete?.field == nil)
        let demote = userError { try f.store.updateUser(id: root.id, UserUpdate(role: .user)) }
        #expect(demote?.code == "last_admin" && demote?.field == "role")
        let disable = userError { try f.store.updateUser(id: root.id, UserUpdate(enabled: false)) }
        #expect(disable?.code == "last_admin" && disable?.field == "enabled")
        #expect(try f.store.user(id: root.id) == root, "nothing changed")
        // Other changes to the last admin are fine, and so is anything done to plain users.
        #expect(try f.store.updateUser(id: root.id, UserUpdate(role: .admin, enabled: true, canSend: false)).isAdmin)
        try f.store.deleteUser(id: user.id)

        // A disabled admin does not count as a second one.
        let spare = try f.store.createUser(username: "spare", password: "spare-password", role: .admin, enabled: false)
        #expect(userErrorCode { try f.store.deleteUser(id: root.id) } == "last_admin")
        try f.store.updateUser(id: spare.id, UserUpdate(enabled: true))
        try f.store.updateUser(id: root.id, UserUpdate(role: .user))
        #expect(userErrorCode { try f.store.updateUser(id: spare.id, UserUpdate(enabled: false)) } == "last_admin")
        try f.store.deleteUser(id: root.id)
        #expect(try f.store.users().map(\.username) == ["spare"])
    }

    @Test func firstRunAdminWithARandomPassword() throws {
        let f = try StoreFixture()
        let result = try f.store.ensureAdmin(passwordFromEnvironment: nil)
        let password = try #require(result.randomPassword)
        #expect(password.count == 20 && password.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
        let admin = try #require(try f.store.user(named: "admin"))
        #expect(admin.isAdmin && admin.enabled)
        #expect(try f.store.authenticate(username: "admin", password: password, client: "c")?.id == admin.id)
        #expect(try f.store.ensureAdmin(passwordFromEnvironment: nil) == .notNeeded)
        #expect(try f.store.ensureAdmin(passwordFromEnvironment: "Another-Password") == .notNeeded)
        #expect(try f.store.users().count == 1)
        #expect(!f.databaseBytes().contains(bytes: password))
    }

    @Test func firstRunAdminFromTheEnvironment() throws {
        let f = try StoreFixture()
        #expect(try f.store.ensureAdmin(passwordFromEnvironment: "Env-Password-9") == .createdFromEnvironment)
        #expect(try f.store.authenticate(username: "admin", password: "Env-Password-9", client: "c")?.username == "admin")

        let g = try StoreFixture()
        #expect(userErrorCode { _ = try g.store.ensureAdmin(passwordFromEnvironment: "short") } == "weak_password")
        #expect(userErrorCode { _ = try g.store.ensureAdmin(passwordFromEnvironment: "admin") } == "weak_password")
        #expect(try g.store.users().isEmpty, "no admin with a refused password")
        // An empty variable counts as unset.
        #expect(try g.store.ensureAdmin(passwordFromEnvironment: "").randomPassword != nil)

        // Users made before the first start (swiftpacs user add) mean no admin is made.
        let h = try StoreFixture()
        try h.store.createUser(username: "ops", password: "ops-password", role: .admin)
        #expect(try h.store.ensureAdmin(passwordFromEnvironment: nil) == .notNeeded)
        #expect(try h.store.user(named: "admin") == nil)
    }

    @Test func migrationAddsTheTablesToAnExistingIndex() throws {
        let f = try StoreFixture()
        try f.store.createUser(username: "ivy", password: "ivy-password")
        // Opening the same index again (a restart) keeps the users.
        let again = UserStore(index: try ArchiveIndex(path: f.indexPath))
        #expect(try again.user(named: "ivy") != nil)
        let version = try f.index.read { db in try db.scalar("SELECT max(version) FROM schema_version") }
        #expect(version == 4)
    }
}
