import Foundation
import HTTPServer
import PACS

/// `/api/settings/dicom` and `/api/settings/network`: read by any logged-in user, changed by
/// admins. A change is checked, applied live (the DICOM listener moves at once) and stored.
struct SettingsController {
    let settings: SettingsStore
    let dicom: DICOMService
    let audit: Auditor

    /// Read-only members that a client may send back unchanged.
    static let dicomReadOnly: Set<String> = ["ipAddresses", "listening"]

    func register(on r: inout HTTPRouter) {
        r.get("/api/settings/dicom") { try getDICOM($0) }
        r.put("/api/settings/dicom") { try putDICOM($0) }
        r.get("/api/settings/network") { try getNetwork($0) }
        r.put("/api/settings/network") { try putNetwork($0) }
    }

    static func object<S: SettingsSection>(_ s: S) -> [String: Any] {
        var out: [String: Any] = [:]
        for (name, value) in s.fields {
            switch value {
            case let .string(v): out[name] = v
            case let .int(v): out[name] = v
            case let .bool(v): out[name] = v
            }
        }
        return out
    }

    func dicomAnswer() throws -> HTTPResponse {
        var body = Self.object(dicom.settings)
        let status = dicom.status
        body["ipAddresses"] = status.ipAddresses
        body["listening"] = status.listening
        return try JSONIO.response(body)
    }

    func getDICOM(_ request: HTTPRequest) throws -> HTTPResponse {
        _ = try request.auth()
        return try dicomAnswer()
    }

    func putDICOM(_ request: HTTPRequest) throws -> HTTPResponse {
        _ = try request.admin()
        let old = dicom.settings
        let new = try DICOMSettings.decode(json: try Self.text(request), over: old, ignoring: Self.dicomReadOnly)
        try dicom.change(new, in: settings)
        audit.record(request, "settings.update", target: DICOMSettings.section, detail: Self.changes(old, new))
        return try dicomAnswer()
    }

    func getNetwork(_ request: HTTPRequest) throws -> HTTPResponse {
        _ = try request.auth()
        return try JSONIO.response(Self.object(settings.current(NetworkSettings.self)))
    }

    func putNetwork(_ request: HTTPRequest) throws -> HTTPResponse {
        _ = try request.admin()
        let old = settings.current(NetworkSettings.self)
        let new = try NetworkSettings.decode(json: try Self.text(request), over: old)
        let saved = try settings.save(new)
        audit.record(request, "settings.update", target: NetworkSettings.section, detail: Self.changes(old, saved))
        dicom.apply(network: saved)
        return try JSONIO.response(Self.object(saved))
    }

    /// "port 11112 → 104, aeTitle A → B".
    static func changes<S: SettingsSection>(_ old: S, _ new: S) -> String {
        new.fields.compactMap { f in
            let before = old.value(of: f.name)
            return before == f.value ? nil : "\(f.name) \(before?.description ?? "") → \(f.value)"
        }.joined(separator: ", ")
    }

    /// The JSON body as text (415 unless JSON, 413 beyond the limit).
    static func text(_ request: HTTPRequest) throws -> String {
        let type = (request.headers["Content-Type"] ?? "").lowercased()
        guard type.hasPrefix("application/json") else {
            throw HTTPError(.unsupportedMediaType, code: "unsupported_media_type", message: "send the body as application/json")
        }
        guard let s = String(validating: try request.body.collect(maxBytes: JSONIO.maxBody), as: UTF8.self) else {
            throw HTTPError(.badRequest, code: "invalid_json", message: "the body is not UTF-8")
        }
        return s
    }
}
