#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A connected TCP socket: blocking I/O, reads bounded by poll deadlines, writes by a send
/// timeout. TCP_NODELAY is set on every socket: responses go out as soon as they are
/// written instead of waiting on Nagle's algorithm.
public final class HTTPSocket: HTTPByteStream {
    /// The descriptor, or -1 once closed. Guarded so that `shutdown` from another thread
    /// can never hit a descriptor number that `close` released and the kernel reused.
    private let guarded: Mutex<Int32>
    /// The descriptor for the owner thread's I/O (valid until the owner closes it).
    private let fd: Int32
    public let peerAddress: String
    public let peerPort: Int

    init(fd: Int32, peerAddress: String, peerPort: Int) {
        self.fd = fd
        self.guarded = Mutex(fd)
        self.peerAddress = peerAddress
        self.peerPort = peerPort
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close() }

    /// The descriptor, for a stream layered on this socket (TLS) to use from the owner
    /// thread; it stays valid until `close()`.
    public var descriptor: Int32 { fd }

    /// Connects to host:port (a client, for tests and tools).
    public static func connect(host: String, port: Int) throws(HTTPTransportError) -> HTTPSocket {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else {
            throw .io("cannot resolve \(host)")
        }
        defer { freeaddrinfo(list) }
        var ai: UnsafeMutablePointer<addrinfo>? = first
        var lastErrno: Int32 = ECONNREFUSED
        while let a = ai {
            ai = a.pointee.ai_next
            let fd = socket(a.pointee.ai_family, a.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), a.pointee.ai_protocol)
            if fd < 0 { lastErrno = errno; continue }
            if Glibc.connect(fd, a.pointee.ai_addr, a.pointee.ai_addrlen) == 0 {
                return HTTPSocket(fd: fd, peerAddress: host, peerPort: port)
            }
            lastErrno = errno
            Glibc.close(fd)
        }
        throw lastErrno == ECONNREFUSED ? .closed : .io("cannot connect to \(host):\(port): \(String(cString: strerror(lastErrno)))")
    }

    /// The receive timeout set on the socket (SO_RCVTIMEO): the bit pattern of its seconds,
    /// infinity for none. Used by the owner thread only (atomic to keep the class Sendable).
    private let receiveTimeout = Atomic<UInt64>(Double.infinity.bitPattern)

    /// Reads with a blocking recv bounded by SO_RCVTIMEO, so that a request already on its
    /// way costs one system call, not a poll and a recv. The timeout is kept at the power of
    /// two (seconds) just below the time left and only changed when that changes, so a
    /// keep-alive connection waiting on similar deadlines sets it once; a recv that times
    /// out before the deadline simply waits again. A socket made non-blocking by a layer
    /// above falls back to poll.
    public func read(into buffer: UnsafeMutableRawBufferPointer, deadline: Deadline?) throws(HTTPTransportError) -> Int {
        while true {
            var flags: Int32 = 0
            var remaining = Double.infinity
            if let deadline {
                remaining = deadline.remaining
                if remaining <= 0 {
                    // What has already arrived is still taken.
                    flags = Int32(MSG_DONTWAIT)
                } else {
                    setReceiveTimeout(Self.timeoutStep(remaining))
                }
            } else {
                setReceiveTimeout(.infinity)
            }
            let got = recv(fd, buffer.baseAddress, buffer.count, flags)
            if got >= 0 { return got }
            let e = errno
            if e == EINTR { continue }
            if e == EAGAIN || e == EWOULDBLOCK {
                if let deadline, deadline.hasPassed { throw .timedOut }
                // The receive timeout ran out early, or the socket is non-blocking: wait.
                guard try waitReadable(until: deadline) else { throw .timedOut }
                continue
            }
            if e == ECONNRESET || e == EBADF || e == ENOTCONN { return 0 }
            throw .io("receive failed: \(String(cString: strerror(e)))")
        }
    }

    /// The largest power of two (seconds, 1 ms at least) not above `remaining`.
    static func timeoutStep(_ remaining: Double) -> Double {
        guard remaining.isFinite else { return .infinity }
        var step = 1.0 / 1024
        while step * 2 <= min(remaining, 65536) { step *= 2 }
        return step
    }

    private func setReceiveTimeout(_ seconds: Double) {
        guard seconds.bitPattern != receiveTimeout.load(ordering: .relaxed) else { return }
        receiveTimeout.store(seconds.bitPattern, ordering: .relaxed)
        var tv = timeval()
        if seconds.isFinite {
            tv.tv_sec = Int(seconds)
            tv.tv_usec = Int((seconds - Double(Int(seconds))) * 1e6)
        }
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Polls until the socket is readable (true) or the deadline passes (false).
    private func waitReadable(until deadline: Deadline?) throws(HTTPTransportError) -> Bool {
        while true {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let timeout: Int32 = deadline.map { Int32(max(0, min($0.remaining, 86_400)) * 1000 + 0.999) } ?? -1
            let n = poll(&p, 1, timeout)
            if n > 0 { return true }
            if n == 0 { return false }
            if errno == EINTR { continue }
            throw .io("poll failed: \(String(cString: strerror(errno)))")
        }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(HTTPTransportError) {
        var off = 0
        while off < bytes.count {
            let n = send(fd, bytes.baseAddress! + off, bytes.count - off, Int32(MSG_NOSIGNAL))
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { throw .timedOut }
                if errno == EPIPE || errno == ECONNRESET || errno == EBADF || errno == ENOTCONN { throw .closed }
                throw .io("send failed: \(String(cString: strerror(errno)))")
            }
            off += n
        }
    }

    /// Bounds each blocking send: a peer that stops reading for this long is given up.
    public func setSendTimeout(_ seconds: Double) {
        var tv = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Reads whatever is already waiting, without blocking; returns how many bytes.
    @discardableResult
    func discardPending() -> Int {
        var total = 0
        var scratch = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if n <= 0 { return total }
            total += n
        }
    }

    public func shutdownWrite() {
        guarded.withLock { fd in if fd >= 0 { _ = Glibc.shutdown(fd, Int32(SHUT_WR)) } }
    }

    public func shutdown() {
        guarded.withLock { fd in if fd >= 0 { _ = Glibc.shutdown(fd, Int32(SHUT_RDWR)) } }
    }

    public func close() {
        guarded.withLock { fd in
            if fd >= 0 { Glibc.close(fd); fd = -1 }
        }
    }
}
