internal import COpenSSL

/// Salted slow password hashes (PBKDF2-HMAC-SHA256, OpenSSL) and random secrets.
///
/// A hash is one self-describing string, `pbkdf2-sha256$<iterations>$<salt>$<hash>` with the
/// salt (16 random bytes) and the 32-byte derived key in standard base64, so that the
/// iteration count can grow later without invalidating stored hashes.
///
/// The randomness comes from OpenSSL's CSPRNG. If it ever fails the process stops: a
/// predictable salt, session token or password is worse than no answer.
public enum PasswordHasher {
    /// OWASP's figure for PBKDF2-HMAC-SHA256 (2023).
    public static let defaultIterations = 600_000
    static let scheme = "pbkdf2-sha256"
    static let saltBytes = 16
    static let keyBytes = 32
    /// Stored strings outside this range are refused (a corrupt count must not pin a core).
    static let iterationRange = 1...10_000_000

    /// A new salted hash of `password` at the default cost.
    public static func hash(_ password: String) -> String {
        hash(password, iterations: defaultIterations)
    }

    /// Tests use a low `iterations` for speed; production code calls `hash(_:)`.
    static func hash(_ password: String, iterations: Int) -> String {
        precondition(iterationRange.contains(iterations), "PBKDF2 iterations out of range")
        let salt = randomBytes(saltBytes)
        let key = derive(password, salt: salt, iterations: iterations)
        return "\(scheme)$\(iterations)$\(Base64.encode(salt))$\(Base64.encode(key))"
    }

    /// Whether `password` matches `stored`. The derived key is compared in constant time;
    /// a malformed stored string never matches.
    public static func verify(password: String, against stored: String) -> Bool {
        guard let p = Parsed(stored) else { return false }
        let key = derive(password, salt: p.salt, iterations: p.iterations)
        return key.withUnsafeBytes { a in
            p.key.withUnsafeBytes { b in CRYPTO_memcmp(a.baseAddress, b.baseAddress, keyBytes) == 0 }
        }
    }

    /// Whether two strings are equal, in time independent of where they first differ.
    public static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var d: UInt8 = 0
        for i in x.indices { d |= x[i] ^ y[i] }
        return d == 0
    }

    /// Whether `stored` is a hash this type can check.
    public static func isWellFormed(_ stored: String) -> Bool { Parsed(stored) != nil }

    /// The iteration count of a well-formed stored hash.
    public static func iterations(of stored: String) -> Int? { Parsed(stored)?.iterations }

    /// `bytes` random bytes as URL-safe base64 without padding (for session and API tokens).
    public static func randomToken(bytes: Int = 32) -> String {
        Base64.encode(randomBytes(bytes), urlSafe: true)
    }

    /// A random password of `length` letters and digits (no punctuation: a double click
    /// selects all of it in a terminal). 20 characters carry about 119 bits.
    public static func randomPassword(length: Int = 20) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(length)
        while out.count < length {
            // Bytes of 248 and above are skipped so that every character is equally likely.
            for b in randomBytes(length) where b < 248 && out.count < length { out.append(alphabet[Int(b) % 62]) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The SHA-256 of the UTF-8 bytes of `text`, as 64 lower-case hex digits (tokens are
    /// stored as this, never as themselves).
    public static func sha256Hex(_ text: String) -> String {
        let input = Array(text.utf8)
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let ok = input.withUnsafeBytes { i in
            EVP_Digest(i.baseAddress, i.count, &digest, &length, EVP_sha256(), nil)
        }
        guard ok == 1, length == 32 else { fatalError("OpenSSL SHA-256 failed: \(TLSError.openSSLReason())") }
        let hex = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for b in digest {
            out.append(hex[Int(b >> 4)])
            out.append(hex[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A second secret derived from `secret` for one `purpose`: HMAC-SHA256 (RFC 2104) keyed
    /// with `secret`, as URL-safe base64. Whoever holds `secret` can compute it, nobody else; so
    /// it need not be stored (the CSRF token of a session is this of the session's token).
    public static func derivedToken(from secret: String, purpose: String) -> String {
        let key = Array(secret.utf8), message = Array(purpose.utf8)
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let result = key.withUnsafeBytes { k in
            message.withUnsafeBytes { m in
                HMAC(EVP_sha256(), k.baseAddress, Int32(k.count), m.bindMemory(to: UInt8.self).baseAddress, m.count,
                     &digest, &length)
            }
        }
        guard result != nil, length == 32 else { fatalError("OpenSSL HMAC-SHA256 failed: \(TLSError.openSSLReason())") }
        return Base64.encode(digest, urlSafe: true)
    }

    /// `count` bytes from OpenSSL's CSPRNG.
    public static func randomBytes(_ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        guard count > 0 else { return out }
        let ok = out.withUnsafeMutableBytes { RAND_bytes($0.baseAddress, Int32($0.count)) }
        guard ok == 1 else { fatalError("OpenSSL's random generator failed: \(TLSError.openSSLReason())") }
        return out
    }

    static func derive(_ password: String, salt: [UInt8], iterations: Int) -> [UInt8] {
        let pw = Array(password.utf8)
        var key = [UInt8](repeating: 0, count: keyBytes)
        let ok = pw.withUnsafeBufferPointer { p in
            salt.withUnsafeBufferPointer { s in
                p.withMemoryRebound(to: CChar.self) { pc in
                    PKCS5_PBKDF2_HMAC(pc.baseAddress, Int32(pc.count), s.baseAddress, Int32(s.count),
                                      Int32(iterations), EVP_sha256(), Int32(keyBytes), &key)
                }
            }
        }
        guard ok == 1 else { fatalError("OpenSSL PBKDF2 failed: \(TLSError.openSSLReason())") }
        return key
    }

    /// The parts of a stored hash, checked strictly: the scheme, a canonical decimal count in
    /// range, a salt of 8–64 bytes and a 32-byte key, both in canonical base64.
    struct Parsed {
        let iterations: Int
        let salt: [UInt8]
        let key: [UInt8]

        init?(_ stored: String) {
            let parts = stored.utf8.split(separator: UInt8(ascii: "$"), omittingEmptySubsequences: false)
            guard parts.count == 4, String(decoding: parts[0], as: UTF8.self) == PasswordHasher.scheme else { return nil }
            let digits = parts[1]
            guard (1...8).contains(digits.count), digits.first != UInt8(ascii: "0"),
                  digits.allSatisfy({ (48...57).contains($0) }),
                  let n = Int(String(decoding: digits, as: UTF8.self)), iterationRange.contains(n) else { return nil }
            guard let salt = Base64.decode(parts[2]), (8...64).contains(salt.count),
                  let key = Base64.decode(parts[3]), key.count == keyBytes else { return nil }
            iterations = n
            self.salt = salt
            self.key = key
        }
    }
}
