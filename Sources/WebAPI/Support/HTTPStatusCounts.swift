import Synchronization

/// HTTP requests answered since start, by status class (1xx to 5xx), for `/metrics`. The
/// server's access log feeds it, so requests refused before routing (malformed, too large,
/// too slow) count too. Safe from any thread.
public final class HTTPStatusCounts: Sendable {
    private let counts = Mutex([Int](repeating: 0, count: 5))

    public init() {}

    public func record(status: Int) {
        guard (100...599).contains(status) else { return }
        counts.withLock { $0[status / 100 - 1] += 1 }
    }

    /// ("1xx", n) … ("5xx", n).
    public var byClass: [(String, Int)] {
        let c = counts.withLock { $0 }
        return c.enumerated().map { ("\($0.offset + 1)xx", $0.element) }
    }
}
