import Foundation
import HTTPServer
import PACS
import TLS

/// `/api/settings/http` (SPEC §5, "HTTP Server Configuration"), its certificate and key, and
/// `POST /api/settings/http/apply` (the guide's "Update Web Server"). Read by any logged-in
/// user, changed by admins. Saving stores the settings; the port, HTTPS and the certificate
/// take effect at `apply`, the rest at once.
struct HTTPSettingsController {
    let web: WebService
    let audit: Auditor

    /// Read-only members that a client may send back unchanged.
    static let readOnly: Set<String> = ["ipAddresses", "listening", "certificate", "restartNeeded"]

    func register(on r: inout HTTPRouter) {
        r.get("/api/settings/http") { request in
            _ = try request.auth()
            return try answer()
        }
        r.put("/api/settings/http") { try put($0) }
        r.post("/api/settings/http/apply") { try apply($0) }
        r.get("/api/settings/http/certificate") { try certificate($0) }
        r.put("/api/settings/http/certificate") { try upload($0) }
        r.delete("/api/settings/http/certificate") { try removeCertificate($0) }
    }

    func answer() throws -> HTTPResponse {
        var body = SettingsController.object(web.settings.current(HTTPSettings.self))
        body["ipAddresses"] = NetworkInterfaces.addresses().map(\.address)
        body["listening"] = web.listening
        body["restartNeeded"] = web.restartNeeded
        body["certificate"] = (try? web.certificates.stored()).flatMap { $0 }.map(Self.json) ?? NSNull()
        return try JSONIO.response(body)
    }

    func put(_ request: HTTPRequest) throws -> HTTPResponse {
        _ = try request.admin()
        let old = web.settings.current(HTTPSettings.self)
        let new = try HTTPSettings.decode(json: try SettingsController.text(request), over: old, ignoring: Self.readOnly)
        if new.sslEnabled && !web.certificates.hasPair {
            throw SettingsError(.certificateMissing, "sslEnabled needs a certificate and key: upload them first with "
                                + "PUT /api/settings/http/certificate", field: "sslEnabled")
        }
        let saved = try web.settings.save(new)
        audit.record(request, "settings.update", target: HTTPSettings.section, detail: SettingsController.changes(old, saved))
        return try answer()
    }

    /// Applies the stored settings; the answer goes out before the old listener closes.
    func apply(_ request: HTTPRequest) throws -> HTTPResponse {
        _ = try request.admin()
        let result: WebService.ApplyResult
        do {
            result = try web.apply()
        } catch {
            audit.record(request, "settings.apply", target: HTTPSettings.section, detail: "failed, rolled back: \(error.message)")
            throw error
        }
        audit.record(request, "settings.apply", target: HTTPSettings.section,
                     detail: result.changed.isEmpty ? "nothing to restart" : "changed " + result.changed.joined(separator: ", "))
        var body: [String: Any] = ["changed": result.changed, "listening": result.listening]
        body["url"] = result.settings.port == 0 ? NSNull() : Self.url(result.settings, request: request, host: web.host)
        return try JSONIO.response(body)
    }

    func certificate(_ request: HTTPRequest) throws -> HTTPResponse {
        _ = try request.auth()
        do {
            guard let info = try web.certificates.stored() else {
                throw HTTPError(.notFound, code: "no_certificate", message: "no certificate has been uploaded")
            }
            return try JSONIO.response(Self.json(info))
        } catch let e as TLSCertificateError {
            throw Self.http(e)
        }
    }

    /// `PUT /api/settings/http/certificate`: JSON `{"certificate": PEM, "privateKey": PEM}`,
    /// or one PEM text holding the chain and the key (`application/x-pem-file`,
    /// `cat server.crt server.key`).
    func upload(_ request: HTTPRequest) throws -> HTTPResponse {
        _ = try request.admin()
        let type = (request.headers["Content-Type"] ?? "").lowercased()
        let certificate: [UInt8], key: [UInt8]
        if type.hasPrefix("application/json") {
            let object: [String: Any]
            let bytes = try request.body.collect(maxBytes: 2 * CertificateStore.maxPEMBytes)
            guard let value = try? JSONSerialization.jsonObject(with: Data(bytes)), let o = value as? [String: Any] else {
                throw HTTPError(.badRequest, code: "invalid_json", message: "the body is not a JSON object")
            }
            object = o
            let f = JSONFields(object)
            certificate = Array(try f.requiredString("certificate").utf8)
            key = Array(try f.requiredString("privateKey").utf8)
            if let extra = object.keys.first(where: { $0 != "certificate" && $0 != "privateKey" }) {
                throw HTTPError(.unprocessableContent, code: "unknown_field",
                                message: "the certificate upload has only certificate and privateKey", field: String(extra.prefix(64)))
            }
        } else if type.hasPrefix("application/x-pem-file") {
            let bytes = try request.body.collect(maxBytes: 2 * CertificateStore.maxPEMBytes)
            (certificate, key) = (bytes, bytes)
        } else {
            throw HTTPError(.unsupportedMediaType, code: "unsupported_media_type",
                            message: "send the pair as application/json {\"certificate\", \"privateKey\"} or as one application/x-pem-file")
        }
        let info: TLSCertificateInfo
        do {
            info = try web.certificates.install(certificatePEM: certificate, privateKeyPEM: key)
        } catch let e as TLSCertificateError {
            throw Self.http(e)
        } catch {
            throw HTTPError(.serviceUnavailable, code: "storage_failed", message: "the certificate could not be stored: \(error)")
        }
        audit.record(request, "certificate.upload", target: HTTPSettings.section,
                     detail: "\(info.subject), SHA-256 \(info.sha256Fingerprint)")
        return try JSONIO.response(Self.json(info))
    }

    func removeCertificate(_ request: HTTPRequest) throws -> HTTPResponse {
        _ = try request.admin()
        if web.settings.current(HTTPSettings.self).sslEnabled || web.isSecure {
            throw HTTPError(.conflict, code: "certificate_in_use",
                            message: "HTTPS uses this certificate: turn sslEnabled off and apply before removing it", field: "sslEnabled")
        }
        guard web.certificates.remove() else {
            throw HTTPError(.notFound, code: "no_certificate", message: "no certificate has been uploaded")
        }
        audit.record(request, "certificate.delete", target: HTTPSettings.section)
        return HTTPResponse(status: .noContent)
    }

    static func json(_ c: TLSCertificateInfo) -> [String: Any] {
        ["subject": c.subject, "issuer": c.issuer, "subjectAlternativeNames": c.subjectAlternativeNames,
         "notBefore": LogTimestamp(milliseconds: c.notBefore * 1000).iso8601,
         "notAfter": LogTimestamp(milliseconds: c.notAfter * 1000).iso8601,
         "serialNumber": c.serialNumber, "sha256Fingerprint": c.sha256Fingerprint, "keyDescription": c.keyDescription,
         "chainLength": c.chainLength]
    }

    /// A refused pair: 422 naming the part at fault.
    static func http(_ e: TLSCertificateError) -> HTTPError {
        let field: String
        switch e {
        case .keyNotPEM, .encryptedKey, .wrongPassphrase, .keyMismatch: field = "privateKey"
        default: field = "certificate"
        }
        return HTTPError(.unprocessableContent, code: SettingsError.Code.invalidCertificate.rawValue, message: e.description, field: field)
    }

    /// Where users now reach the server: the public address when set, else the host the
    /// client asked for, else the address listened on.
    static func url(_ s: HTTPSettings, request: HTTPRequest, host: String) -> String {
        let scheme = s.sslEnabled ? "https" : "http"
        if !s.publicAddress.isEmpty {
            return s.publicAddress.contains("://") ? s.publicAddress : "\(scheme)://\(s.publicAddress):\(s.port)/"
        }
        var name = host
        if let h = request.headers["Host"], let parsed = hostName(h) { name = parsed }
        return "\(scheme)://\(WebService.hostPart(name)):\(s.port)/"
    }

    /// The host of a Host field (RFC 9110 §7.2) without its port; nil when it is not a plain
    /// host name or address.
    static func hostName(_ field: String) -> String? {
        var h = Substring(field)
        if h.hasPrefix("[") {
            guard let end = h.firstIndex(of: "]") else { return nil }
            h = h[h.index(after: h.startIndex)..<end]
        } else if let colon = h.lastIndex(of: ":") {
            h = h[..<colon]
        }
        let ok = !h.isEmpty && h.count <= 253 && h.unicodeScalars.allSatisfy { c in
            c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "." || c == "-" || c == ":")
        }
        return ok ? String(h) : nil
    }
}
