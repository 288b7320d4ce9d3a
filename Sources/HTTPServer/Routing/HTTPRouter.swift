/// Routes requests by method and path pattern through a middleware chain.
///
/// Patterns are literal segments, `{name}` for one segment and a final `{name...}` for the
/// rest of the path: `/api/peers/{id}`, `/static/{path...}`. Segments are matched after
/// percent-decoding, so `%2F` inside a segment never splits it. A literal segment wins over
/// a parameter, a parameter over a trailing wildcard. A path that matches no pattern is 404;
/// one that matches only for other methods is 405 with `Allow` (RFC 9110 §15.5.6). A GET
/// route also answers HEAD (RFC 9110 §9.3.2).
public struct HTTPRouter: HTTPResponder {
    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
        case wildcard(String)
    }

    struct Route: Sendable {
        let method: String
        let pattern: String
        let segments: [Segment]
        let maxBodySize: Int?
        let handler: HTTPHandler
    }

    private var routes: [Route] = []
    private var middleware: [any HTTPMiddleware] = []

    public init() {}

    /// Adds a middleware; the first added sees the request first.
    public mutating func use(_ m: any HTTPMiddleware) { middleware.append(m) }

    /// Adds a route. `maxBodySize` overrides the server's content limit for it (uploads).
    public mutating func add(_ method: String, _ pattern: String, maxBodySize: Int? = nil, _ handler: @escaping HTTPHandler) {
        let segments: [Segment] = pattern.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map { s in
            if s.hasPrefix("{") && s.hasSuffix("...}") { return .wildcard(String(s.dropFirst().dropLast(4))) }
            if s.hasPrefix("{") && s.hasSuffix("}") { return .parameter(String(s.dropFirst().dropLast())) }
            return .literal(String(s))
        }
        precondition(pattern.hasPrefix("/"), "route patterns start with /")
        precondition(!segments.dropLast().contains { if case .wildcard = $0 { return true } else { return false } },
                     "{name...} may only end a pattern")
        routes.append(Route(method: method, pattern: pattern, segments: segments, maxBodySize: maxBodySize, handler: handler))
    }

    /// What is routed, in the order it was added: each route's method and pattern as given to
    /// `add` (`/api/peers/{id}`, `/static/{path...}`). For tests and diagnostics that compare the
    /// routes with a description of the API; the implicit HEAD of a GET route is not listed.
    public var endpoints: [HTTPEndpoint] {
        routes.map { HTTPEndpoint(method: $0.method, pattern: $0.pattern) }
    }

    public mutating func get(_ p: String, _ h: @escaping HTTPHandler) { add("GET", p, h) }
    public mutating func post(_ p: String, maxBodySize: Int? = nil, _ h: @escaping HTTPHandler) { add("POST", p, maxBodySize: maxBodySize, h) }
    public mutating func put(_ p: String, maxBodySize: Int? = nil, _ h: @escaping HTTPHandler) { add("PUT", p, maxBodySize: maxBodySize, h) }
    public mutating func patch(_ p: String, maxBodySize: Int? = nil, _ h: @escaping HTTPHandler) { add("PATCH", p, maxBodySize: maxBodySize, h) }
    public mutating func delete(_ p: String, _ h: @escaping HTTPHandler) { add("DELETE", p, h) }

    // MARK: Matching

    struct Match {
        let route: Route
        let parameters: [String: String]
        let wildcard: [String]
    }

    /// Binds a pattern to decoded segments; nil when they do not fit.
    static func bind(_ pattern: [Segment], _ path: [String]) -> (params: [String: String], rest: [String])? {
        var params: [String: String] = [:]
        for (i, seg) in pattern.enumerated() {
            switch seg {
            case let .wildcard(name):
                let rest = Array(path[min(i, path.count)...])
                params[name] = rest.joined(separator: "/")
                return (params, rest)
            case let .literal(l):
                guard i < path.count, path[i] == l else { return nil }
            case let .parameter(name):
                guard i < path.count, !path[i].isEmpty else { return nil }
                params[name] = path[i]
            }
        }
        return pattern.count == path.count ? (params, []) : nil
    }

    /// Orders two patterns by specificity, segment by segment.
    static func moreSpecific(_ a: [Segment], _ b: [Segment]) -> Bool {
        func rank(_ s: Segment) -> Int {
            switch s { case .literal: return 0; case .parameter: return 1; case .wildcard: return 2 }
        }
        for (x, y) in zip(a, b) where rank(x) != rank(y) { return rank(x) < rank(y) }
        return a.count > b.count
    }

    enum Lookup {
        case found(Match)
        case notFound
        case methodNotAllowed(allow: [String])
        case badPath
    }

    func lookup(method: String, path: String) -> Lookup {
        var segments: [String] = []
        for s in path.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            guard let d = PercentDecoding.decode(s) else { return .badPath }
            segments.append(d)
        }
        var best: Match?
        var methods: Set<String> = []
        for route in routes {
            guard let bound = Self.bind(route.segments, segments) else { continue }
            methods.insert(route.method)
            guard route.method == method || (method == "HEAD" && route.method == "GET") else { continue }
            // An explicit HEAD route beats the GET fallback.
            if let b = best, !(Self.moreSpecific(route.segments, b.route.segments)
                               || (route.segments == b.route.segments && route.method == method)) { continue }
            best = Match(route: route, parameters: bound.params, wildcard: bound.rest)
        }
        if let best { return .found(best) }
        if methods.isEmpty { return .notFound }
        if methods.contains("GET") { methods.insert("HEAD") }
        return .methodNotAllowed(allow: methods.sorted())
    }

    // MARK: HTTPResponder

    public func bodyLimit(for head: HTTPRequestHead) -> Int? {
        if case let .found(m) = lookup(method: head.method, path: head.path) { return m.route.maxBodySize }
        return nil
    }

    public func respond(to request: HTTPRequest) throws -> HTTPResponse {
        try run(0, request)
    }

    private func run(_ i: Int, _ request: HTTPRequest) throws -> HTTPResponse {
        if i < middleware.count {
            return try middleware[i].handle(request) { try run(i + 1, $0) }
        }
        return try dispatch(request)
    }

    private func dispatch(_ request: HTTPRequest) throws -> HTTPResponse {
        switch lookup(method: request.method, path: request.path) {
        case let .found(m):
            request.parameters = m.parameters
            request.wildcardSegments = m.wildcard
            return try m.route.handler(request)
        case .notFound:
            throw HTTPError(.notFound, message: "no resource at \(request.path)")
        case .badPath:
            throw HTTPError(.badRequest, code: "invalid_path", message: "malformed percent-encoding in the path")
        case let .methodNotAllowed(allow):
            if request.method == "OPTIONS" {
                return HTTPResponse(status: .noContent, headers: ["Allow": (allow + ["OPTIONS"]).joined(separator: ", ")])
            }
            throw HTTPError(.methodNotAllowed, message: "\(request.method) is not allowed on \(request.path)",
                            headers: ["Allow": allow.joined(separator: ", ")])
        }
    }
}

/// One registered route: a method and a path pattern (see `HTTPRouter.endpoints`).
public struct HTTPEndpoint: Sendable, Hashable, CustomStringConvertible {
    public let method: String
    public let pattern: String

    public init(method: String, pattern: String) {
        self.method = method
        self.pattern = pattern
    }

    public var description: String { "\(method) \(pattern)" }
}
