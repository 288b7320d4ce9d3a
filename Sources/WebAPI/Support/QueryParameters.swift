import HTTPServer

/// The query parameters of a request, read as hostile input: a malformed query is 400
/// `invalid_query` (never read as "no filters"), and a value with control characters or
/// longer than `maxLength` is 400 `invalid_parameter` naming it. A parameter the route does
/// not take is 400 `unknown_parameter`, one given twice 400 `repeated_parameter`: a typo in a
/// script's filter must not silently widen what it reads (or deletes next).
struct QueryParameters {
    let items: [(name: String, value: String)]

    /// Longest value accepted (the request line itself is limited to 8 KiB).
    static let maxLength = 256

    init(_ request: HTTPRequest, allowed: Set<String>) throws {
        guard let items = request.validQueryItems else {
            throw HTTPError(.badRequest, code: "invalid_query", message: "the query string has a malformed %-escape or is not UTF-8")
        }
        var seen: Set<String> = []
        for (name, _) in items {
            guard allowed.contains(name) else {
                throw HTTPError(.badRequest, code: "unknown_parameter",
                                message: "this route takes no parameter of that name; it takes " + allowed.sorted().joined(separator: ", "),
                                field: String(name.prefix(64)))
            }
            guard seen.insert(name).inserted else {
                throw HTTPError(.badRequest, code: "repeated_parameter", message: "'\(name)' is given more than once", field: name)
            }
        }
        self.items = items
    }

    /// The value of `name`; nil when absent or empty.
    func text(_ name: String) throws -> String? {
        guard let v = items.first(where: { $0.name == name })?.value, !v.isEmpty else { return nil }
        guard v.unicodeScalars.count <= Self.maxLength else { throw Self.invalid(name, "is longer than \(Self.maxLength) characters") }
        guard !v.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || (0x80..<0xA0).contains($0.value) }) else {
            throw Self.invalid(name, "contains control characters")
        }
        return v
    }

    /// An integer in `range`, or `fallback` when absent.
    func int(_ name: String, in range: ClosedRange<Int>, default fallback: Int) throws -> Int {
        guard let v = try text(name) else { return fallback }
        guard v.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let n = Int(v), range.contains(n) else {
            throw Self.invalid(name, "must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return n
    }

    /// One of the raw values of `T`, or nil when absent.
    func choice<T: RawRepresentable & CaseIterable>(_ name: String, _: T.Type) throws -> T? where T.RawValue == String {
        guard let v = try text(name) else { return nil }
        guard let c = T(rawValue: v) else {
            throw Self.invalid(name, "must be one of " + T.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return c
    }

    static func invalid(_ name: String, _ why: String) -> HTTPError {
        HTTPError(.badRequest, code: "invalid_parameter", message: "'\(name)' \(why)", field: name)
    }
}
