#if canImport(Glibc)
import Glibc
#endif

/// The host's addresses, as the OS reports them (getifaddrs), for the settings pages.
public enum NetworkInterfaces {
    /// One address of one interface.
    public struct Address: Sendable, Equatable {
        public var interface: String
        public var address: String
        public var isIPv6: Bool
        public var isLoopback: Bool
    }

    /// Every IPv4 and IPv6 address of every interface that is up: IPv4 first, loopback last.
    public static func addresses() -> [Address] {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return [] }
        defer { freeifaddrs(list) }
        var out: [Address] = []
        var p: UnsafeMutablePointer<ifaddrs>? = first
        while let ifa = p {
            p = ifa.pointee.ifa_next
            guard let sa = ifa.pointee.ifa_addr, ifa.pointee.ifa_flags & UInt32(IFF_UP) != 0 else { continue }
            let family = Int32(sa.pointee.sa_family)
            guard family == AF_INET || family == AF_INET6 else { continue }
            var buf = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            let ok: Bool
            if family == AF_INET {
                ok = sa.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { a in
                    var addr = a.pointee.sin_addr
                    return inet_ntop(AF_INET, &addr, &buf, socklen_t(buf.count)) != nil
                }
            } else {
                ok = sa.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { a in
                    var addr = a.pointee.sin6_addr
                    return inet_ntop(AF_INET6, &addr, &buf, socklen_t(buf.count)) != nil
                }
            }
            guard ok else { continue }
            let text = String(decoding: buf.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let name = String(cString: ifa.pointee.ifa_name)
            let loopback = ifa.pointee.ifa_flags & UInt32(IFF_LOOPBACK) != 0
            let a = Address(interface: name, address: text, isIPv6: family == AF_INET6, isLoopback: loopback)
            if !out.contains(a) { out.append(a) }
        }
        return out.enumerated().sorted { x, y in
            let kx = (x.element.isLoopback ? 1 : 0, x.element.isIPv6 ? 1 : 0, x.offset)
            let ky = (y.element.isLoopback ? 1 : 0, y.element.isIPv6 ? 1 : 0, y.offset)
            return kx < ky
        }.map(\.element)
    }
}
