/// One value of a setting.
public enum SettingsValue: Sendable, Equatable, CustomStringConvertible {
    case string(String)
    case int(Int)
    case bool(Bool)

    /// The value as JSON.
    public var json: String {
        switch self {
        case let .string(s): return SettingsJSON.quote(s)
        case let .int(i): return String(i)
        case let .bool(b): return b ? "true" : "false"
        }
    }

    public var description: String {
        switch self {
        case let .string(s): return s
        case let .int(i): return String(i)
        case let .bool(b): return b ? "true" : "false"
        }
    }
}

/// A group of settings with one resource and one row in the settings table
/// (`/api/settings/<section>`, key `settings.<section>`): typed fields with defaults, read and
/// written by name, and checked by `validate()`.
public protocol SettingsSection: Sendable, Equatable {
    /// The section's name: "dicom", "network", "http", "worklist".
    static var section: String { get }
    /// What the section is called in messages ("DICOM server").
    static var title: String { get }
    /// The defaults of SPEC §2–§5.
    init()
    /// Every field and its value, in a fixed order (the JSON order).
    var fields: [(name: String, value: SettingsValue)] { get }
    /// Sets a field from a value; throws `invalid_type`, `invalid_choice` or `unknown_field`.
    mutating func set(_ field: String, _ value: SettingsValue) throws(SettingsError)
    /// Every rule the values break (empty when they are valid).
    func validate() -> [SettingsError]
}

extension SettingsSection {
    /// The key of the section in the archive's settings table.
    public static var storageKey: String { "settings.\(section)" }

    /// The section as a JSON object.
    public var json: String { SettingsJSON.encode(fields) }

    public func value(of field: String) -> SettingsValue? { fields.first { $0.name == field }?.value }

    public static var fieldNames: [String] { Self().fields.map(\.name) }

    /// `base` with the members of a JSON object applied (members not given keep their value;
    /// members named in `ignoring`, such as read-only fields echoed back, are skipped).
    /// Checks types and choices, not ranges: call `validate()` on the result.
    public static func decode(json: String, over base: Self = Self(), ignoring: Set<String> = []) throws(SettingsError) -> Self {
        let members: [(String, SettingsJSON.Scalar)]
        do { members = try SettingsJSON.parseObject(json) } catch {
            throw SettingsError(.invalidJSON, "the \(title) settings must be a JSON object: \(error.message)", field: nil)
        }
        var out = base
        let names = Set(fieldNames)
        for (name, scalar) in members where !ignoring.contains(name) {
            guard names.contains(name) else {
                throw SettingsError(.unknownField, "the \(title) settings have no field '\(name)': use \(fieldNames.joined(separator: ", "))", field: name)
            }
            let value: SettingsValue
            switch scalar {
            case let .string(s): value = .string(s)
            case let .int(i): value = .int(i)
            case let .bool(b): value = .bool(b)
            case .number, .null, .nested:
                let expected = base.value(of: name).map(SettingsRules.typeName) ?? "a value"
                throw SettingsError(.invalidType, "\(name) must be \(expected), not \(scalar.typeName)", field: name)
            }
            try out.set(name, value)
        }
        return out
    }

    /// Reads a stored section leniently: fields missing or unreadable keep their defaults, and
    /// values that break a rule fall back to the default too. Returns what was set aside.
    static func load(json: String) -> (Self, [String]) {
        var out = Self()
        var problems: [String] = []
        let members: [(String, SettingsJSON.Scalar)]
        do { members = try SettingsJSON.parseObject(json) } catch {
            return (out, ["the stored \(title) settings are unreadable (\(error.message)); using the defaults"])
        }
        for (name, scalar) in members {
            let value: SettingsValue
            switch scalar {
            case let .string(s): value = .string(s)
            case let .int(i): value = .int(i)
            case let .bool(b): value = .bool(b)
            default: problems.append("stored \(title) setting \(name) is \(scalar.typeName); using the default"); continue
            }
            do { try out.set(name, value) } catch {
                if error.code != .unknownField { problems.append("stored \(title) setting: \(error.message); using the default") }
            }
        }
        let defaults = Self()
        for e in out.validate() {
            guard let f = e.field, let d = defaults.value(of: f) else { continue }
            try? out.set(f, d)
            problems.append("stored \(title) setting: \(e.message); using the default \(d)")
        }
        return (out, problems)
    }
}

/// The checks the sections share, each worded with the field and what to do.
public enum SettingsRules {
    static func typeName(_ v: SettingsValue) -> String {
        switch v {
        case .string: return "text"
        case .int: return "a whole number"
        case .bool: return "true or false"
        }
    }

    static func wrongType(_ field: String, _ expected: String, _ got: SettingsValue) -> SettingsError {
        SettingsError(.invalidType, "\(field) must be \(expected), not \(typeName(got))", field: field)
    }

    static func string(_ v: SettingsValue, _ field: String) throws(SettingsError) -> String {
        guard case let .string(s) = v else { throw wrongType(field, "text", v) }
        return s
    }

    static func int(_ v: SettingsValue, _ field: String) throws(SettingsError) -> Int {
        guard case let .int(i) = v else { throw wrongType(field, "a whole number", v) }
        return i
    }

    static func bool(_ v: SettingsValue, _ field: String) throws(SettingsError) -> Bool {
        guard case let .bool(b) = v else { throw wrongType(field, "true or false", v) }
        return b
    }

    static func choice<T: RawRepresentable>(_ v: SettingsValue, _ field: String, _ all: [T]) throws(SettingsError) -> T where T.RawValue == String {
        let s = try string(v, field)
        guard let c = T(rawValue: s) else {
            throw SettingsError(.invalidChoice, "\(field) '\(s.prefix(64))' is not one of the choices: use \(all.map(\.rawValue).joined(separator: ", "))", field: field)
        }
        return c
    }

    static func unknown(_ field: String, in title: String) -> SettingsError {
        SettingsError(.unknownField, "the \(title) settings have no field '\(field)'", field: field)
    }

    public static func aeTitle(_ s: String, field: String = "aeTitle") -> SettingsError? {
        Validation.aeTitleProblem(s).map { SettingsError(.invalidAETitle, "\(field): \($0)", field: field) }
    }

    public static func port(_ p: Int, field: String = "port", what: String) -> SettingsError? {
        guard !(0...65535).contains(p) else { return nil }
        return SettingsError(.invalidPort, "\(field) \(p) is not a port number: give the \(what) port as 0-65535 (0 disables it)", field: field)
    }

    public static func range(_ v: Int, _ r: ClosedRange<Int>, field: String, unit: String = "") -> SettingsError? {
        guard !r.contains(v) else { return nil }
        return SettingsError(.outOfRange, "\(field) \(v) is out of range: give \(r.lowerBound) to \(r.upperBound)\(unit)", field: field)
    }

    /// Text an administrator types: any Unicode letters, no control characters (C0, DEL, C1,
    /// line and paragraph separators), at most `maxLength` characters.
    public static func text(_ s: String, field: String, maxLength: Int, allowSpaces: Bool = true) -> SettingsError? {
        if let bad = s.unicodeScalars.first(where: isControl) {
            return SettingsError(.invalidText, "\(field) contains the control character U+\(hex(bad.value)): remove it (line breaks and tabs are not allowed either)", field: field)
        }
        // Counted as the document counts (JSON Schema maxLength): code points.
        if s.unicodeScalars.count > maxLength {
            return SettingsError(.invalidText, "\(field) has \(s.unicodeScalars.count) characters: shorten it to at most \(maxLength)", field: field)
        }
        if !allowSpaces, s.unicodeScalars.contains(where: { $0.properties.isWhitespace }) {
            return SettingsError(.invalidText, "\(field) may not contain spaces: give an address such as https://pacs.example.org", field: field)
        }
        return nil
    }

    static func isControl(_ u: Unicode.Scalar) -> Bool {
        u.value < 0x20 || (0x7F...0x9F).contains(u.value) || u.value == 0x2028 || u.value == 0x2029
    }

    static func hex(_ v: UInt32) -> String {
        let h = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - h.count)) + h
    }
}
