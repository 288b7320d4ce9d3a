/// A parsed JSON value (RFC 8259). Numbers keep their literal text so that IS and DS values
/// come back with the digits they were written with, and large integers lose no precision.
enum JSONValue {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([JSONMember])

    /// The JSON type, for error messages.
    var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// One member of an object, in the order written (duplicates are kept for the caller to refuse).
struct JSONMember {
    let key: String
    let value: JSONValue
}

/// A strict RFC 8259 parser for untrusted input: nesting depth is bounded, strings must be
/// valid UTF-8 with valid escapes, numbers follow the JSON grammar and are at most
/// `maximumNumberLength` characters, and nothing may follow the top-level value. Errors are
/// `DICOMError.malformed` with the byte offset of the problem.
struct JSONParser {
    static let maximumNumberLength = 800

    private let input: UnsafeBufferPointer<UInt8>
    private let maximumDepth: Int
    private var i = 0

    private init(_ input: UnsafeBufferPointer<UInt8>, maximumDepth: Int) {
        self.input = input
        self.maximumDepth = maximumDepth
    }

    static func parse(_ bytes: [UInt8], maximumDepth: Int) throws -> JSONValue {
        try bytes.withUnsafeBufferPointer { buffer in
            var p = JSONParser(buffer, maximumDepth: maximumDepth)
            // A UTF-8 byte order mark may be ignored (RFC 8259 §8.1).
            if buffer.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { p.i = 3 }
            p.skipWhitespace()
            let v = try p.value(depth: 0)
            p.skipWhitespace()
            guard p.i == buffer.count else { throw p.error("unexpected data after the JSON value") }
            return v
        }
    }

    private func error(_ reason: String) -> DICOMError {
        .malformed(offset: i, reason: "JSON: " + reason)
    }

    private var next: UInt8? { i < input.count ? input[i] : nil }

    private mutating func skipWhitespace() {
        while i < input.count {
            switch input[i] {
            case 0x20, 0x09, 0x0A, 0x0D: i += 1
            default: return
            }
        }
    }

    private mutating func value(depth: Int) throws -> JSONValue {
        guard let c = next else { throw error("unexpected end of input") }
        switch c {
        case 0x7B: return try object(depth: depth + 1)
        case 0x5B: return try array(depth: depth + 1)
        case 0x22: return .string(try string())
        case 0x74: try literal("true"); return .bool(true)
        case 0x66: try literal("false"); return .bool(false)
        case 0x6E: try literal("null"); return .null
        case 0x2D, 0x30...0x39: return .number(try number())
        default: throw error("unexpected character \(JSONParser.show(c))")
        }
    }

    private static func show(_ c: UInt8) -> String {
        c >= 0x20 && c < 0x7F ? "'\(Character(Unicode.Scalar(c)))'" : "byte 0x" + String(c, radix: 16)
    }

    private mutating func literal(_ word: StaticString) throws {
        let n = word.utf8CodeUnitCount
        guard i + n <= input.count else { throw error("invalid literal") }
        for k in 0..<n where input[i + k] != word.utf8Start[k] { throw error("invalid literal") }
        i += n
    }

    private mutating func object(depth: Int) throws -> JSONValue {
        guard depth <= maximumDepth else { throw error("nesting deeper than \(maximumDepth) levels") }
        i += 1
        var members: [JSONMember] = []
        skipWhitespace()
        if next == 0x7D { i += 1; return .object(members) }
        while true {
            skipWhitespace()
            guard next == 0x22 else { throw error("expected a member name in quotes") }
            let key = try string()
            skipWhitespace()
            guard next == 0x3A else { throw error("expected ':' after member name") }
            i += 1
            skipWhitespace()
            members.append(JSONMember(key: key, value: try value(depth: depth)))
            skipWhitespace()
            switch next {
            case 0x2C: i += 1
            case 0x7D: i += 1; return .object(members)
            default: throw error("expected ',' or '}' in object")
            }
        }
    }

    private mutating func array(depth: Int) throws -> JSONValue {
        guard depth <= maximumDepth else { throw error("nesting deeper than \(maximumDepth) levels") }
        i += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if next == 0x5D { i += 1; return .array(elements) }
        while true {
            skipWhitespace()
            elements.append(try value(depth: depth))
            skipWhitespace()
            switch next {
            case 0x2C: i += 1
            case 0x5D: i += 1; return .array(elements)
            default: throw error("expected ',' or ']' in array")
            }
        }
    }

    private mutating func number() throws -> String {
        let start = i
        func digits() -> Int {
            let s = i
            while let c = next, c >= 0x30 && c <= 0x39 { i += 1 }
            return i - s
        }
        if next == 0x2D { i += 1 }
        if next == 0x30 {
            i += 1
        } else if digits() == 0 {
            throw error("invalid number")
        }
        if next == 0x2E {
            i += 1
            guard digits() > 0 else { throw error("invalid number: digits expected after '.'") }
        }
        if next == 0x65 || next == 0x45 {
            i += 1
            if next == 0x2B || next == 0x2D { i += 1 }
            guard digits() > 0 else { throw error("invalid number: digits expected in exponent") }
        }
        guard i - start <= JSONParser.maximumNumberLength else {
            i = start
            throw error("number longer than \(JSONParser.maximumNumberLength) characters")
        }
        return String(decoding: UnsafeBufferPointer(rebasing: input[start..<i]), as: UTF8.self)
    }

    private mutating func string() throws -> String {
        i += 1
        let start = i
        // Fast path: no escapes; ASCII needs no UTF-8 validation.
        var ascii = true
        while i < input.count {
            let c = input[i]
            if c == 0x22 {
                let s = UnsafeBufferPointer(rebasing: input[start..<i])
                if ascii {
                    i += 1
                    return String(decoding: s, as: UTF8.self)
                }
                guard let text = String(validating: s, as: UTF8.self) else {
                    i = start
                    throw error("string is not valid UTF-8")
                }
                i += 1
                return text
            }
            if c == 0x5C { break }
            guard c >= 0x20 else { throw error("control character in string") }
            if c >= 0x80 { ascii = false }
            i += 1
        }
        var buffer = Array(UnsafeBufferPointer(rebasing: input[start..<i]))
        while true {
            guard let c = next else { throw error("unterminated string") }
            i += 1
            switch c {
            case 0x22:
                guard let text = String(validating: buffer, as: UTF8.self) else {
                    i = start
                    throw error("string is not valid UTF-8")
                }
                return text
            case 0x5C:
                try escape(into: &buffer)
            case 0x00..<0x20:
                i -= 1
                throw error("control character in string")
            default:
                buffer.append(c)
            }
        }
    }

    /// After a backslash: one escape (RFC 8259 §7), appended as UTF-8.
    private mutating func escape(into buffer: inout [UInt8]) throws {
        guard let c = next else { throw error("unterminated string") }
        i += 1
        switch c {
        case 0x22, 0x5C, 0x2F: buffer.append(c)
        case 0x62: buffer.append(0x08)
        case 0x66: buffer.append(0x0C)
        case 0x6E: buffer.append(0x0A)
        case 0x72: buffer.append(0x0D)
        case 0x74: buffer.append(0x09)
        case 0x75:
            var scalar = try hex4()
            if (0xD800..<0xDC00).contains(scalar) {
                guard next == 0x5C, i + 1 < input.count, input[i + 1] == 0x75 else { throw error("unpaired surrogate in \\u escape") }
                i += 2
                let low = try hex4()
                guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate in \\u escape") }
                scalar = 0x10000 + (scalar - 0xD800) << 10 + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(scalar) {
                throw error("unpaired surrogate in \\u escape")
            }
            guard let u = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
            buffer.append(contentsOf: String(Character(u)).utf8)
        default:
            i -= 1
            throw error("invalid escape \\\(JSONParser.show(c))")
        }
    }

    private mutating func hex4() throws -> UInt32 {
        guard i + 4 <= input.count else { throw error("invalid \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = input[i]
            let d: UInt8
            switch c {
            case 0x30...0x39: d = c - 0x30
            case 0x41...0x46: d = c - 0x41 + 10
            case 0x61...0x66: d = c - 0x61 + 10
            default: throw error("invalid \\u escape")
            }
            v = v << 4 | UInt32(d)
            i += 1
        }
        return v
    }
}
