import Foundation
import HTTPServer

/// Reading JSON request bodies and writing JSON answers for the API handlers.
enum JSONIO {
    /// The largest JSON document a handler reads.
    static let maxBody = 64 * 1024

    /// The request's body as a JSON object: 415 unless the content type is JSON, 413 beyond
    /// `maxBody`, 400 `invalid_json` when it does not parse to an object.
    static func object(_ request: HTTPRequest) throws -> [String: Any] {
        let type = (request.headers["Content-Type"] ?? "").lowercased()
        guard type.hasPrefix("application/json") else {
            throw HTTPError(.unsupportedMediaType, code: "unsupported_media_type", message: "send the body as application/json")
        }
        let bytes = try request.body.collect(maxBytes: maxBody)
        guard let value = try? JSONSerialization.jsonObject(with: Data(bytes)), let object = value as? [String: Any] else {
            throw HTTPError(.badRequest, code: "invalid_json", message: "the body is not a JSON object")
        }
        return object
    }

    /// An answer with `value` (dictionaries, arrays, strings, numbers, booleans, NSNull).
    static func response(_ value: Any, status: HTTPStatus = .ok) throws -> HTTPResponse {
        let data = try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes])
        var r = HTTPResponse.json(Array(data), status: status)
        r.headers.set("Cache-Control", "no-store")
        return r
    }
}

/// Typed access to the members of a JSON object, with 422 errors naming the field. A member
/// left out is absent; `null` is not a value of any member, so it is refused like any other
/// wrong type (as the settings routes do), not taken for "left out".
struct JSONFields {
    let object: [String: Any]
    init(_ object: [String: Any]) { self.object = object }

    func has(_ name: String) -> Bool { object[name] != nil }

    func string(_ name: String) throws -> String? {
        guard has(name) else { return nil }
        guard let s = object[name] as? String else { throw Self.wrongType(name, "a string") }
        return s
    }

    func requiredString(_ name: String) throws -> String {
        guard let s = try string(name) else { throw Self.missing(name) }
        return s
    }

    func bool(_ name: String) throws -> Bool? {
        guard has(name) else { return nil }
        guard let n = object[name] as? NSNumber, !(object[name] is String), Self.isBoolean(n) else {
            throw Self.wrongType(name, "true or false")
        }
        return n.boolValue
    }

    func int(_ name: String) throws -> Int? {
        guard has(name) else { return nil }
        guard let n = object[name] as? NSNumber, !Self.isBoolean(n) else { throw Self.wrongType(name, "an integer") }
        let d = n.doubleValue
        guard d.rounded() == d, abs(d) < 1e15 else { throw Self.wrongType(name, "an integer") }
        return Int(d)
    }

    static func isBoolean(_ n: NSNumber) -> Bool {
        // JSONSerialization makes `true`/`false` into boolean NSNumbers, whose type code is "c";
        // the numbers it parses are integers ("q") or doubles ("d").
        String(cString: n.objCType) == "c"
    }

    static func missing(_ name: String) -> HTTPError {
        HTTPError(.unprocessableContent, code: "missing_field", message: "'\(name)' is required", field: name)
    }

    static func wrongType(_ name: String, _ what: String) -> HTTPError {
        HTTPError(.unprocessableContent, code: "invalid_type", message: "'\(name)' must be \(what)", field: name)
    }
}

