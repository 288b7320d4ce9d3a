import DICOM
/// The JSON of settings: one object whose members are strings, whole numbers or booleans.
/// The parser takes untrusted bodies (RFC 8259, strict): the size and nesting are bounded,
/// strings must be valid UTF-8 with valid escapes, duplicate members are refused.
enum SettingsJSON {
    /// A member's value as parsed; nested arrays and objects are parsed and kept only as a type.
    enum Scalar: Equatable {
        case string(String)
        case int(Int)
        case bool(Bool)
        case null
        /// A number that is not a whole number in Int's range, kept as written.
        case number(String)
        case nested(String)

        var typeName: String {
            switch self {
            case .string: return "text"
            case .int, .number: return "a number"
            case .bool: return "true or false"
            case .null: return "null"
            case let .nested(t): return t
            }
        }
    }

    static let maximumSize = 64 * 1024
    static let maximumDepth = 16

    struct Failure: Error { let message: String }

    /// The members of the top-level object, in order.
    static func parseObject(_ text: String) throws(Failure) -> [(String, Scalar)] {
        let bytes = Array(text.utf8)
        guard bytes.count <= maximumSize else { throw Failure(message: "the body is larger than \(maximumSize / 1024) KiB") }
        var p = Parser(bytes: bytes)
        p.skipSpace()
        guard p.peek == UInt8(ascii: "{") else { throw Failure(message: "a JSON object ({...}) is expected") }
        let members = try p.object(depth: 1)
        p.skipSpace()
        guard p.i == bytes.count else { throw p.fail("unexpected text after the object") }
        return members
    }

    /// Encodes `fields` as one JSON object.
    static func encode(_ fields: [(name: String, value: SettingsValue)]) -> String {
        "{" + fields.map { "\(quote($0.name)):\($0.value.json)" }.joined(separator: ",") + "}"
    }

    static func quote(_ s: String) -> String { JSONString.quoted(s) }

    struct Parser {
        let bytes: [UInt8]
        var i = 0

        var peek: UInt8? { i < bytes.count ? bytes[i] : nil }

        func fail(_ what: String) -> Failure { Failure(message: "invalid JSON at byte \(i): \(what)") }

        mutating func skipSpace() {
            while let c = peek, c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { i += 1 }
        }

        mutating func expect(_ c: Character) throws(Failure) {
            skipSpace()
            guard peek == c.asciiValue else { throw fail("'\(c)' expected") }
            i += 1
        }

        mutating func object(depth: Int) throws(Failure) -> [(String, Scalar)] {
            guard depth <= SettingsJSON.maximumDepth else { throw fail("nested too deeply") }
            try expect("{")
            var members: [(String, Scalar)] = []
            var seen = Set<String>()
            skipSpace()
            if peek == UInt8(ascii: "}") { i += 1; return members }
            while true {
                skipSpace()
                guard peek == UInt8(ascii: "\"") else { throw fail("a member name in quotes expected") }
                let key = try string()
                guard seen.insert(key).inserted else { throw Failure(message: "the member \"\(key)\" is given twice") }
                try expect(":")
                members.append((key, try value(depth: depth)))
                skipSpace()
                if peek == UInt8(ascii: ",") { i += 1; continue }
                if peek == UInt8(ascii: "}") { i += 1; return members }
                throw fail("',' or '}' expected")
            }
        }

        mutating func array(depth: Int) throws(Failure) {
            guard depth <= SettingsJSON.maximumDepth else { throw fail("nested too deeply") }
            try expect("[")
            skipSpace()
            if peek == UInt8(ascii: "]") { i += 1; return }
            while true {
                _ = try value(depth: depth)
                skipSpace()
                if peek == UInt8(ascii: ",") { i += 1; continue }
                if peek == UInt8(ascii: "]") { i += 1; return }
                throw fail("',' or ']' expected")
            }
        }

        mutating func value(depth: Int) throws(Failure) -> Scalar {
            skipSpace()
            guard let c = peek else { throw fail("a value expected") }
            switch c {
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "{"): _ = try object(depth: depth + 1); return .nested("an object")
            case UInt8(ascii: "["): try array(depth: depth + 1); return .nested("a list")
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            default: return try number()
            }
        }

        mutating func literal(_ word: String) throws(Failure) {
            let w = Array(word.utf8)
            guard i + w.count <= bytes.count, Array(bytes[i..<(i + w.count)]) == w else { throw fail("unknown word") }
            i += w.count
        }

        mutating func number() throws(Failure) -> Scalar {
            let start = i
            if peek == UInt8(ascii: "-") { i += 1 }
            func digits(_ p: inout Parser) -> Int {
                let s = p.i
                while let c = p.peek, c >= 0x30, c <= 0x39 { p.i += 1 }
                return p.i - s
            }
            let intStart = i
            guard digits(&self) > 0 else { throw fail("a value expected") }
            if bytes[intStart] == 0x30, i - intStart > 1 { throw fail("a number may not start with 0") }
            var whole = true
            if peek == UInt8(ascii: ".") {
                i += 1
                guard digits(&self) > 0 else { throw fail("digits expected after '.'") }
                whole = false
            }
            if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
                i += 1
                if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { i += 1 }
                guard digits(&self) > 0 else { throw fail("digits expected in the exponent") }
                whole = false
            }
            guard i - start <= 40 else { throw fail("number too long") }
            let text = String(decoding: bytes[start..<i], as: UTF8.self)
            if whole, let v = Int(text) { return .int(v) }
            return .number(text)
        }

        mutating func hex4() throws(Failure) -> UInt32 {
            guard i + 4 <= bytes.count else { throw fail("\\u needs four hex digits") }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let c = bytes[i]
                let d: UInt32
                switch c {
                case 0x30...0x39: d = UInt32(c - 0x30)
                case 0x41...0x46: d = UInt32(c - 0x41 + 10)
                case 0x61...0x66: d = UInt32(c - 0x61 + 10)
                default: throw fail("\\u needs four hex digits")
                }
                v = v << 4 | d
                i += 1
            }
            return v
        }

        mutating func string() throws(Failure) -> String {
            i += 1  // the opening quote
            var out: [UInt8] = []
            while true {
                guard let c = peek else { throw fail("unterminated text") }
                i += 1
                if c == UInt8(ascii: "\"") { break }
                if c < 0x20 { throw fail("a control character in text must be escaped") }
                guard c == UInt8(ascii: "\\") else { out.append(c); continue }
                guard let e = peek else { throw fail("unterminated escape") }
                i += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var v = try hex4()
                    if (0xD800..<0xDC00).contains(v) {
                        guard peek == UInt8(ascii: "\\"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "u") else {
                            throw fail("a lone surrogate in \\u escape")
                        }
                        i += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw fail("a lone surrogate in \\u escape") }
                        v = 0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00..<0xE000).contains(v) {
                        throw fail("a lone surrogate in \\u escape")
                    }
                    out.append(contentsOf: Array(String(Character(Unicode.Scalar(v)!)).utf8))
                default: throw fail("unknown escape")
                }
            }
            guard let s = String(validating: out, as: UTF8.self) else { throw fail("text is not valid UTF-8") }
            return s
        }
    }
}
