import Foundation
import Synchronization
import Archive
@testable import PACS
@testable import TLS

/// A temporary data directory, removed at the end of the test.
final class TempDir {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "swiftpacs-users-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// A clock the test moves by hand.
final class FakeClock: Sendable {
    let value: Mutex<Double>
    init(_ start: Double = 1_700_000_000) { value = Mutex(start) }
    func now() -> Double { value.withLock { $0 } }
    func advance(_ seconds: Double) { value.withLock { $0 += seconds } }
}

/// A user store over a fresh index, with cheap hashes (1000 iterations) and a fake clock
/// shared by the store and its login throttle.
final class StoreFixture {
    static let iterations = 1000
    let dir = TempDir()
    let clock = FakeClock()
    let index: ArchiveIndex
    let store: UserStore
    var indexPath: String { dir.path + "/index.sqlite" }

    init() throws {
        index = try ArchiveIndex(path: dir.path + "/index.sqlite")
        let clock = self.clock
        store = UserStore(index: index, clock: { clock.now() }, throttle: LoginThrottle(now: { clock.now() }),
                          hashIterations: Self.iterations, hasher: { PasswordHasher.hash($0, iterations: StoreFixture.iterations) })
    }

    /// The bytes of the index and its WAL and shared-memory files.
    func databaseBytes() -> [UInt8] {
        ["", "-wal", "-shm"].flatMap { suffix in
            (FileManager.default.contents(atPath: indexPath + suffix)).map { [UInt8]($0) } ?? []
        }
    }

    func storedHash(of username: String) throws -> String? {
        try index.read { db in
            var h: String?
            try db.prepare("SELECT password_hash FROM users WHERE username = ?").query([.text(username)]) { h = $0.text(0) }
            return h
        }
    }
}

extension Array where Element == UInt8 {
    func contains(bytes needle: String) -> Bool {
        let n = Array(needle.utf8)
        guard !n.isEmpty, n.count <= count else { return false }
        for i in 0...(count - n.count) where self[i] == n[0] && Array(self[i..<(i + n.count)]) == n { return true }
        return false
    }
}

/// The code of the UserError `body` throws, or nil.
func userErrorCode(_ body: () throws -> Void) -> String? {
    do { try body() } catch let e as UserError { return e.code } catch { return "other: \(error)" }
    return nil
}

func userError(_ body: () throws -> Void) -> UserError? {
    do { try body() } catch let e as UserError { return e } catch { return nil }
    return nil
}
