import Testing
@testable import TLS

/// PBKDF2 password hashes, tokens and SHA-256, with OpenSSL underneath.
@Suite struct PasswordHasherTests {
    @Test func roundTripAtTheRealCost() {
        let stored = PasswordHasher.hash("correct horse battery staple")
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        #expect(parts.count == 4)
        #expect(parts[0] == "pbkdf2-sha256")
        #expect(parts[1] == "600000")
        #expect(PasswordHasher.defaultIterations >= 600_000)
        #expect(Base64.decode(Array(parts[2].utf8))?.count == 16)
        #expect(Base64.decode(Array(parts[3].utf8))?.count == 32)
        #expect(PasswordHasher.verify(password: "correct horse battery staple", against: stored))
        #expect(!PasswordHasher.verify(password: "correct horse battery stapler", against: stored))
    }

    @Test func wrongPasswordsFail() {
        let stored = PasswordHasher.hash("Secret-123", iterations: 1000)
        #expect(PasswordHasher.verify(password: "Secret-123", against: stored))
        for wrong in ["", "secret-123", "Secret-1234", "Secret-12", " Secret-123", "Secret-123\n"] {
            #expect(!PasswordHasher.verify(password: wrong, against: stored), "\(wrong)")
        }
    }

    @Test func unicodePasswords() {
        let stored = PasswordHasher.hash("pässwörd-日本", iterations: 1000)
        #expect(PasswordHasher.verify(password: "pässwörd-日本", against: stored))
        #expect(!PasswordHasher.verify(password: "passwörd-日本", against: stored))
    }

    @Test func saltsDiffer() {
        let hashes = (0..<20).map { _ in PasswordHasher.hash("same password", iterations: 1000) }
        #expect(Set(hashes).count == 20)
        let salts = hashes.map { $0.split(separator: "$")[2] }
        #expect(Set(salts).count == 20)
        for h in hashes { #expect(PasswordHasher.verify(password: "same password", against: h)) }
    }

    @Test func iterationCountIsHonoured() throws {
        let stored = PasswordHasher.hash("pw-pw-pw-pw", iterations: 1234)
        #expect(stored.hasPrefix("pbkdf2-sha256$1234$"))
        #expect(PasswordHasher.iterations(of: stored) == 1234)
        let parsed = try #require(PasswordHasher.Parsed(stored))
        // The stored key is PBKDF2 at exactly that count, not at another.
        #expect(PasswordHasher.derive("pw-pw-pw-pw", salt: parsed.salt, iterations: 1234) == parsed.key)
        #expect(PasswordHasher.derive("pw-pw-pw-pw", salt: parsed.salt, iterations: 1233) != parsed.key)
        // Changing the count in the string breaks the match.
        let tampered = stored.replacing("$1234$", with: "$1235$")
        #expect(PasswordHasher.isWellFormed(tampered))
        #expect(!PasswordHasher.verify(password: "pw-pw-pw-pw", against: tampered))
    }

    /// RFC 7914 §11's PBKDF2-HMAC-SHA256 vector: OpenSSL is called right.
    @Test func knownVector() {
        let key = PasswordHasher.derive("passwd", salt: Array("salt".utf8), iterations: 1)
        #expect(hex(key) == "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc")
    }

    @Test func malformedStoredStringsAreRefused() {
        let good = PasswordHasher.hash("password-1", iterations: 1000)
        let parts = good.split(separator: "$").map(String.init)
        let bad = [
            "", "pbkdf2-sha256", "password-1", "$$$", "pbkdf2-sha256$1000$$",
            "pbkdf2-sha1$1000$\(parts[2])$\(parts[3])",
            "PBKDF2-SHA256$1000$\(parts[2])$\(parts[3])",
            "pbkdf2-sha256$0$\(parts[2])$\(parts[3])",
            "pbkdf2-sha256$01000$\(parts[2])$\(parts[3])",
            "pbkdf2-sha256$-1000$\(parts[2])$\(parts[3])",
            "pbkdf2-sha256$+1000$\(parts[2])$\(parts[3])",
            "pbkdf2-sha256$99999999$\(parts[2])$\(parts[3])",
            "pbkdf2-sha256$1000$\(parts[2])",
            "pbkdf2-sha256$1000$\(parts[2])$\(parts[3])$",
            "pbkdf2-sha256$1000$\(parts[2])$\(parts[3])x",
            "pbkdf2-sha256$1000$\(parts[2])$\(parts[3].dropLast(4))",
            "pbkdf2-sha256$1000$!!!!$\(parts[3])",
            "pbkdf2-sha256$1000$QUJD$\(parts[3])",  // 3-byte salt
            "pbkdf2-sha256$1000$\(parts[2]) $\(parts[3])",
            " \(good)",
            "\(good)\n",
        ]
        for b in bad {
            #expect(!PasswordHasher.isWellFormed(b), "\(b)")
            #expect(!PasswordHasher.verify(password: "password-1", against: b), "\(b)")
        }
        #expect(PasswordHasher.isWellFormed(good))
    }

    @Test func tokens() {
        let tokens = (0..<50).map { _ in PasswordHasher.randomToken(bytes: 32) }
        #expect(Set(tokens).count == 50)
        for t in tokens {
            #expect(t.count == 43)
            #expect(t.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        }
        #expect(PasswordHasher.randomToken(bytes: 12).count == 16)
        #expect(PasswordHasher.randomBytes(0).isEmpty)
    }

    @Test func randomPasswords() {
        let passwords = (0..<200).map { _ in PasswordHasher.randomPassword() }
        #expect(Set(passwords).count == 200)
        #expect(passwords.allSatisfy { $0.count == 20 && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } })
        // Every character of the alphabet turns up (4,000 draws from 62).
        #expect(Set(passwords.joined()).count == 62)
        #expect(PasswordHasher.randomPassword(length: 300).count == 300)
    }

    @Test func sha256() {
        #expect(PasswordHasher.sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(PasswordHasher.sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func base64() {
        #expect(Base64.encode(Array("foobar".utf8)) == "Zm9vYmFy")
        #expect(Base64.encode(Array("fooba".utf8)) == "Zm9vYmE=")
        #expect(Base64.encode(Array("foob".utf8)) == "Zm9vYg==")
        #expect(Base64.encode([0xFB, 0xFF], urlSafe: true) == "-_8")
        for n in 0..<40 {
            let bytes = PasswordHasher.randomBytes(n)
            let text = Base64.encode(bytes)
            #expect(n == 0 || Base64.decode(Array(text.utf8)) == bytes)
        }
        for bad in ["Zm9vYg=", "Zm9vYg", "Zm9v=mFy", "Zm9vYh==", "Zm9vYmF=", "Zm=vYmFy", "Zm9v YmFy", "Zm9-YmFy", "===="] {
            #expect(Base64.decode(Array(bad.utf8)) == nil, "\(bad)")
        }
    }

    func hex(_ b: [UInt8]) -> String {
        b.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
