#if canImport(Glibc)
import Glibc
#endif

/// Runs `body` on a new detached POSIX thread (one per association; blocking I/O).
public func spawnThread(name: String = "", _ body: @escaping @Sendable () -> Void) {
    final class Box: @unchecked Sendable {
        let body: @Sendable () -> Void
        init(_ b: @escaping @Sendable () -> Void) { body = b }
    }
    let box = Unmanaged.passRetained(Box(body)).toOpaque()
    var attr = pthread_attr_t()
    pthread_attr_init(&attr)
    pthread_attr_setdetachstate(&attr, Int32(PTHREAD_CREATE_DETACHED))
    pthread_attr_setstacksize(&attr, 1 << 20)
    var tid = pthread_t()
    let rc = pthread_create(&tid, &attr, { raw in
        let b = Unmanaged<AnyObject>.fromOpaque(raw!).takeRetainedValue() as! Box
        b.body()
        return nil
    }, box)
    pthread_attr_destroy(&attr)
    if rc != 0 {
        // No thread to be had: run inline rather than drop the work.
        _ = Unmanaged<AnyObject>.fromOpaque(box).takeRetainedValue()
        body()
    }
}
