#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Keeps a few open iconv descriptors per conversion so that GB18030/GBK values do not pay for
/// `iconv_open` each time. A descriptor is lent to one caller at a time (under a lock), so no
/// descriptor is ever used by two threads at once.
final class IconvPool: @unchecked Sendable {
    static let shared = IconvPool()

    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var idle: [String: [iconv_t]] = [:]  // guarded by `mutex`
    private let maxIdlePerKey = 8

    private init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        for list in idle.values { for cd in list { iconv_close(cd) } }
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` with a descriptor for `from` → `to`; nil when the C library lacks the pair.
    func with<R>(from: String, to: String, _ body: (iconv_t?) throws -> R) rethrows -> R {
        let key = from + "\u{0}" + to
        pthread_mutex_lock(mutex)
        let reused = idle[key]?.popLast()
        pthread_mutex_unlock(mutex)
        guard let cd = reused ?? Iconv.open(from: from, to: to) else { return try body(nil) }
        defer {
            pthread_mutex_lock(mutex)
            if idle[key, default: []].count < maxIdlePerKey {
                idle[key, default: []].append(cd)
                pthread_mutex_unlock(mutex)
            } else {
                pthread_mutex_unlock(mutex)
                iconv_close(cd)
            }
        }
        return try body(cd)
    }
}
