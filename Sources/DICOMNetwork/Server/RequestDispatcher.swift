import DICOM

/// Turns each DIMSE request into a call on the provider and sends the response(s)
/// (PS3.7 §9.3 for the message rules; PS3.4 Annexes A, B, C for the services).
struct RequestDispatcher {
    let association: Association
    let provider: DICOMServiceProvider
    let context: ServiceContext
    let config: ServerConfiguration

    func handle(_ m: DIMSEMessage) throws(AssociationError) {
        guard let field = m.command.field else { return }
        provider.event(.operation(id: context.associationID, command: m.command))
        if field == .cCancelRQ { return }  // a cancel for something already finished
        if let refusal = provider.authorize(field, context) {
            try respond(to: m, field: responseField(field), result: refusal)
            return
        }
        switch field {
        case .cEchoRQ:
            try respond(to: m, field: .cEchoRSP, result: ServiceResult(provider.echo(context)))
        case .cStoreRQ: try handleStore(m)
        case .cFindRQ: try handleFind(m)
        case .cMoveRQ, .cGetRQ: try RetrieveOperation(dispatcher: self, request: m, isMove: field == .cMoveRQ).run()
        default:
            try respond(to: m, field: responseField(field), result: ServiceResult(.unrecognizedOperation, comment: "\(field.name) is not supported"))
        }
    }

    func responseField(_ f: CommandField) -> CommandField { CommandField(rawValue: f.rawValue | 0x8000) ?? .cEchoRSP }

    /// Sends a response (no data set) carrying `result`.
    func respond(to m: DIMSEMessage, field: CommandField, result: ServiceResult, extra: (inout DIMSECommand) -> Void = { _ in }) throws(AssociationError) {
        var c = DIMSECommand(field: field, respondingTo: m.command.messageID, sopClassUID: m.command.affectedSOPClassUID, hasDataSet: false)
        c.setUInt16(CommandTag.status, result.status.rawValue)
        if let comment = result.comment, !result.status.isSuccess, !result.status.isPending {
            c.setString(CommandTag.errorComment, String(comment.prefix(64)), vr: .LO)
        }
        if let inst = m.command.affectedSOPInstanceUID { c.setString(CommandTag.affectedSOPInstanceUID, inst, vr: .UI) }
        extra(&c)
        try association.send(DIMSEMessage(contextID: m.contextID, command: c))
    }

    func handleStore(_ m: DIMSEMessage) throws(AssociationError) {
        guard let ctx = association.contexts[m.contextID], let data = m.dataSet else {
            try respond(to: m, field: .cStoreRSP, result: ServiceResult(.cannotUnderstand, comment: "C-STORE-RQ without a data set"))
            return
        }
        let request = StoreRequest(sopClassUID: m.command.affectedSOPClassUID ?? ctx.abstractSyntax,
                                   sopInstanceUID: m.command.affectedSOPInstanceUID ?? "",
                                   transferSyntax: ctx.transferSyntax, dataSet: data, priority: m.command.priority,
                                   moveOriginatorAETitle: m.command.string(CommandTag.moveOriginatorAETitle))
        try respond(to: m, field: .cStoreRSP, result: provider.store(request, context))
    }

    /// Decodes the identifier of a query or retrieve.
    func identifier(of m: DIMSEMessage) -> DataSet? {
        guard let d = m.dataSet else { return nil }
        return try? association.decodeDataSet(d, contextID: m.contextID)
    }

    func queryRequest(_ m: DIMSEMessage, _ identifier: DataSet, cancelled: @escaping @Sendable () -> Bool) -> QueryRequest {
        let level = identifier[Tag(0x0008, 0x0052)].flatMap { QueryLevel(rawValue: String(decoding: $0.bytes.array, as: UTF8.self).trimmingDICOMPadding()) }
        return QueryRequest(sopClassUID: m.command.affectedSOPClassUID ?? association.contexts[m.contextID]?.abstractSyntax ?? "",
                            identifier: identifier, level: level, moveDestination: m.command.moveDestination, isCancelled: cancelled)
    }

    func handleFind(_ m: DIMSEMessage) throws(AssociationError) {
        guard let id = identifier(of: m), let messageID = m.command.messageID else {
            try respond(to: m, field: .cFindRSP, result: ServiceResult(.identifierDoesNotMatchSOPClass, comment: "missing or unreadable identifier"))
            return
        }
        let flag = CancelFlag()
        var sendError: AssociationError?
        let ts = association.contexts[m.contextID]?.transferSyntax ?? .implicitVRLittleEndian
        let result = provider.find(queryRequest(m, id, cancelled: { flag.isSet }), context) { match in
            guard sendError == nil, !flag.isSet else { return false }
            do {
                if try association.cancelRequested(for: messageID) { flag.set(); return false }
                var w = DataSetWriter(transferSyntax: ts)
                try w.write(match)
                let bytes = ts.isDeflated ? try Deflate.deflate(w.bytes) : w.bytes
                var c = DIMSECommand(field: .cFindRSP, respondingTo: messageID, sopClassUID: m.command.affectedSOPClassUID, hasDataSet: true)
                c.setUInt16(CommandTag.status, DIMSEStatus.pending.rawValue)
                try association.send(DIMSEMessage(contextID: m.contextID, command: c, dataSet: bytes))
                return true
            } catch let e as AssociationError {
                sendError = e
                return false
            } catch {
                sendError = .protocolError("cannot encode a match: \(error)")
                return false
            }
        }
        if let e = sendError { throw e }
        try respond(to: m, field: .cFindRSP, result: flag.isSet ? ServiceResult(.cancel) : result)
    }
}

/// Set once, read from any thread.
final class CancelFlag: @unchecked Sendable {
    private var value = false
    var isSet: Bool { value }
    func set() { value = true }
}
