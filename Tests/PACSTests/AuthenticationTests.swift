import Testing
@testable import PACS
@testable import TLS

/// Logging in: one answer for every failure, and the throttle.
@Suite struct AuthenticationTests {
    @Test func theSameAnswerForUnknownUsersWrongPasswordsAndDisabledAccounts() throws {
        let f = try StoreFixture()
        let u = try f.store.createUser(username: "joe", password: "joes-password")
        let off = try f.store.createUser(username: "off", password: "offs-password", enabled: false)
        #expect(try f.store.authenticate(username: "joe", password: "joes-password", client: "10.0.0.1") == u)
        #expect(try f.store.authenticate(username: "joe", password: "wrong-password", client: "10.0.0.1") == nil)
        #expect(f.store.dummyHash.withLock { $0 } == nil, "a known user needs no dummy hash")
        #expect(try f.store.authenticate(username: "nobody", password: "joes-password", client: "10.0.0.1") == nil)
        #expect(try f.store.authenticate(username: "Joe", password: "joes-password", client: "10.0.0.1") == nil)
        #expect(try f.store.authenticate(username: "bad name!", password: "joes-password", client: "10.0.0.1") == nil)
        #expect(try f.store.authenticate(username: "off", password: "offs-password", client: "10.0.0.1") == nil)
        #expect(try f.store.authenticate(username: "joe", password: "", client: "10.0.0.1") == nil)
        _ = off
        // Unknown users are checked against a real hash of the same cost, so they take as long.
        let dummy = try #require(f.store.dummyHash.withLock { $0 })
        #expect(PasswordHasher.iterations(of: dummy) == StoreFixture.iterations)
    }

    @Test func unknownUsersCostAsMuchAsKnownOnes() throws {
        // At the real cost: an unknown username must not answer measurably faster.
        let f = try StoreFixture()
        let store = UserStore(index: f.index)
        _ = try store.authenticate(username: "ghost", password: "x", client: "warm-up")  // makes the dummy hash
        let clock = ContinuousClock()
        let unknown = try clock.measure { _ = try store.authenticate(username: "ghost2", password: "guess-guess", client: "a") }
        #expect(unknown > .milliseconds(20), "PBKDF2 at 600,000 iterations ran for an unknown user")
    }

    @Test func throttlingPerUsername() throws {
        let f = try StoreFixture()
        try f.store.createUser(username: "kim", password: "kims-password")
        for i in 0..<5 {
            #expect(try f.store.authenticate(username: "kim", password: "guess-\(i)", client: "10.0.0.\(i)") == nil)
        }
        // Locked: even the right password is refused, from any address, without being checked.
        let e = userError { _ = try f.store.authenticate(username: "kim", password: "kims-password", client: "10.9.9.9") }
        #expect(e?.code == "too_many_attempts" && e?.retryAfter == 30)
        #expect(e?.message == "too many attempts, retry after 30 s")
        f.clock.advance(12)
        #expect(userError { _ = try f.store.authenticate(username: "kim", password: "x", client: "c") }?.retryAfter == 18)
        // Other users are not affected.
        #expect(try f.store.authenticate(username: "other", password: "nope-nope", client: "10.0.0.1") == nil)
        f.clock.advance(18)
        // Each further failure doubles the delay.
        #expect(try f.store.authenticate(username: "kim", password: "guess-5", client: "c") == nil)
        #expect(userError { _ = try f.store.authenticate(username: "kim", password: "x", client: "c") }?.retryAfter == 60)
        f.clock.advance(60)
        #expect(try f.store.authenticate(username: "kim", password: "guess-6", client: "c") == nil)
        #expect(userError { _ = try f.store.authenticate(username: "kim", password: "x", client: "c") }?.retryAfter == 120)
        f.clock.advance(120)
        // A success clears the count.
        #expect(try f.store.authenticate(username: "kim", password: "kims-password", client: "c") != nil)
        for i in 0..<4 { #expect(try f.store.authenticate(username: "kim", password: "again-\(i)", client: "d") == nil) }
        #expect(try f.store.authenticate(username: "kim", password: "kims-password", client: "d") != nil)
    }

    @Test func throttlingPerClientAddress() throws {
        let f = try StoreFixture()
        try f.store.createUser(username: "lee", password: "lees-password")
        // Spraying one password over many usernames from one address.
        for i in 0..<10 {
            #expect(try f.store.authenticate(username: "user\(i)", password: "Summer2024", client: "203.0.113.5") == nil)
        }
        let e = userError { _ = try f.store.authenticate(username: "lee", password: "lees-password", client: "203.0.113.5") }
        #expect(e?.code == "too_many_attempts" && e?.retryAfter == 30)
        // Another address is let through.
        #expect(try f.store.authenticate(username: "lee", password: "lees-password", client: "198.51.100.7") != nil)
        f.clock.advance(30)
        #expect(try f.store.authenticate(username: "lee", password: "lees-password", client: "203.0.113.5") != nil)
    }

    @Test func failuresFarApartDoNotAddUp() throws {
        let f = try StoreFixture()
        for i in 0..<12 {
            #expect(try f.store.authenticate(username: "mo", password: "guess-\(i)", client: "c") == nil)
            f.clock.advance(901)
        }
        #expect(f.store.throttle.retryAfter(username: "mo", client: "c") == nil)
    }

    @Test func throttleDelaysAreCappedAndTablesBounded() {
        let clock = FakeClock()
        let t = LoginThrottle(maxEntries: 100, now: { clock.now() })
        for _ in 0..<40 {
            t.recordFailure(username: "x", client: "c")
            clock.advance(1)
        }
        #expect(t.retryAfter(username: "x", client: "c") == 900 - 1)
        for i in 0..<1000 { t.recordFailure(username: "u\(i)", client: "c\(i)") }
        #expect(t.trackedCount.usernames <= 100 && t.trackedCount.clients <= 100)
        t.recordFailure(username: String(repeating: "y", count: 1 << 20), client: "c")
        #expect(LoginThrottle.key(String(repeating: "y", count: 1 << 20)).utf8.count == 256)
    }

    @Test func anOldHashIsUpgradedAtLogin() throws {
        let f = try StoreFixture()
        let u = try f.store.createUser(username: "nia", password: "nias-password")
        // A store whose cost is higher than the stored hash's (as after raising the default).
        let clock = f.clock
        let stronger = UserStore(index: f.index, clock: { clock.now() }, throttle: LoginThrottle(now: { clock.now() }),
                                 hashIterations: 2000, hasher: { PasswordHasher.hash($0, iterations: 2000) })
        #expect(try stronger.authenticate(username: "nia", password: "nias-password", client: "c")?.id == u.id)
        let stored = try #require(try f.storedHash(of: "nia"))
        #expect(PasswordHasher.iterations(of: stored) == 2000)
        #expect(try f.store.authenticate(username: "nia", password: "nias-password", client: "c")?.id == u.id)
    }

    @Test func aProvenPasswordSkipsTheSlowHashUntilItChanges() throws {
        let f = try StoreFixture()
        let u = try f.store.createUser(username: "ivy", password: "ivys-password")
        #expect(try f.store.authenticate(username: "ivy", password: "ivys-password", client: "c")?.id == u.id)
        let stored = try #require(try f.storedHash(of: "ivy"))
        #expect(f.store.verified.contains(username: "ivy", password: "ivys-password", storedHash: stored, now: f.clock.now()))
        // Only the right password, only against the stored hash it was proven for, only for a while.
        #expect(!f.store.verified.contains(username: "ivy", password: "ivys-passworD", storedHash: stored, now: f.clock.now()))
        #expect(try f.store.authenticate(username: "ivy", password: "ivys-passworD", client: "c") == nil)
        #expect(!f.store.verified.contains(username: "ivy", password: "ivys-password", storedHash: stored,
                                           now: f.clock.now() + VerifiedPasswords.lifetime + 1))
        _ = try f.store.setPassword(userID: u.id, to: "ivys-new-password")
        #expect(try f.store.authenticate(username: "ivy", password: "ivys-password", client: "c") == nil,
                "the old password stops working at once")
        #expect(try f.store.authenticate(username: "ivy", password: "ivys-new-password", client: "c")?.id == u.id)
        _ = try f.store.updateUser(id: u.id, UserUpdate(enabled: false))
        #expect(try f.store.authenticate(username: "ivy", password: "ivys-new-password", client: "c") == nil,
                "a disabled account is refused even with a proven password")
    }
}
