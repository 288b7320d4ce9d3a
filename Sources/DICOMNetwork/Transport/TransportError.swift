/// Failures of the TCP transport, each worded so that an administrator knows what to check.
public enum TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    case resolveFailed(host: String, reason: String)
    case connectionRefused(host: String, port: Int)
    case timedOut(String)
    case closed
    case addressInUse(host: String, port: Int)
    case io(String)

    public var description: String {
        switch self {
        case let .resolveFailed(h, r): return "cannot resolve host '\(h)': \(r)"
        case let .connectionRefused(h, p): return "connection refused by \(h):\(p) (is the peer running and listening on that port?)"
        case let .timedOut(what): return "timed out \(what)"
        case .closed: return "the peer closed the connection"
        case let .addressInUse(h, p): return "port \(p) on \(h) is already in use by another program"
        case let .io(s): return s
        }
    }
}
