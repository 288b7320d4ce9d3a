/// A single byte range request (RFC 9110 §14.1.2): `bytes=first-last`, `bytes=first-`
/// or `bytes=-suffix`. Several ranges at once are not served (the whole file is sent).
enum HTTPRange: Equatable {
    case satisfiable(ClosedRange<Int>)
    case unsatisfiable
    /// No usable Range: absent, another unit, malformed or multiple ranges; RFC 9110 §14.2
    /// lets a server ignore those and send the whole representation.
    case ignore

    static func parse(_ value: String?, size: Int) -> HTTPRange {
        guard let value else { return .ignore }
        let v = trimOWS(Substring(value))
        guard v.lowercased().hasPrefix("bytes=") else { return .ignore }
        let spec = trimOWS(v.dropFirst(6))
        guard !spec.contains(",") else { return .ignore }
        let parts = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return .ignore }
        let a = parts[0], b = parts[1]
        func number(_ s: Substring) -> Int? {
            guard !s.isEmpty, s.count <= 18, s.utf8.allSatisfy(isDigit) else { return nil }
            return Int(s)
        }
        if a.isEmpty {
            // suffix-range: the last n octets; zero octets cannot be satisfied.
            guard let n = number(b) else { return .ignore }
            if n == 0 || size == 0 { return .unsatisfiable }
            return .satisfiable(max(0, size - n)...(size - 1))
        }
        guard let first = number(a) else { return .ignore }
        var last = size - 1
        if !b.isEmpty {
            guard let l = number(b) else { return .ignore }
            if l < first { return .ignore }
            last = min(l, size - 1)
        }
        if first >= size { return .unsatisfiable }
        return .satisfiable(first...last)
    }
}
