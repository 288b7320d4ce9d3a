#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A listening TCP socket.
///
/// `close()` stops listening at once (shutdown) but the descriptor itself is closed only when
/// the listener is released: a thread that is about to call accept() must never reach a
/// descriptor number that the system has since given to another socket (a new listener on
/// the same port would lose its connections to a stopped server).
public final class TCPListener: @unchecked Sendable {
    private let fd: Int32
    private let closed = Atomic<Bool>(false)
    public let host: String
    /// The bound port (the actual one when 0 was asked for).
    public let port: Int

    public init(host: String, port: Int, backlog: Int32 = 128) throws(TransportError) {
        let v6 = host.contains(":")
        let fd = socket(v6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .io("cannot create a socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var rc: Int32
        var bound = 0
        if v6 {
            var a = sockaddr_in6()
            a.sin6_family = sa_family_t(AF_INET6)
            a.sin6_port = in_port_t(UInt16(port).bigEndian)
            guard inet_pton(AF_INET6, host, &a.sin6_addr) == 1 else {
                Glibc.close(fd)
                throw .resolveFailed(host: host, reason: "not an IPv6 address")
            }
            rc = withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) } }
        } else {
            var a = sockaddr_in()
            a.sin_family = sa_family_t(AF_INET)
            a.sin_port = in_port_t(UInt16(port).bigEndian)
            guard inet_pton(AF_INET, host, &a.sin_addr) == 1 else {
                Glibc.close(fd)
                throw .resolveFailed(host: host, reason: "not an IPv4 address")
            }
            rc = withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        }
        if rc != 0 {
            let e = errno
            Glibc.close(fd)
            if e == EADDRINUSE { throw .addressInUse(host: host, port: port) }
            if e == EACCES { throw .io("not allowed to listen on port \(port) (ports below 1024 need privileges)") }
            throw .io("cannot listen on \(host):\(port): \(String(cString: strerror(e)))")
        }
        guard listen(fd, backlog) == 0 else {
            let e = errno
            Glibc.close(fd)
            throw .io("cannot listen on \(host):\(port): \(String(cString: strerror(e)))")
        }
        var ss = sockaddr_storage()
        var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
        withUnsafeMutablePointer(to: &ss) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &len) } }
        bound = Self.port(of: &ss)
        self.fd = fd
        self.host = host
        self.port = bound
    }

    static func port(of ss: inout sockaddr_storage) -> Int {
        withUnsafePointer(to: &ss) { p -> Int in
            if Int32(p.pointee.ss_family) == AF_INET6 {
                return p.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
            }
            return p.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
        }
    }

    static func address(of ss: inout sockaddr_storage) -> String {
        var buf = [CChar](repeating: 0, count: 64)
        withUnsafePointer(to: &ss) { p in
            if Int32(p.pointee.ss_family) == AF_INET6 {
                p.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { a in
                    var addr = a.pointee.sin6_addr
                    _ = inet_ntop(AF_INET6, &addr, &buf, 64)
                }
            } else {
                p.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { a in
                    var addr = a.pointee.sin_addr
                    _ = inet_ntop(AF_INET, &addr, &buf, 64)
                }
            }
        }
        return String(decoding: buf.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    deinit { Glibc.close(fd) }

    /// Blocks until a connection arrives; nil once the listener is closed.
    public func accept() -> TCPSocket? {
        while true {
            if closed.load(ordering: .acquiring) { return nil }
            var ss = sockaddr_storage()
            var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let c = withUnsafeMutablePointer(to: &ss) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.accept(fd, $0, &len) } }
            if c >= 0 {
                _ = fcntl(c, F_SETFD, FD_CLOEXEC)
                return TCPSocket(fd: c, peerAddress: Self.address(of: &ss), peerPort: Self.port(of: &ss))
            }
            if errno == EINTR || errno == ECONNABORTED || errno == EMFILE || errno == ENFILE {
                if errno == EMFILE || errno == ENFILE { usleep(10_000) }
                continue
            }
            return nil
        }
    }

    /// Stops accepting: a thread blocked in accept() returns nil, new connections are refused.
    public func close() {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        _ = Glibc.shutdown(fd, Int32(SHUT_RDWR))
    }
}
