import DICOM

extension Association {
    /// Sends a DIMSE message in P-DATA-TF PDUs that fit the peer's maximum length.
    public func send(_ message: DIMSEMessage) throws(AssociationError) {
        guard isEstablished else { throw .protocolError("sending on an association that is not established") }
        observer?.dimse(message.command, dataSetLength: message.dataSet?.count ?? 0, outgoing: true, association: self)
        do {
            try message.forEachPDU(maxPDULength: peerMaxPDULength) { pdata in try fire(.pDataRequest(pdata)) }
        } catch let e as AssociationError {
            throw e
        } catch {
            throw .protocolError("\(error)")
        }
    }

    /// Receives the next complete DIMSE message. `timeout` bounds each wait for the peer
    /// (nil: `dimseTimeout`). A release request from the peer is answered and ends with
    /// `.released`; an abort ends with `.aborted`.
    public func receive(timeout: Double? = nil) throws(AssociationError) -> DIMSEMessage {
        while true {
            while !pendingPDVs.isEmpty {
                let pdv = pendingPDVs.removeFirst()
                guard contexts[pdv.contextID] != nil else {
                    providerAbort(.unexpectedPDUParameter)
                    throw .protocolError("P-DATA for presentation context \(pdv.contextID), which was not accepted")
                }
                do {
                    if let m = try assembler.add(pdv) {
                        observer?.dimse(m.command, dataSetLength: m.dataSet?.count ?? 0, outgoing: false, association: self)
                        return m
                    }
                } catch {
                    providerAbort(.unexpectedPDUParameter)
                    throw .protocolError("\(error)")
                }
            }
            guard !isClosed else { throw .transport(.closed) }
            for i in try receiveEvent(timeout: timeout ?? dimseTimeout) {
                switch i {
                case let .pData(p): pendingPDVs.append(contentsOf: p.values)
                case .releaseRequested:
                    try fire(.releaseResponse)
                    closeTransport()
                    throw .released
                case let .aborted(a):
                    closeTransport()
                    throw .aborted(a)
                case let .providerAborted(reason):
                    closeTransport()
                    throw .aborted(AAbort(source: .serviceProvider, reason: reason))
                case .transportClosed:
                    closeTransport()
                    throw .transport(.closed)
                default: continue
                }
            }
            if isClosed && pendingPDVs.isEmpty { throw .transport(.closed) }
        }
    }

    /// Between the responses of a long operation: whether the peer sent C-CANCEL-RQ for
    /// `messageID` (PS3.7 §9.3.2.3). Never blocks when nothing has arrived.
    public func cancelRequested(for messageID: UInt16) throws(AssociationError) -> Bool {
        if cancelledMessageIDs.remove(messageID) != nil { return true }
        while socket.hasData() || !pendingPDVs.isEmpty {
            let m = try receive()
            if m.command.field == .cCancelRQ, m.command.messageIDBeingRespondedTo == messageID { return true }
            // Without asynchronous operations negotiated nothing else may arrive now: ignore it.
        }
        return false
    }

    /// The accepted context for `abstractSyntax`, preferring one whose transfer syntax is in
    /// `preferred` (in order).
    public func context(for abstractSyntax: String, preferring preferred: [String] = []) -> AcceptedContext? {
        let candidates = contexts.values.filter { $0.abstractSyntax == abstractSyntax }.sorted { $0.id < $1.id }
        for uid in preferred {
            if let c = candidates.first(where: { $0.transferSyntax.uid == uid }) { return c }
        }
        return candidates.first
    }
}
