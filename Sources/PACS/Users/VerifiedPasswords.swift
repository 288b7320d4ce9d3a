import Synchronization
import TLS

/// Passwords recently proven right, so that a script using HTTP Basic does not pay the slow
/// hash (about 0.2 s of CPU at 600,000 iterations) on every request. Only a keyed SHA-256 of
/// each password is held, in memory, under a key made at start; an entry is good only while
/// the user's stored hash is the one it was proven against (a password change ends it) and
/// for `lifetime` seconds.
final class VerifiedPasswords: Sendable {
    struct Entry {
        var digest: String
        var storedHash: String
        var expires: Double
    }

    static let lifetime: Double = 300
    static let capacity = 1024
    private let key = PasswordHasher.randomToken(bytes: 32)
    private let entries = Mutex<[String: Entry]>([:])

    func digest(_ password: String) -> String { PasswordHasher.sha256Hex(key + "\u{0}" + password) }

    /// Whether `password` was proven right for `username`'s current `storedHash` lately.
    func contains(username: String, password: String, storedHash: String, now: Double) -> Bool {
        guard let e = entries.withLock({ $0[username] }), e.expires > now, e.storedHash == storedHash else { return false }
        return PasswordHasher.constantTimeEqual(e.digest, digest(password))
    }

    func insert(username: String, password: String, storedHash: String, now: Double) {
        let d = digest(password)
        entries.withLock { all in
            if all.count >= Self.capacity { all = all.filter { $0.value.expires > now } }
            if all.count >= Self.capacity { all.removeAll() }
            all[username] = Entry(digest: d, storedHash: storedHash, expires: now + Self.lifetime)
        }
    }

    func remove(username: String) { _ = entries.withLock { $0.removeValue(forKey: username) } }
}
