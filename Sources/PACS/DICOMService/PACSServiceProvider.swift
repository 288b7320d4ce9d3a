import Synchronization
import DICOM
import DICOMNetwork
import Archive

/// The appliance's DICOM services: the archive behind the acceptor, with the peer rules of
/// SPEC §2 — unknown callers may C-ECHO, may C-STORE only when the setting allows it, and
/// need to be known peers for C-FIND, C-MOVE and C-GET.
public final class PACSServiceProvider: DICOMServiceProvider {
    public let archive: Archive
    public let log: DICOMLog
    let debugTraffic: DebugTrafficLog
    /// What the server has done since start, for /metrics.
    public let counters = DICOMCounters()
    let live: Mutex<Live>

    /// The DICOM settings that apply per association and per request; changes apply at once.
    struct Live {
        var debugMode: Bool
        var acceptUnknownStorers: Bool
        var duplicatePolicy: Archive.DuplicatePolicy
    }

    public init(archive: Archive, log: DICOMLog, debug: Bool = false, acceptUnknownStorers: Bool = false,
                duplicatePolicy: Archive.DuplicatePolicy = .keep) {
        self.archive = archive
        self.log = log
        debugTraffic = DebugTrafficLog(log: log)
        live = Mutex(Live(debugMode: debug, acceptUnknownStorers: acceptUnknownStorers, duplicatePolicy: duplicatePolicy))
        if debug { log.setDebug(true) }
    }

    /// Debug mode's observer of every PDU and DIMSE message, while debug mode is on (read as
    /// each association starts).
    public var observer: AssociationObserver? { debugMode ? debugTraffic : nil }

    /// Debug mode: every PDU and DIMSE message to the DICOM log. Toggled live.
    public var debugMode: Bool {
        get { live.withLock { $0.debugMode } }
        set {
            live.withLock { $0.debugMode = newValue }
            log.setDebug(newValue)
        }
    }

    public var acceptUnknownStorers: Bool { live.withLock { $0.acceptUnknownStorers } }
    public var duplicatePolicy: Archive.DuplicatePolicy { live.withLock { $0.duplicatePolicy } }

    /// Takes the per-association settings (debug mode, unknown storers, duplicates) at once.
    public func apply(_ s: DICOMSettings) {
        let debugChanged = live.withLock { l -> Bool in
            let changed = l.debugMode != s.debugMode
            l = Live(debugMode: s.debugMode, acceptUnknownStorers: s.acceptUnknownStorers, duplicatePolicy: s.duplicatePolicy)
            return changed
        }
        if debugChanged { log.setDebug(s.debugMode) }
    }

    func knownPeer(_ ae: String) -> Peer? { try? archive.peer(aeTitle: ae) }

    public func negotiate(_ rq: AssociateRQ, peerAddress: String, ourAETitle: String) -> AssociationDecision {
        let standard = StandardNegotiation(aeTitle: ourAETitle, supports: { [self] in supports(abstractSyntax: $0) })
        guard case var .accept(ac) = standard.decide(rq) else { return standard.decide(rq) }
        if knownPeer(rq.callingAETitle) != nil { return .accept(ac) }
        // An unknown caller: verification always, storage if the setting allows, nothing else.
        let storeOK = acceptUnknownStorers
        let proposed = Dictionary(rq.presentationContexts.map { ($0.id, $0.abstractSyntax) }, uniquingKeysWith: { a, _ in a })
        var refused = Set<String>()
        for i in ac.presentationContexts.indices where ac.presentationContexts[i].result == .acceptance {
            let abstract = proposed[ac.presentationContexts[i].id] ?? ""
            let allowed = abstract == SOPClass.verification || (storeOK && SOPClass.isStorage(abstract))
            if !allowed {
                ac.presentationContexts[i] = PresentationContextAC(id: ac.presentationContexts[i].id, result: .userRejection, transferSyntax: "")
                refused.insert(SOPClass.isStorage(abstract) ? "C-STORE" : (UIDDictionary.entry(for: abstract)?.name ?? abstract))
            }
        }
        if !refused.isEmpty {
            let what = refused.sorted().joined(separator: ", ")
            log.record(.warning, "calling AE '\(rq.callingAETitle)' from \(peerAddress) is not a known peer: add it under Peers (refused: \(what))", peer: rq.callingAETitle)
        }
        if !ac.presentationContexts.contains(where: { $0.result == .acceptance }) {
            return .reject(AssociateRJ(result: .permanent, reason: .callingAETitleNotRecognized))
        }
        return .accept(ac)
    }

    public func authorize(_ service: CommandField, _ ctx: ServiceContext) -> ServiceResult? {
        guard service != .cEchoRQ else { return nil }
        guard let peer = knownPeer(ctx.callingAETitle) else {
            if service == .cStoreRQ && acceptUnknownStorers { return nil }
            return ServiceResult(.notAuthorized, comment: "calling AE '\(ctx.callingAETitle)' is not a known peer")
        }
        let allowed: Bool
        switch service {
        case .cFindRQ: allowed = peer.allowFind
        case .cMoveRQ: allowed = peer.allowMove
        case .cGetRQ: allowed = peer.allowGet
        case .cStoreRQ: allowed = peer.allowStore
        default: allowed = true
        }
        guard allowed else {
            log.record(.warning, "peer '\(peer.aeTitle)' may not use \(service.name.replacingOccurrences(of: "-RQ", with: "")): allow it under Peers", peer: peer.aeTitle)
            return ServiceResult(.notAuthorized, comment: "\(service.name) is not allowed for \(peer.aeTitle)")
        }
        return nil
    }

    public func store(_ request: StoreRequest, _ ctx: ServiceContext) -> ServiceResult {
        do {
            let outcome = try archive.store(dataSet: request.dataSet, transferSyntax: request.transferSyntax,
                                            expectedSOPClass: request.sopClassUID, expectedSOPInstance: request.sopInstanceUID,
                                            callingAE: ctx.callingAETitle, duplicates: duplicatePolicy)
            if outcome == .storedWithDerivedUIDs {
                log.record(.warning, "instance \(request.sopInstanceUID) from \(ctx.callingAETitle) has no Study or Series Instance UID: stored under derived UIDs", peer: ctx.callingAETitle)
            }
            if outcome == .duplicateKept {
                log.record(.info, "instance \(request.sopInstanceUID) from \(ctx.callingAETitle) is already stored; kept the first", peer: ctx.callingAETitle)
                counters.store(.duplicate)
            } else {
                counters.store(.stored, bytes: request.dataSet.count)
            }
            return .success
        } catch let e as ArchiveError {
            counters.store(.failed)
            log.record(.error, "C-STORE of \(request.sopInstanceUID) from \(ctx.callingAETitle) failed: \(e)", peer: ctx.callingAETitle)
            switch e {
            case .uidMismatch: return ServiceResult(.dataSetDoesNotMatchSOPClassError, comment: e.description)
            case .invalidInstance: return ServiceResult(.cannotUnderstand, comment: e.description)
            default: return ServiceResult(.refusedOutOfResources, comment: e.description)
            }
        } catch {
            counters.store(.failed)
            log.record(.error, "C-STORE of \(request.sopInstanceUID) failed: \(error)", peer: ctx.callingAETitle)
            return ServiceResult(.refusedOutOfResources, comment: "\(error)")
        }
    }

    public func moveDestination(_ aeTitle: String, _ ctx: ServiceContext) -> MoveDestination? {
        guard let p = knownPeer(aeTitle) else {
            log.record(.warning, "C-MOVE destination '\(aeTitle)' requested by '\(ctx.callingAETitle)' is not a known peer: add it under Peers", peer: ctx.callingAETitle)
            return nil
        }
        return MoveDestination(aeTitle: p.aeTitle, host: p.host, port: p.port)
    }

    public func event(_ event: ServerEvent) {
        switch event {
        case let .associationAccepted(id, calling, called, address, contexts):
            counters.associationAccepted()
            log.record(.info, "association \(id) accepted: \(calling) -> \(called) from \(address), \(contexts) context(s)", peer: calling, association: id)
        case let .associationRejected(calling, called, address, reason):
            counters.associationRejected()
            log.record(.warning, "association from \(calling) at \(address) to \(called) rejected: \(reason)", peer: calling)
        case let .associationEnded(id, how):
            log.record(.info, "association \(id) ended: \(how)", peer: nil, association: id)
        case let .operation(id, command):
            counters.operation(command.field)
            if log.wants(.debug) { log.record(.debug, "association \(id): \(command.summary)", peer: nil, association: id) }
        case let .failure(s):
            log.record(.error, s, peer: nil)
        case let .connectionClosedBeforeAssociation(address):
            log.record(.debug, "connection from \(address) closed before any association request", peer: nil)
        }
    }
}

/// Debug mode: every PDU and DIMSE message to the DICOM log.
struct DebugTrafficLog: AssociationObserver {
    let log: DICOMLog
    func pdu(_ summary: String, outgoing: Bool, association: Association) {
        log.record(.debug, "\(association.label) \(outgoing ? "sent" : "received") \(summary)", peer: association.callingAETitle, association: Int(association.label))
    }
    func dimse(_ command: DIMSECommand, dataSetLength: Int, outgoing: Bool, association: Association) {
        log.record(.debug, "\(association.label) \(outgoing ? "sent" : "received") \(command.summary)\(dataSetLength > 0 ? " (\(dataSetLength) bytes)" : "")", peer: association.callingAETitle, association: Int(association.label))
    }
}
