#if canImport(Glibc)
import Glibc
#endif

/// A listening TCP socket (IPv4 or IPv6 literal address).
final class HTTPListener: Sendable {
    private let fd: Int32
    let host: String
    /// The bound port (the actual one when 0 was asked for).
    let port: Int

    init(host: String, port: Int, backlog: Int32 = 1024) throws(HTTPTransportError) {
        let v6 = host.contains(":")
        let fd = socket(v6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .io("cannot create a socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var storage = sockaddr_storage()
        let length: Int
        if v6 {
            var a = sockaddr_in6()
            a.sin6_family = sa_family_t(AF_INET6)
            a.sin6_port = in_port_t(UInt16(truncatingIfNeeded: port).bigEndian)
            guard inet_pton(AF_INET6, host, &a.sin6_addr) == 1 else { Glibc.close(fd); throw .io("'\(host)' is not an IPv6 address") }
            withUnsafeMutableBytes(of: &storage) { s in withUnsafeBytes(of: a) { s.copyMemory(from: $0) } }
            length = MemoryLayout<sockaddr_in6>.size
        } else {
            var a = sockaddr_in()
            a.sin_family = sa_family_t(AF_INET)
            a.sin_port = in_port_t(UInt16(truncatingIfNeeded: port).bigEndian)
            guard inet_pton(AF_INET, host, &a.sin_addr) == 1 else { Glibc.close(fd); throw .io("'\(host)' is not an IPv4 address") }
            withUnsafeMutableBytes(of: &storage) { s in withUnsafeBytes(of: a) { s.copyMemory(from: $0) } }
            length = MemoryLayout<sockaddr_in>.size
        }
        let rc = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(length)) }
        }
        if rc != 0 || listen(fd, backlog) != 0 {
            let e = errno
            Glibc.close(fd)
            if e == EADDRINUSE { throw .addressInUse(host: host, port: port) }
            if e == EACCES { throw .io("not allowed to listen on port \(port) (ports below 1024 need privileges)") }
            throw .io("cannot listen on \(host):\(port): \(String(cString: strerror(e)))")
        }
        var bound = sockaddr_storage()
        var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
        withUnsafeMutablePointer(to: &bound) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &len) } }
        self.fd = fd
        self.host = host
        self.port = Self.endpoint(&bound).port
    }

    static func endpoint(_ ss: inout sockaddr_storage) -> (address: String, port: Int) {
        var buf = [CChar](repeating: 0, count: 64)
        let port: Int = withUnsafePointer(to: &ss) { p in
            if Int32(p.pointee.ss_family) == AF_INET6 {
                return p.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { a in
                    var addr = a.pointee.sin6_addr
                    _ = inet_ntop(AF_INET6, &addr, &buf, 64)
                    return Int(UInt16(bigEndian: a.pointee.sin6_port))
                }
            }
            return p.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { a in
                var addr = a.pointee.sin_addr
                _ = inet_ntop(AF_INET, &addr, &buf, 64)
                return Int(UInt16(bigEndian: a.pointee.sin_port))
            }
        }
        return (String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self), port)
    }

    /// Blocks until a connection arrives; nil once the listener is closed.
    func accept() -> HTTPSocket? {
        while true {
            var ss = sockaddr_storage()
            var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let c = withUnsafeMutablePointer(to: &ss) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.accept(fd, $0, &len) }
            }
            if c >= 0 {
                _ = fcntl(c, F_SETFD, FD_CLOEXEC)
                let peer = Self.endpoint(&ss)
                return HTTPSocket(fd: c, peerAddress: peer.address, peerPort: peer.port)
            }
            switch errno {
            case EINTR, ECONNABORTED, EPROTO: continue
            case EMFILE, ENFILE, ENOBUFS, ENOMEM: usleep(10_000); continue
            default: return nil
            }
        }
    }

    /// Stops accepting: a thread blocked in accept() returns nil. The descriptor is
    /// released by the accepting thread's `release()` so its number cannot be reused early.
    func close() {
        _ = Glibc.shutdown(fd, Int32(SHUT_RDWR))
    }

    func release() { Glibc.close(fd) }
}
