/// An ordered list of header fields. Names compare case-insensitively (RFC 9110 §5.1);
/// a name may repeat, and the order of repeated fields is kept (RFC 9110 §5.3).
public struct HTTPHeaders: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    public struct Field: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(name: String, value: String) { self.name = name; self.value = value }
    }

    public private(set) var fields: [Field] = []

    public init() {}
    public init(_ pairs: [(String, String)]) { for (n, v) in pairs { add(n, v) } }
    public init(dictionaryLiteral elements: (String, String)...) { self.init(elements) }

    public var count: Int { fields.count }
    public var isEmpty: Bool { fields.isEmpty }
    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }
    public var description: String { fields.map { "\($0.name): \($0.value)" }.joined(separator: "\n") }

    /// Appends a field (keeping any existing ones of that name).
    public mutating func add(_ name: String, _ value: String) { fields.append(Field(name: name, value: value)) }

    /// Replaces every field of that name by one (or removes them all when `value` is nil).
    public mutating func set(_ name: String, _ value: String?) {
        remove(name)
        if let value { add(name, value) }
    }

    public mutating func remove(_ name: String) { fields.removeAll { Self.same($0.name, name) } }

    /// The first value of the field, or nil.
    public subscript(name: String) -> String? {
        get { fields.first { Self.same($0.name, name) }?.value }
        set { set(name, newValue) }
    }

    /// Every value of the field in order (repeated fields, not split on commas).
    public func values(_ name: String) -> [String] { fields.filter { Self.same($0.name, name) }.map(\.value) }

    public func contains(_ name: String) -> Bool { fields.contains { Self.same($0.name, name) } }

    /// The field's elements as a comma-separated list (RFC 9110 §5.6.1): every repeated
    /// field combined, split on commas, trimmed, empty elements dropped.
    public func list(_ name: String) -> [String] {
        values(name).flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }
            .map { trimOWS(Substring($0)) }.filter { !$0.isEmpty }
    }

    /// Whether the list-valued field holds `token`, compared case-insensitively
    /// (e.g. `Connection: close`, RFC 9110 §7.6.1).
    public func listContains(_ name: String, token: String) -> Bool {
        list(name).contains { Self.same($0, token) }
    }

    /// ASCII case-insensitive comparison (header names and tokens are ASCII).
    static func same(_ a: String, _ b: String) -> Bool {
        let x = a.utf8, y = b.utf8
        guard x.count == y.count else { return false }
        for (p, q) in zip(x, y) where p != q {
            if lowerASCII(p) != lowerASCII(q) { return false }
        }
        return true
    }
}

@inline(__always) func lowerASCII(_ c: UInt8) -> UInt8 { c >= 65 && c <= 90 ? c + 32 : c }

/// Trims optional whitespace (SP / HTAB, RFC 9110 §5.6.3) from both ends.
func trimOWS(_ s: Substring) -> String {
    var u = s.utf8[...]
    while let f = u.first, f == 32 || f == 9 { u = u.dropFirst() }
    while let l = u.last, l == 32 || l == 9 { u = u.dropLast() }
    return String(Substring(u))
}

extension String {
    /// ASCII-lowercased copy (header names, tokens).
    var asciiLowercased: String {
        String(decoding: utf8.map(lowerASCII), as: UTF8.self)
    }
}
