#if canImport(Glibc)
import Glibc
#endif

/// A point on the monotonic clock (immune to wall-clock changes).
public struct Deadline: Sendable, Comparable {
    /// Seconds on CLOCK_MONOTONIC.
    public let seconds: Double

    public init(seconds: Double) { self.seconds = seconds }

    public static var now: Deadline {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Deadline(seconds: Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9)
    }

    /// `interval` seconds from now.
    public static func after(_ interval: Double) -> Deadline { Deadline(seconds: now.seconds + interval) }

    /// Seconds left (negative once passed).
    public var remaining: Double { seconds - Deadline.now.seconds }
    public var hasPassed: Bool { remaining <= 0 }

    public static func < (a: Deadline, b: Deadline) -> Bool { a.seconds < b.seconds }

    /// The earlier of two optional deadlines.
    static func earliest(_ a: Deadline?, _ b: Deadline?) -> Deadline? {
        guard let a else { return b }
        guard let b else { return a }
        return min(a, b)
    }
}

/// Wall-clock time in seconds since 1970 (for logs and Date headers).
func wallClock() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
