#if canImport(Glibc)
import Glibc
#endif

enum Clock {
    /// Monotonic seconds.
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

extension String {
    /// A number with one decimal.
    init(format1 v: Double) {
        let r = (v * 10).rounded() / 10
        self = String(r)
    }
}
