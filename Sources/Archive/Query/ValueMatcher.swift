import DICOM

/// One value of a matching key, as PS3.4 C.2.2.2 reads it.
enum ValueMatcher: Sendable, Equatable {
    /// Single Value Matching (C.2.2.2.1): the value, trimmed of insignificant spaces.
    case single(String)
    /// Wild Card Matching (C.2.2.2.4): `*` any run of characters, `?` one character.
    case wildcard(String)
    /// Empty Value Matching (C.2.2.2.7): `""` matches an empty or absent value.
    case empty
    /// Range Matching (C.2.2.2.5) of DA, TM and DT; a single value is the range from it to itself,
    /// compared by instant (so the TM values `1015` and `101500.000` are the same time).
    case date(DICOMDateRange)
    case time(DICOMTimeRange)
    case dateTime(DICOMDateTimeRange)
    /// A binary value (US, UL, ...): matches the same bytes.
    case binary([UInt8])

    /// The VRs that allow Wild Card Matching (PS3.4 C.2.2.2.4).
    static let wildcardVRs: Set<VR> = [.AE, .CS, .LO, .LT, .PN, .SH, .ST, .UC, .UR, .UT]

    /// Reads the values of a key of `vr`. Returns nil for universal matching: no value, or a
    /// value of only `*` (equivalent to universal matching, C.2.2.2.4; accepted for every VR,
    /// as some SCUs send `*` for dates). Throws 0xC000 for a DA, TM or DT value that is neither a
    /// value nor a range of that VR.
    static func parse(_ values: [String], vr: VR, keyword: String) throws(QueryError) -> [ValueMatcher]? {
        if values.isEmpty || values.contains(where: { !$0.isEmpty && $0.allSatisfy { $0 == "*" } }) { return nil }
        var out: [ValueMatcher] = []
        for v in values {
            if v == "\"\"" {
                out.append(.empty)
                continue
            }
            switch vr {
            case .DA:
                guard let r = DICOMDateRange(v) ?? DICOMDate(v).flatMap({ DICOMRange(lower: $0, upper: $0) }) else {
                    throw QueryError(.unableToProcess, "\(keyword): \"\(v)\" is neither a date nor a date range")
                }
                out.append(.date(r))
            case .TM:
                guard let r = DICOMTimeRange(v) ?? DICOMTime(v).flatMap({ DICOMRange(lower: $0, upper: $0) }) else {
                    throw QueryError(.unableToProcess, "\(keyword): \"\(v)\" is neither a time nor a time range")
                }
                out.append(.time(r))
            case .DT:
                guard let r = DICOMDateTimeRange(v) ?? DICOMDateTime(v).flatMap({ DICOMRange(lower: $0, upper: $0) }) else {
                    throw QueryError(.unableToProcess, "\(keyword): \"\(v)\" is neither a date-time nor a date-time range")
                }
                out.append(.dateTime(r))
            default:
                if wildcardVRs.contains(vr), v.utf8.contains(where: { $0 == 0x2A || $0 == 0x3F }) {
                    out.append(.wildcard(v))
                } else if !v.isEmpty {
                    out.append(.single(v))
                }
            }
        }
        return out.isEmpty ? nil : out
    }

    /// Whether one stored (non-empty, trimmed) value matches. For case-insensitive matching the
    /// caller passes the matcher's `normalized` form and an upper-cased `value`.
    func matches(_ value: String) -> Bool {
        switch self {
        case let .single(v): return value == v
        case let .wildcard(p): return Glob.matches(pattern: p, value)
        case .empty: return value.isEmpty
        case let .date(r): return DICOMDate(value).map(r.contains) ?? false
        case let .time(r): return DICOMTime(value).map(r.contains) ?? false
        case let .dateTime(r): return DICOMDateTime(value).map(r.contains) ?? false
        case .binary: return false
        }
    }

    /// The matcher with its text upper-cased (for case-insensitive PN matching).
    var normalized: ValueMatcher {
        switch self {
        case let .single(v): return .single(NameNormalizer.normalize(v))
        case let .wildcard(p): return .wildcard(NameNormalizer.normalize(p))
        default: return self
        }
    }
}

/// The matching values of one key: an entity matches when any of its values matches any of
/// these (a key with several values is a list of alternatives, like a List of UID Matching).
struct ValueCondition: Sendable {
    let matchers: [ValueMatcher]
    /// PN: compared upper-cased, as the index's *_norm columns.
    let caseInsensitive: Bool

    /// The single values, for a quick look-up in long lists.
    private let singles: Set<String>
    private let onlySingles: Bool

    init(_ matchers: [ValueMatcher], caseInsensitive: Bool) {
        self.matchers = caseInsensitive ? matchers.map(\.normalized) : matchers
        self.caseInsensitive = caseInsensitive
        var singles = Set<String>()
        for case let .single(v) in self.matchers { singles.insert(v) }
        self.singles = singles
        onlySingles = singles.count == self.matchers.count
    }

    /// Matches the stored values of a text attribute (each trimmed; none when absent).
    func matches(_ stored: [String]) -> Bool {
        let present = stored.filter { !$0.isEmpty }.map { caseInsensitive ? NameNormalizer.normalize($0) : $0 }
        if present.contains(where: singles.contains) { return true }
        if onlySingles { return false }
        for m in matchers {
            if m == .empty {
                if present.isEmpty { return true }
                continue
            }
            if present.contains(where: m.matches) { return true }
        }
        return false
    }

    /// Matches the bytes of a stored binary value (nil when absent).
    func matches(bytes: [UInt8]?) -> Bool {
        for m in matchers {
            switch m {
            case .empty: if bytes?.isEmpty ?? true { return true }
            case let .binary(b): if let bytes, bytes == b { return true }
            default: continue
            }
        }
        return false
    }
}

/// DICOM wildcard patterns (`*`, `?`) over Unicode scalars, as SQLite's GLOB counts characters.
enum Glob {
    static func matches(pattern: String, _ text: String) -> Bool {
        let p = Array(pattern.unicodeScalars), t = Array(text.unicodeScalars)
        var pi = 0, ti = 0
        var star = -1, mark = 0
        while ti < t.count {
            if pi < p.count, p[pi] == "?" || (p[pi] != "*" && p[pi] == t[ti]) {
                pi += 1
                ti += 1
            } else if pi < p.count, p[pi] == "*" {
                star = pi
                mark = ti
                pi += 1
            } else if star >= 0 {
                pi = star + 1
                mark += 1
                ti = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }

    /// The pattern for SQLite's GLOB: `*` and `?` stay wildcards; `[`, which GLOB reads as a
    /// character class, becomes the class holding only `[`. (`]` alone is literal in GLOB.)
    static func sqlite(_ pattern: String) -> String {
        var out = ""
        for ch in pattern.unicodeScalars {
            if ch == "[" { out += "[[]" } else { out.unicodeScalars.append(ch) }
        }
        return out
    }

    /// The condition that `column` matches the wildcard pattern `pattern` (`*`, `?`): an explicit
    /// index range for the literal prefix when there is one, GLOB deciding the rest. The pattern
    /// is bound as a parameter.
    static func condition(_ column: String, pattern: String) -> (sql: String, arguments: [SQLiteValue]) {
        if let range = prefixRange(pattern) {
            return ("(\(column) >= ? AND \(column) < ? AND \(column) GLOB ?)",
                    [.text(range.lower), .text(range.upper), .text(sqlite(pattern))])
        }
        return ("\(column) GLOB ?", [.text(sqlite(pattern))])
    }

    /// The text before the first wildcard, and the smallest string greater than every string
    /// starting with it (its last scalar incremented), for an index range; nil without a prefix.
    static func prefixRange(_ pattern: String) -> (lower: String, upper: String)? {
        let prefix = Array(pattern.unicodeScalars.prefix { $0 != "*" && $0 != "?" })
        guard let last = prefix.last else { return nil }
        var next = last.value + 1
        if next == 0xD800 { next = 0xE000 }
        guard let bumped = Unicode.Scalar(next) else { return nil }
        var lower = String.UnicodeScalarView(), upper = String.UnicodeScalarView()
        lower.append(contentsOf: prefix)
        upper.append(contentsOf: prefix.dropLast())
        upper.append(bumped)
        return (String(lower), String(upper))
    }
}
