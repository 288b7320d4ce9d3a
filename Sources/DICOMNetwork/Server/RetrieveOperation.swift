import DICOM

/// C-MOVE and C-GET as SCP (PS3.4 C.4.2, C.4.3): find the instances, send each — on a new
/// association to the destination for C-MOVE, on the same association for C-GET — with a
/// pending response after each sub-operation, honouring C-CANCEL.
struct RetrieveOperation {
    let dispatcher: RequestDispatcher
    let request: DIMSEMessage
    let isMove: Bool

    var association: Association { dispatcher.association }
    var provider: DICOMServiceProvider { dispatcher.provider }
    var field: CommandField { isMove ? .cMoveRSP : .cGetRSP }

    func run() throws(AssociationError) {
        guard let identifier = dispatcher.identifier(of: request), let messageID = request.command.messageID else {
            try dispatcher.respond(to: request, field: field, result: ServiceResult(.identifierDoesNotMatchSOPClass, comment: "missing or unreadable identifier"))
            return
        }
        var destination: MoveDestination?
        if isMove {
            let ae = request.command.moveDestination ?? ""
            guard let d = provider.moveDestination(ae, dispatcher.context) else {
                try dispatcher.respond(to: request, field: field, result: ServiceResult(.moveDestinationUnknown, comment: "move destination '\(ae)' is not a known peer"))
                return
            }
            destination = d
        }
        let items: [RetrieveItem]
        switch provider.retrieve(dispatcher.queryRequest(request, identifier, cancelled: { false }), dispatcher.context) {
        case let .success(list): items = list
        case let .failure(f):
            try dispatcher.respond(to: request, field: field, result: f.result)
            return
        }
        var counts = SubOperations(remaining: items.count)
        var failedUIDs: [String] = []
        var sub: Association?
        defer { if let s = sub { try? s.release() } }
        if let d = destination, !items.isEmpty {
            do { sub = try openSubAssociation(to: d, for: items) } catch {
                provider.event(.failure("C-MOVE to \(d.aeTitle) at \(d.host):\(d.port): \(error)"))
                try dispatcher.respond(to: request, field: field,
                                       result: ServiceResult(.refusedOutOfResourcesSubOperations, comment: "cannot reach \(d.aeTitle): \(error)")) { $0.setSubOperations(SubOperations(remaining: 0, completed: 0, failed: items.count)) }
                return
            }
        }
        var cancelled = false
        for item in items {
            if try association.cancelRequested(for: messageID) { cancelled = true; break }
            let ok = send(item, over: sub ?? association, messageID: messageID)
            counts.remaining = (counts.remaining ?? 1) - 1
            switch ok {
            case .success: counts.completed += 1
            case .warning: counts.warning += 1
            case .failure: counts.failed += 1; failedUIDs.append(item.sopInstanceUID)
            }
            try dispatcher.respond(to: request, field: field, result: ServiceResult(.pending)) { $0.setSubOperations(counts) }
        }
        var final: ServiceResult = .success
        if cancelled {
            final = ServiceResult(.cancel)
        } else if counts.failed > 0 || counts.warning > 0 {
            final = ServiceResult(counts.completed == 0 && counts.warning == 0 ? .refusedOutOfResourcesSubOperations : .subOperationsCompleteWithFailures,
                                  comment: "\(counts.failed) of \(items.count) sub-operations failed")
        }
        var finalCounts = counts
        if !cancelled { finalCounts.remaining = nil }
        try dispatcher.respond(to: request, field: field, result: final) { $0.setSubOperations(finalCounts) }
    }

    enum Outcome { case success, warning, failure }

    func send(_ item: RetrieveItem, over target: Association, messageID: UInt16) -> Outcome {
        do {
            let bytes = try item.load()
            let r = try target.store(dataSet: bytes, transferSyntax: item.transferSyntax, sopClassUID: item.sopClassUID,
                                     sopInstanceUID: item.sopInstanceUID,
                                     moveOriginator: isMove ? (association.callingAETitle, messageID) : nil)
            switch r.status.category {
            case .success: return .success
            case .warning: return .warning
            default:
                provider.event(.failure("sub-operation \(item.sopInstanceUID): \(r.status)"))
                return .failure
            }
        } catch {
            provider.event(.failure("sub-operation \(item.sopInstanceUID): \(error)"))
            return .failure
        }
    }

    /// Proposes, for each SOP class to send, its stored syntax and the uncompressed ones.
    func openSubAssociation(to d: MoveDestination, for items: [RetrieveItem]) throws(AssociationError) -> Association {
        var contexts: [PresentationContextRQ] = []
        var seen = Set<String>()
        var nextID: UInt8 = 1
        for item in items {
            let key = item.sopClassUID + "|" + item.transferSyntax.uid
            guard !seen.contains(key), nextID < 255 else { continue }
            seen.insert(key)
            contexts.append(PresentationContextRQ(id: nextID, abstractSyntax: item.sopClassUID, transferSyntaxes: [item.transferSyntax.uid]))
            nextID &+= 2
            if !seen.contains(item.sopClassUID), nextID < 255, item.transferSyntax.isUncompressed || item.transferSyntax.isDeflated {
                seen.insert(item.sopClassUID)
                contexts.append(PresentationContextRQ(id: nextID, abstractSyntax: item.sopClassUID, transferSyntaxes: [TransferSyntax.explicitVRLittleEndian.uid, TransferSyntax.implicitVRLittleEndian.uid]))
                nextID &+= 2
            }
        }
        let rq = AssociateRQ(calledAETitle: d.aeTitle, callingAETitle: dispatcher.config.aeTitle, presentationContexts: contexts, userInformation: UserInformation())
        return try Association.request(host: d.host, port: d.port, request: rq, maxPDULength: dispatcher.config.maxPDULength,
                                       connectTimeout: dispatcher.config.dimseTimeout, dimseTimeout: dispatcher.config.dimseTimeout, observer: provider.observer)
    }
}
