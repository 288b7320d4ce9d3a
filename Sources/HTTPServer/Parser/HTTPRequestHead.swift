/// The protocol version of a request (RFC 9112 §2.3). Only major version 1 is served.
public struct HTTPVersion: Sendable, Hashable, CustomStringConvertible {
    public let major: Int
    public let minor: Int
    public init(major: Int, minor: Int) { self.major = major; self.minor = minor }
    public static let http1_0 = HTTPVersion(major: 1, minor: 0)
    public static let http1_1 = HTTPVersion(major: 1, minor: 1)
    public var description: String { "HTTP/\(major).\(minor)" }
    /// At least HTTP/1.1 (a higher 1.x minor is processed as 1.1, RFC 9110 §2.5).
    public var isAtLeast1_1: Bool { major > 1 || (major == 1 && minor >= 1) }
}

/// How the length of a request's content is known (RFC 9112 §6.3).
public enum HTTPBodyFraming: Sendable, Equatable {
    /// No content: neither Content-Length nor Transfer-Encoding (rule 7: length zero).
    case none
    /// Content-Length octets.
    case length(Int)
    /// The chunked transfer coding, ending with the last chunk and a trailer section.
    case chunked
}

/// A parsed request line and header section.
public struct HTTPRequestHead: Sendable, Equatable {
    public var method: String
    /// The request-target as sent (RFC 9112 §3.2), still percent-encoded.
    public var target: String
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var framing: HTTPBodyFraming
    /// Whether the connection stays open after this exchange (RFC 9112 §9.3).
    public var keepAlive: Bool
    /// `Expect: 100-continue` on an HTTP/1.1 request (RFC 9110 §10.1.1).
    public var expectsContinue: Bool

    public init(method: String, target: String, version: HTTPVersion = .http1_1, headers: HTTPHeaders = [:],
                framing: HTTPBodyFraming = .none, keepAlive: Bool = true, expectsContinue: Bool = false) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.framing = framing
        self.keepAlive = keepAlive
        self.expectsContinue = expectsContinue
    }

    /// The path of the target, still percent-encoded: the part before `?`; for the
    /// absolute-form (RFC 9112 §3.2.2) the part after the authority; "*" for asterisk-form.
    public var path: String {
        var t = Substring(target)
        if let q = t.firstIndex(of: "?") { t = t[..<q] }
        if !t.hasPrefix("/"), let scheme = t.firstRange(of: "://") {
            let rest = t[scheme.upperBound...]
            t = rest.firstIndex(of: "/").map { rest[$0...] } ?? "/"
        }
        return String(t)
    }

    /// The query, still percent-encoded, without the `?`; nil when there is none.
    public var query: String? {
        guard let q = target.firstIndex(of: "?") else { return nil }
        return String(target[target.index(after: q)...])
    }

    public var isHEAD: Bool { method == "HEAD" }
}
