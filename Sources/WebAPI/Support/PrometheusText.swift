/// Writes metrics in the Prometheus text exposition format, version 0.0.4: for each family a
/// `# HELP` and a `# TYPE` line, then its samples `name{label="value",...} value`, each line
/// ending in a line feed. HELP text escapes `\` and line feeds; label values also `"`.
struct PrometheusText {
    enum Kind: String { case counter, gauge }

    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    private(set) var text = ""

    /// A family of samples; each sample's labels in the order given. Names must match
    /// `[a-zA-Z_:][a-zA-Z0-9_:]*` (label names without `:`) — they are the program's own.
    mutating func family(_ name: String, _ kind: Kind, help: String, _ samples: [(labels: [(String, String)], value: Double)]) {
        precondition(Self.isName(name, colon: true) && samples.allSatisfy { $0.labels.allSatisfy { Self.isName($0.0, colon: false) } })
        text += "# HELP \(name) \(Self.escape(help, quotes: false))\n# TYPE \(name) \(kind.rawValue)\n"
        for s in samples {
            text += name
            if !s.labels.isEmpty {
                text += "{" + s.labels.map { "\($0.0)=\"\(Self.escape($0.1, quotes: true))\"" }.joined(separator: ",") + "}"
            }
            text += " " + Self.number(s.value) + "\n"
        }
    }

    /// A family of one sample without labels.
    mutating func single(_ name: String, _ kind: Kind, help: String, _ value: Double) {
        family(name, kind, help: help, [([], value)])
    }

    /// Integers without a fraction; `+Inf`, `-Inf` and `NaN` as the format spells them.
    static func number(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "+Inf" : "-Inf" }
        if v == v.rounded(), abs(v) < 9.0e15 { return String(Int64(v)) }
        return String(v)
    }

    static func escape(_ s: String, quotes: Bool) -> String {
        var out = ""
        for ch in s.unicodeScalars {
            switch ch {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\"" where quotes: out += "\\\""
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    static func isName(_ s: String, colon: Bool) -> Bool {
        let b = Array(s.utf8)
        func letter(_ c: UInt8) -> Bool { (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F || (colon && c == 0x3A) }
        guard let first = b.first, letter(first) else { return false }
        return b.dropFirst().allSatisfy { letter($0) || ($0 >= 0x30 && $0 <= 0x39) }
    }
}
