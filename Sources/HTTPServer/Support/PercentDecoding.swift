/// Percent-decoding (RFC 3986 §2.1) of path segments and query components.
enum PercentDecoding {
    /// The decoded bytes as UTF-8 text, or nil for a malformed escape or invalid UTF-8.
    static func decode(_ s: Substring, plusAsSpace: Bool = false) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        var it = s.utf8.makeIterator()
        while let c = it.next() {
            if c == 37 {
                guard let h = it.next(), let l = it.next(), isHexDigit(h), isHexDigit(l) else { return nil }
                out.append(UInt8(hexValue(h) << 4 | hexValue(l)))
            } else if c == 43 && plusAsSpace {
                out.append(32)
            } else {
                out.append(c)
            }
        }
        return String(validating: out, as: UTF8.self)
    }

    /// `a=1&b=x%20y` → [("a", "1"), ("b", "x y")] (application/x-www-form-urlencoded
    /// style, '+' as space); nil if any component is malformed.
    static func queryItems(_ query: String) -> [(name: String, value: String)]? {
        var items: [(String, String)] = []
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let k = decode(kv[0], plusAsSpace: true),
                  let v = kv.count > 1 ? decode(kv[1], plusAsSpace: true) : "" else { return nil }
            items.append((k, v))
        }
        return items
    }
}
