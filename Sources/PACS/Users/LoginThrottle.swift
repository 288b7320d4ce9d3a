import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Slows password guessing, in memory, per username and per client address.
///
/// Failures count while they come less than `window` apart. From the `maxFailures`-th on,
/// each failure locks that key for `baseDelay`, doubling with every further failure up to
/// `maxDelay`; a locked key is refused without the password being checked. A success clears
/// the username's count (not the address's: one good account must not buy more guesses at
/// others). Unknown usernames count like known ones, so the answers tell nothing.
public final class LoginThrottle: Sendable {
    public struct Policy: Sendable, Equatable {
        public var maxFailures: Int
        public var window: Double
        public var baseDelay: Double
        public var maxDelay: Double

        public init(maxFailures: Int, window: Double, baseDelay: Double, maxDelay: Double) {
            self.maxFailures = maxFailures
            self.window = window
            self.baseDelay = baseDelay
            self.maxDelay = maxDelay
        }

        /// 5 failures within 15 minutes, then 30 s, 60 s, … up to 15 minutes.
        public static let perUsername = Policy(maxFailures: 5, window: 900, baseDelay: 30, maxDelay: 900)
        /// An address may try several accounts (a shared office NAT): 10, then the same delays.
        public static let perClient = Policy(maxFailures: 10, window: 900, baseDelay: 30, maxDelay: 900)

        func delay(afterFailures n: Int) -> Double {
            guard n >= maxFailures else { return 0 }
            let doublings = min(n - maxFailures, 30)
            return min(baseDelay * Double(1 << doublings), maxDelay)
        }
    }

    struct Entry {
        var failures = 0
        var lastFailure = 0.0
        var lockedUntil = 0.0
    }

    struct State {
        var usernames: [String: Entry] = [:]
        var clients: [String: Entry] = [:]
    }

    public let usernamePolicy: Policy
    public let clientPolicy: Policy
    let maxEntries: Int
    let now: @Sendable () -> Double
    let state = Mutex(State())

    /// - Parameters:
    ///   - now: seconds on a steady clock (tests pass a fake one).
    ///   - maxEntries: bound of each table; quiet entries go first when it is reached.
    public init(usernamePolicy: Policy = .perUsername, clientPolicy: Policy = .perClient, maxEntries: Int = 10_000,
                now: @escaping @Sendable () -> Double = LoginThrottle.monotonicNow) {
        self.usernamePolicy = usernamePolicy
        self.clientPolicy = clientPolicy
        self.maxEntries = max(maxEntries, 1)
        self.now = now
    }

    public static func monotonicNow() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Whole seconds to wait before `username` may try again from `client`, nil when allowed.
    public func retryAfter(username: String, client: String) -> Int? {
        let t = now()
        let (u, c) = (Self.key(username), Self.key(client))
        let until = state.withLock { s in max(s.usernames[u]?.lockedUntil ?? 0, s.clients[c]?.lockedUntil ?? 0) }
        guard until > t else { return nil }
        return max(1, Int((until - t).rounded(.up)))
    }

    public func recordFailure(username: String, client: String) {
        let t = now()
        let (u, c) = (Self.key(username), Self.key(client))
        state.withLock { s in
            Self.fail(&s.usernames, u, usernamePolicy, t, maxEntries)
            Self.fail(&s.clients, c, clientPolicy, t, maxEntries)
        }
    }

    public func recordSuccess(username: String, client: String) {
        let u = Self.key(username)
        _ = state.withLock { s in s.usernames.removeValue(forKey: u) }
    }

    /// How many entries are tracked (usernames, clients).
    public var trackedCount: (usernames: Int, clients: Int) {
        state.withLock { ($0.usernames.count, $0.clients.count) }
    }

    /// Keys are bounded: an attacker's megabyte-long username must not become a megabyte of state.
    static func key(_ s: String) -> String {
        s.utf8.count <= 256 ? s : String(decoding: s.utf8.prefix(256), as: UTF8.self)
    }

    static func fail(_ table: inout [String: Entry], _ key: String, _ policy: Policy, _ t: Double, _ maxEntries: Int) {
        var e = table[key] ?? Entry()
        if e.failures > 0, t - e.lastFailure > policy.window { e.failures = 0 }
        e.failures += 1
        e.lastFailure = t
        let delay = policy.delay(afterFailures: e.failures)
        if delay > 0 { e.lockedUntil = max(e.lockedUntil, t + delay) }
        table[key] = e
        if table.count > maxEntries { prune(&table, policy, t, maxEntries) }
    }

    /// Drops entries that neither lock nor count any more; then, if still full, the oldest.
    static func prune(_ table: inout [String: Entry], _ policy: Policy, _ t: Double, _ maxEntries: Int) {
        table = table.filter { $0.value.lockedUntil > t || t - $0.value.lastFailure <= policy.window }
        guard table.count > maxEntries else { return }
        let keep = table.sorted { $0.value.lastFailure > $1.value.lastFailure }.prefix(maxEntries * 9 / 10 + 1)
        table = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
    }
}
