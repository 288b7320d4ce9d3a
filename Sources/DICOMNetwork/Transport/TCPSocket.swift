#if canImport(Glibc)
import Glibc
#endif

/// A connected TCP socket with blocking I/O and per-call timeouts (poll). TCP_NODELAY is set
/// on every socket: without it each DIMSE round trip waits on Nagle's algorithm.
public final class TCPSocket: @unchecked Sendable {
    // `fd` changes only in close(), which callers serialise (one owner thread per association;
    // other threads may only call shutdown()).
    private var fd: Int32
    public let peerAddress: String
    public let peerPort: Int
    // Read-ahead buffer (owned by the thread that reads).
    private var readAhead = [UInt8](repeating: 0, count: TCPSocket.readAheadSize)
    private var bufferStart = 0
    private var bufferEnd = 0

    init(fd: Int32, peerAddress: String, peerPort: Int) {
        self.fd = fd
        self.peerAddress = peerAddress
        self.peerPort = peerPort
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    var rawDescriptor: Int32 { fd }
    var hasBufferedData: Bool { bufferEnd > bufferStart }

    /// Connects to host:port within `timeout` seconds.
    public static func connect(host: String, port: Int, timeout: Double) throws(TransportError) -> TCPSocket {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let first = list else {
            throw .resolveFailed(host: host, reason: String(cString: gai_strerror(rc)))
        }
        defer { freeaddrinfo(list) }
        var lastError: TransportError = .connectionRefused(host: host, port: port)
        var ai: UnsafeMutablePointer<addrinfo>? = first
        while let a = ai {
            ai = a.pointee.ai_next
            let fd = socket(a.pointee.ai_family, a.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), a.pointee.ai_protocol)
            if fd < 0 { continue }
            let flags = fcntl(fd, F_GETFL)
            _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
            var r = Glibc.connect(fd, a.pointee.ai_addr, a.pointee.ai_addrlen)
            if r != 0 && errno == EINPROGRESS {
                var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                let n = poll(&p, 1, Int32(timeout * 1000))
                if n == 0 {
                    Glibc.close(fd)
                    lastError = .timedOut("connecting to \(host):\(port) after \(timeout) s (is a firewall dropping packets?)")
                    continue
                }
                var err: Int32 = 0
                var len = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len)
                r = err == 0 ? 0 : -1
                errno = err
            }
            if r != 0 {
                let e = errno
                Glibc.close(fd)
                lastError = e == ECONNREFUSED ? .connectionRefused(host: host, port: port)
                    : .io("cannot connect to \(host):\(port): \(String(cString: strerror(e)))")
                continue
            }
            _ = fcntl(fd, F_SETFL, flags)
            return TCPSocket(fd: fd, peerAddress: host, peerPort: port)
        }
        throw lastError
    }

    /// Waits until readable; false on timeout. `timeout` nil waits forever.
    private func waitReadable(_ timeout: Double?) throws(TransportError) -> Bool {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while true {
            let n = poll(&p, 1, timeout.map { Int32(max(0, $0) * 1000) } ?? -1)
            if n > 0 { return true }
            if n == 0 { return false }
            if errno != EINTR { throw .io("poll failed: \(String(cString: strerror(errno)))") }
        }
    }

    /// Reads exactly `count` bytes; each wait for data is bounded by `timeout`.
    public func read(exactly count: Int, timeout: Double?, what: @autoclosure () -> String = "for data") throws(TransportError) -> [UInt8] {
        var failure: TransportError?
        // Uninitialised storage: the kernel (or the buffer) fills it, so no pass zeroing megabytes first.
        let out = [UInt8](unsafeUninitializedCapacity: count) { buf, initialized in
            var got = 0
            // Bytes already read ahead come first.
            let buffered = min(count, bufferEnd - bufferStart)
            if buffered > 0 {
                readAhead.withUnsafeBytes { src in
                    UnsafeMutableRawBufferPointer(start: buf.baseAddress!, count: buffered).copyMemory(from: UnsafeRawBufferPointer(rebasing: src[bufferStart..<(bufferStart + buffered)]))
                }
                bufferStart += buffered
                got = buffered
            }
            while got < count {
                let want = count - got
                // Small reads go through the read-ahead buffer: one recv can bring several PDUs.
                let n: Int
                if want < Self.readAheadSize / 2 {
                    n = readAhead.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, Self.readAheadSize, Int32(MSG_DONTWAIT)) }
                    if n > 0 {
                        let take = min(n, want)
                        readAhead.withUnsafeBytes { src in
                            UnsafeMutableRawBufferPointer(start: buf.baseAddress! + got, count: take).copyMemory(from: UnsafeRawBufferPointer(rebasing: src[0..<take]))
                        }
                        bufferStart = take
                        bufferEnd = n
                        got += take
                        continue
                    }
                } else {
                    n = recv(fd, buf.baseAddress! + got, want, Int32(MSG_DONTWAIT))
                    if n > 0 { got += n; continue }
                }
                if n == 0 { failure = .closed; break }
                if errno == EINTR { continue }
                if errno != EAGAIN && errno != EWOULDBLOCK {
                    failure = errno == ECONNRESET ? .closed : .io("receive failed: \(String(cString: strerror(errno)))")
                    break
                }
                // Nothing there yet: wait, within the timeout.
                do {
                    guard try waitReadable(timeout) else { failure = .timedOut(what()); break }
                } catch let e as TransportError {
                    failure = e
                    break
                } catch {
                    failure = .io("\(error)")
                    break
                }
            }
            if failure != nil { buf.initialize(repeating: 0) }
            initialized = count
        }
        if let f = failure { throw f }
        return out
    }

    static let readAheadSize = 64 * 1024

    /// Writes all of `bytes`.
    public func write(_ bytes: [UInt8]) throws(TransportError) {
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + off, $0.count - off, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { throw .timedOut("sending to \(peerAddress): the peer stopped reading") }
                if errno == EPIPE || errno == ECONNRESET { throw .closed }
                throw .io("send failed: \(String(cString: strerror(errno)))")
            }
            off += n
        }
    }

    /// Send timeout for writes to a peer that stopped reading.
    public func setSendTimeout(_ seconds: Double) {
        var tv = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Stops both directions; a thread blocked in read wakes up. Safe from any thread.
    public func shutdown() { _ = Glibc.shutdown(fd, Int32(SHUT_RDWR)) }

    public func close() {
        if fd >= 0 { Glibc.close(fd); fd = -1 }
    }
}

extension TCPSocket {
    /// Whether bytes (or an end of stream) are waiting to be read, without blocking.
    public func hasData() -> Bool {
        if hasBufferedData { return true }
        var p = pollfd(fd: rawDescriptor, events: Int16(POLLIN), revents: 0)
        return poll(&p, 1, 0) > 0
    }
}
