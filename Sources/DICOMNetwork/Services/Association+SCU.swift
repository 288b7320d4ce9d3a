import DICOM

/// The final answer to a DIMSE request: its status and the whole response command.
public struct DIMSEResponse: Sendable {
    public var status: DIMSEStatus
    public var command: DIMSECommand
    public var errorComment: String? { command.errorComment }
    public var subOperations: SubOperations { command.subOperations }
}

/// SCU operations (PS3.7 §9.3: C-ECHO, C-STORE, C-FIND, C-MOVE, C-GET, C-CANCEL).
extension Association {
    func requireContext(_ sopClass: String, _ what: String, preferring: [String] = []) throws(AssociationError) -> AcceptedContext {
        guard let c = context(for: sopClass, preferring: preferring) else {
            throw .noPresentationContext("\(what) (\(UIDDictionary.entry(for: sopClass)?.name ?? sopClass)): the peer did not accept it")
        }
        return c
    }

    /// Waits for the response to `messageID` (ignoring nothing: anything else is a protocol error).
    func awaitResponse(to messageID: UInt16, _ field: CommandField) throws(AssociationError) -> DIMSEMessage {
        var m = try receive()
        while m.command.field == .cCancelRQ, let id = m.command.messageIDBeingRespondedTo {
            // A cancel of the operation we serve (C-GET) arriving while its sub-operation runs.
            cancelledMessageIDs.insert(id)
            m = try receive()
        }
        guard m.command.field == field, m.command.messageIDBeingRespondedTo == messageID else {
            abort()
            throw .protocolError("expected \(field.name) for message \(messageID), got \(m.command.summary)")
        }
        return m
    }

    /// C-ECHO (PS3.7 §9.3.5).
    public func echo() throws(AssociationError) -> DIMSEResponse {
        let ctx = try requireContext(SOPClass.verification, "verification")
        let id = makeMessageID()
        try send(DIMSEMessage(contextID: ctx.id, command: DIMSECommand(field: .cEchoRQ, messageID: id, sopClassUID: SOPClass.verification, hasDataSet: false)))
        let r = try awaitResponse(to: id, .cEchoRSP)
        return DIMSEResponse(status: r.command.status ?? .unableToProcess, command: r.command)
    }

    /// C-STORE of a data set already encoded in `transferSyntax` (PS3.7 §9.3.1). The bytes
    /// go as they are on a context with that syntax; an uncompressed data set is converted
    /// when the peer accepted only another uncompressed syntax.
    public func store(dataSet bytes: [UInt8], transferSyntax: TransferSyntax, sopClassUID: String, sopInstanceUID: String,
                      priority: UInt16 = 0, moveOriginator: (aeTitle: String, messageID: UInt16)? = nil) throws(AssociationError) -> DIMSEResponse {
        let candidates = contexts.values.filter { $0.abstractSyntax == sopClassUID }
        var payload = bytes
        let ctx: AcceptedContext
        if let exact = candidates.first(where: { $0.transferSyntax.uid == transferSyntax.uid }) {
            ctx = exact
        } else if transferSyntax.isUncompressed || transferSyntax.isDeflated,
                  let other = candidates.first(where: { $0.transferSyntax.isUncompressed || $0.transferSyntax.isDeflated }) {
            do { payload = try Transcoder.transcode(bytes, from: transferSyntax, to: other.transferSyntax) } catch {
                throw .noPresentationContext("\(sopInstanceUID): cannot convert to \(other.transferSyntax.name): \(error)")
            }
            ctx = other
        } else {
            let accepted = candidates.map(\.transferSyntax.name).joined(separator: ", ")
            throw .noPresentationContext("\(UIDDictionary.entry(for: sopClassUID)?.name ?? sopClassUID) in \(transferSyntax.name)"
                                         + (accepted.isEmpty ? "" : " (the peer accepted only \(accepted))"))
        }
        // A deflated stream of odd length (a file may hold one: pydicom's image_dfl.dcm, stored
        // as received) goes out with a NULL pad byte after the stream, as Deflate.deflate pads:
        // DCMTK refuses an odd data set fragment and aborts the association.
        if payload.count % 2 == 1, ctx.transferSyntax.isDeflated { payload.append(0) }
        let id = makeMessageID()
        var cmd = DIMSECommand(field: .cStoreRQ, messageID: id, sopClassUID: sopClassUID, hasDataSet: true)
        cmd.setString(CommandTag.affectedSOPInstanceUID, sopInstanceUID, vr: .UI)
        cmd.setUInt16(CommandTag.priority, priority)
        if let (ae, mid) = moveOriginator {
            cmd.setString(CommandTag.moveOriginatorAETitle, ae, vr: .AE)
            cmd.setUInt16(CommandTag.moveOriginatorMessageID, mid)
        }
        try send(DIMSEMessage(contextID: ctx.id, command: cmd, dataSet: payload))
        let r = try awaitResponse(to: id, .cStoreRSP)
        return DIMSEResponse(status: r.command.status ?? .unableToProcess, command: r.command)
    }

    /// C-STORE of a Part 10 file's data set.
    public func store(file: DICOMFile, encodedDataSet: [UInt8]? = nil) throws(AssociationError) -> DIMSEResponse {
        let ds = file.dataSet
        func uid(_ t: Tag, _ meta: Tag) -> String? {
            (ds[t] ?? file.meta[meta]).map { String(decoding: $0.bytes.array, as: UTF8.self).trimmingDICOMPadding() }
        }
        guard let cls = uid(Tag(0x0008, 0x0016), Tag(0x0002, 0x0002)), let inst = uid(Tag(0x0008, 0x0018), Tag(0x0002, 0x0003)) else {
            throw .noPresentationContext("a file without SOP Class UID and SOP Instance UID")
        }
        let bytes: [UInt8]
        if let e = encodedDataSet { bytes = e } else {
            do {
                var w = DataSetWriter(transferSyntax: file.transferSyntax)
                var body = ds
                body.removeGroup(0x0002)
                try w.write(body)
                bytes = file.transferSyntax.isDeflated ? try Deflate.deflate(w.bytes) : w.bytes
            } catch { throw .protocolError("cannot encode \(inst): \(error)") }
        }
        return try store(dataSet: bytes, transferSyntax: file.transferSyntax, sopClassUID: cls, sopInstanceUID: inst)
    }

    func encodeIdentifier(_ identifier: DataSet, for ctx: AcceptedContext) throws(AssociationError) -> [UInt8] {
        do {
            var w = DataSetWriter(transferSyntax: ctx.transferSyntax)
            try w.write(identifier)
            return ctx.transferSyntax.isDeflated ? try Deflate.deflate(w.bytes) : w.bytes
        } catch { throw .protocolError("cannot encode the identifier: \(error)") }
    }

    /// Decodes an identifier or data set received on `contextID`.
    public func decodeDataSet(_ bytes: [UInt8], contextID: UInt8) throws -> DataSet {
        let ts = contexts[contextID]?.transferSyntax ?? .implicitVRLittleEndian
        var view = ByteView(bytes)
        if ts.isDeflated { view = ByteView(try Deflate.inflate(view)) }
        return try DataSetReader(view, transferSyntax: ts).readDataSet(view)
    }

    /// C-FIND (PS3.7 §9.3.2): `onMatch` gets each pending identifier; returning false sends
    /// C-CANCEL-RQ and the final response is still awaited.
    public func find(sopClass: String, identifier: DataSet, priority: UInt16 = 0,
                     onMatch: (DataSet) -> Bool) throws(AssociationError) -> DIMSEResponse {
        let ctx = try requireContext(sopClass, "C-FIND", preferring: SOPClass.uncompressedSyntaxes)
        let id = makeMessageID()
        var cmd = DIMSECommand(field: .cFindRQ, messageID: id, sopClassUID: sopClass, hasDataSet: true)
        cmd.setUInt16(CommandTag.priority, priority)
        try send(DIMSEMessage(contextID: ctx.id, command: cmd, dataSet: try encodeIdentifier(identifier, for: ctx)))
        var cancelled = false
        while true {
            let r = try awaitResponse(to: id, .cFindRSP)
            let status = r.command.status ?? .unableToProcess
            if status.isPending {
                if !cancelled, let d = r.dataSet {
                    let match: DataSet
                    do { match = try decodeDataSet(d, contextID: r.contextID) } catch {
                        abort()
                        throw .protocolError("unreadable C-FIND match: \(error)")
                    }
                    if !onMatch(match) {
                        cancelled = true
                        try sendCancel(for: id, contextID: ctx.id)
                    }
                }
                continue
            }
            return DIMSEResponse(status: status, command: r.command)
        }
    }

    /// C-CANCEL-RQ for an outstanding request (PS3.7 §9.3.2.3).
    public func sendCancel(for messageID: UInt16, contextID: UInt8) throws(AssociationError) {
        var c = DIMSECommand(field: .cCancelRQ, respondingTo: messageID, sopClassUID: nil, hasDataSet: false)
        c.elements.remove(CommandTag.affectedSOPClassUID)
        try send(DIMSEMessage(contextID: contextID, command: c))
    }

    /// C-MOVE (PS3.7 §9.3.4): the peer sends the matches to `destination` on a separate
    /// association. `onProgress` sees each pending response; returning false cancels.
    public func move(sopClass: String, identifier: DataSet, destination: String, priority: UInt16 = 0,
                     onProgress: (SubOperations) -> Bool = { _ in true }) throws(AssociationError) -> DIMSEResponse {
        let ctx = try requireContext(sopClass, "C-MOVE", preferring: SOPClass.uncompressedSyntaxes)
        let id = makeMessageID()
        var cmd = DIMSECommand(field: .cMoveRQ, messageID: id, sopClassUID: sopClass, hasDataSet: true)
        cmd.setUInt16(CommandTag.priority, priority)
        cmd.setString(CommandTag.moveDestination, destination, vr: .AE)
        try send(DIMSEMessage(contextID: ctx.id, command: cmd, dataSet: try encodeIdentifier(identifier, for: ctx)))
        var cancelled = false
        while true {
            let r = try awaitResponse(to: id, .cMoveRSP)
            let status = r.command.status ?? .unableToProcess
            if status.isPending {
                if !cancelled, !onProgress(r.command.subOperations) {
                    cancelled = true
                    try sendCancel(for: id, contextID: ctx.id)
                }
                continue
            }
            return DIMSEResponse(status: status, command: r.command)
        }
    }

    /// C-GET (PS3.7 §9.3.3): the peer sends the matches as C-STORE requests on this
    /// association; `onStore` keeps each and answers its status.
    public func get(sopClass: String, identifier: DataSet, priority: UInt16 = 0,
                    onProgress: (SubOperations) -> Bool = { _ in true },
                    onStore: (DIMSEMessage, AcceptedContext) -> DIMSEStatus) throws(AssociationError) -> DIMSEResponse {
        let ctx = try requireContext(sopClass, "C-GET", preferring: SOPClass.uncompressedSyntaxes)
        let id = makeMessageID()
        var cmd = DIMSECommand(field: .cGetRQ, messageID: id, sopClassUID: sopClass, hasDataSet: true)
        cmd.setUInt16(CommandTag.priority, priority)
        try send(DIMSEMessage(contextID: ctx.id, command: cmd, dataSet: try encodeIdentifier(identifier, for: ctx)))
        var cancelled = false
        while true {
            let m = try receive()
            if m.command.field == .cStoreRQ {
                let storeCtx = contexts[m.contextID]!
                let status = onStore(m, storeCtx)
                var rsp = DIMSECommand(field: .cStoreRSP, respondingTo: m.command.messageID, sopClassUID: m.command.affectedSOPClassUID, hasDataSet: false)
                if let inst = m.command.affectedSOPInstanceUID { rsp.setString(CommandTag.affectedSOPInstanceUID, inst, vr: .UI) }
                rsp.setUInt16(CommandTag.status, status.rawValue)
                try send(DIMSEMessage(contextID: m.contextID, command: rsp))
                continue
            }
            guard m.command.field == .cGetRSP, m.command.messageIDBeingRespondedTo == id else {
                abort()
                throw .protocolError("expected C-GET-RSP or C-STORE-RQ, got \(m.command.summary)")
            }
            let status = m.command.status ?? .unableToProcess
            if status.isPending {
                if !cancelled, !onProgress(m.command.subOperations) {
                    cancelled = true
                    try sendCancel(for: id, contextID: ctx.id)
                }
                continue
            }
            return DIMSEResponse(status: status, command: m.command)
        }
    }
}
