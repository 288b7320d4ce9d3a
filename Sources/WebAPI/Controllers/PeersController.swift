import Foundation
import Archive
import DICOMNetwork
import HTTPServer
import PACS

/// `/api/peers`: the known DICOM peers (SPEC §3). Any logged-in user reads them; changes and
/// echoes need the admin role.
struct PeersController {
    let archive: Archive
    let settings: SettingsStore
    let dicom: DICOMService
    let audit: Auditor

    func register(on r: inout HTTPRouter) {
        r.get("/api/peers") { try list($0) }
        r.post("/api/peers") { try create($0) }
        r.get("/api/peers/{id}") { try read($0) }
        r.put("/api/peers/{id}") { try update($0) }
        r.delete("/api/peers/{id}") { try remove($0) }
        r.post("/api/peers/{id}/echo") { try echo($0) }
    }

    static func json(_ p: Peer) -> [String: Any] {
        ["id": p.id, "aeTitle": p.aeTitle, "host": p.host, "port": p.port, "description": p.description,
         "allowFind": p.allowFind, "allowMove": p.allowMove, "allowGet": p.allowGet, "allowStore": p.allowStore]
    }

    func list(_ request: HTTPRequest) throws -> HTTPResponse {
        _ = try request.auth()
        return try JSONIO.response(try archive.peers().map(Self.json))
    }

    func read(_ request: HTTPRequest) throws -> HTTPResponse {
        _ = try request.auth()
        return try JSONIO.response(Self.json(try peer(request)))
    }

    func create(_ request: HTTPRequest) throws -> HTTPResponse {
        _ = try request.admin()
        let f = JSONFields(try JSONIO.object(request))
        let p = try Self.apply(f, to: Peer(aeTitle: try f.requiredString("aeTitle"), host: try f.requiredString("host"),
                                            port: try f.int("port") ?? { throw JSONFields.missing("port") }()))
        try checkUnique(p)
        do {
            let added = try archive.addPeer(p)
            audit.record(request, "peer.create", target: added.aeTitle, detail: "\(added.host):\(added.port)")
            return try JSONIO.response(Self.json(added), status: .created)
        } catch ArchiveError.storage(let why) {
            throw HTTPError(.conflict, code: "peer_exists", message: why, field: "aeTitle")
        }
    }

    func update(_ request: HTTPRequest) throws -> HTTPResponse {
        _ = try request.admin()
        let current = try peer(request)
        let p = try Self.apply(JSONFields(try JSONIO.object(request)), to: current)
        try checkUnique(p)
        do {
            try archive.updatePeer(p)
        } catch ArchiveError.storage(let why) {
            throw HTTPError(.conflict, code: "peer_exists", message: why, field: "aeTitle")
        } catch ArchiveError.notFound(let why) {
            throw HTTPError.notFound(why)
        }
        audit.record(request, "peer.update", target: p.aeTitle, detail: "\(p.host):\(p.port)")
        return try JSONIO.response(Self.json(p))
    }

    func remove(_ request: HTTPRequest) throws -> HTTPResponse {
        _ = try request.admin()
        let p = try peer(request)
        guard try archive.removePeer(id: p.id) else { throw HTTPError.notFound("no peer with id \(p.id)") }
        audit.record(request, "peer.delete", target: p.aeTitle)
        return HTTPResponse(status: .noContent)
    }

    /// A C-ECHO to the peer, calling with our AE title, waiting the service time-out at most.
    func echo(_ request: HTTPRequest) throws -> HTTPResponse {
        _ = try request.admin()
        let p = try peer(request)
        let timeout = Double(settings.current(NetworkSettings.self).serviceTimeoutSeconds)
        let outcome = PeerEcho.run(peer: p, callingAE: dicom.settings.aeTitle, timeout: timeout)
        var body: [String: Any] = ["success": outcome.error == nil, "roundTripMs": outcome.milliseconds]
        if let e = outcome.error { body["error"] = e }
        return try JSONIO.response(body)
    }

    // MARK: helpers

    static func id(_ request: HTTPRequest) throws -> Int {
        guard let id = Int(try request.parameter("id")), id > 0 else { throw HTTPError.notFound("no peer with that id") }
        return id
    }

    func peer(_ request: HTTPRequest) throws -> Peer {
        let id = try Self.id(request)
        guard let p = try archive.peer(id: id) else { throw HTTPError.notFound("no peer with id \(id)") }
        return p
    }

    /// The members present in `f` over `base`, checked against the rules of SPEC §3.
    static func apply(_ f: JSONFields, to base: Peer) throws -> Peer {
        var p = base
        if let s = try f.string("aeTitle") { p.aeTitle = s }
        if let s = try f.string("host") { p.host = s }
        if let n = try f.int("port") { p.port = n }
        if let s = try f.string("description") { p.description = s }
        if let b = try f.bool("allowFind") { p.allowFind = b }
        if let b = try f.bool("allowMove") { p.allowMove = b }
        if let b = try f.bool("allowGet") { p.allowGet = b }
        if let b = try f.bool("allowStore") { p.allowStore = b }
        if let why = Validation.aeTitleProblem(p.aeTitle) {
            throw HTTPError(.unprocessableContent, code: "invalid_ae_title", message: why, field: "aeTitle")
        }
        if let why = Validation.hostProblem(p.host) {
            throw HTTPError(.unprocessableContent, code: "invalid_host", message: why, field: "host")
        }
        guard (1...65535).contains(p.port) else {
            throw HTTPError(.unprocessableContent, code: "invalid_port", message: "a peer's port is 1 to 65535", field: "port")
        }
        guard p.description.unicodeScalars.count <= 1024, !p.description.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\t" }) else {
            throw HTTPError(.unprocessableContent, code: "invalid_description",
                            message: "a description has at most 1024 characters and no control characters", field: "description")
        }
        return p
    }

    func checkUnique(_ p: Peer) throws {
        if let other = try archive.peer(aeTitle: p.aeTitle), other.id != p.id {
            throw HTTPError(.conflict, code: "peer_exists", message: "a peer with AE title '\(p.aeTitle)' already exists",
                            field: "aeTitle")
        }
    }
}

/// One verification round trip to a peer, with the failure said the way an administrator
/// needs it: refused, timed out, or rejected and why.
enum PeerEcho {
    static func run(peer: Peer, callingAE: String, timeout: Double) -> (milliseconds: Double, error: String?) {
        let start = Date()
        func elapsed() -> Double { (Date().timeIntervalSince(start) * 10_000).rounded() / 10 }
        let rq = AssociateRQ(calledAETitle: peer.aeTitle, callingAETitle: callingAE,
                             presentationContexts: [PresentationContextRQ(id: 1, abstractSyntax: SOPClass.verification,
                                                                          transferSyntaxes: ["1.2.840.10008.1.2"])],
                             userInformation: UserInformation())
        do throws(AssociationError) {
            let a = try Association.request(host: peer.host, port: peer.port, request: rq, connectTimeout: timeout,
                                            dimseTimeout: timeout)
            let r = try a.echo()
            try? a.release()
            return (elapsed(), r.status.isSuccess ? nil : "C-ECHO answered status \(r.status)")
        } catch {
            return (elapsed(), describe(error))
        }
    }

    static func describe(_ e: AssociationError) -> String {
        switch e {
        case .transport(.connectionRefused): return "connection refused"
        case .transport(.timedOut), .timedOut: return "timed out"
        case let .rejected(rj): return "association rejected: \(rj.reason.text)"
        default: return e.description
        }
    }
}
