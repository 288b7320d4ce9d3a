import DICOM

/// An association over one TCP connection: the upper-layer state machine (PS3.8 §9.2) driven
/// by blocking socket I/O. One thread owns an association at a time.
public final class Association: @unchecked Sendable {
    public enum Role: Sendable { case requestor, acceptor }

    /// A presentation context both sides agreed on.
    public struct AcceptedContext: Sendable, Hashable {
        public var id: UInt8
        public var abstractSyntax: String
        public var transferSyntax: TransferSyntax
        /// For C-GET: whether the peer (SCU) accepted to act as storage SCP on this context.
        public var peerIsSCP: Bool
    }

    public let role: Role
    public let socket: TCPSocket
    public internal(set) var request: AssociateRQ
    public internal(set) var acceptance: AssociateAC?
    public internal(set) var contexts: [UInt8: AcceptedContext] = [:]
    /// Largest P-DATA-TF body we may send (the peer's Maximum Length Received; 0 = unlimited).
    public internal(set) var peerMaxPDULength: UInt32 = 0
    /// What we announced we receive.
    public let ourMaxPDULength: UInt32
    /// Seconds to wait for a peer's answer or next message (nil: forever).
    public var dimseTimeout: Double?
    /// Seconds of the ARTIM timer (PS3.8 §9.1.5).
    public var artimTimeout: Double
    public var observer: AssociationObserver?
    /// Any value the owner wants to attach (for example the association's log identifier).
    public var label: String = ""

    var machine: UpperLayer
    var artimRunning = false
    var isClosed = false
    var assembler = DIMSEAssembler()
    /// PDVs of a received P-DATA-TF not yet consumed.
    var pendingPDVs: [PDV] = []
    var nextMessageID: UInt16 = 1
    /// C-CANCEL-RQs that arrived while we waited for something else (message IDs).
    var cancelledMessageIDs: Set<UInt16> = []

    init(role: Role, socket: TCPSocket, request: AssociateRQ, ourMaxPDULength: UInt32, dimseTimeout: Double?, artimTimeout: Double, observer: AssociationObserver?) {
        self.role = role
        self.socket = socket
        self.request = request
        self.ourMaxPDULength = ourMaxPDULength
        self.dimseTimeout = dimseTimeout
        self.artimTimeout = artimTimeout
        self.observer = observer
        machine = UpperLayer()
    }

    public var callingAETitle: String { request.callingAETitle }
    public var calledAETitle: String { request.calledAETitle }
    public var isEstablished: Bool { machine.state == .sta6 && !isClosed }
    public var state: ULState { machine.state }

    /// A fresh message ID for a request we send.
    public func makeMessageID() -> UInt16 {
        defer { nextMessageID = nextMessageID == .max ? 1 : nextMessageID + 1 }
        return nextMessageID
    }

    // MARK: the state machine's outputs

    /// Feeds an event to the state machine and carries out its outputs; returns the
    /// indications for the local user.
    @discardableResult
    func fire(_ event: ULEvent) throws(AssociationError) -> [ULIndication] {
        var indications: [ULIndication] = []
        for output in machine.handle(event) {
            switch output {
            case .connect: break  // the caller has already connected (requestor side)
            case let .send(pdu):
                let bytes = pdu.encoded()
                observer?.pdu(pdu.summary(length: bytes.count - 6), outgoing: true, association: self)
                do { try socket.write(bytes) } catch {
                    closeTransport()
                    throw .transport(error)
                }
            case let .indicate(i): indications.append(i)
            case .startARTIM: artimRunning = true
            case .stopARTIM: artimRunning = false
            case .closeTransport: closeTransport()
            }
        }
        return indications
    }

    func closeTransport() {
        guard !isClosed else { return }
        isClosed = true
        socket.close()
    }

    // MARK: reading PDUs

    /// Reads the next PDU. Timeouts: the ARTIM timer when it runs, else `timeout`.
    /// Protocol errors abort the association (AA-8) and throw.
    func readPDU(timeout: Double?) throws(AssociationError) -> PDU {
        let wait = artimRunning ? artimTimeout : timeout
        do {
            let header = try socket.read(exactly: 6, timeout: wait, what: "waiting for the peer")
            let (type, length) = try PDU.header(header, maxPDataLength: ourMaxPDULength)
            let body = try socket.read(exactly: length, timeout: wait ?? dimseTimeout, what: "reading a PDU from the peer")
            let pdu = try PDU.decode(type: type, body: body)
            // The request names the calling AE: known before the record of it, not after.
            if role == .acceptor, case let .associateRQ(rq) = pdu { request = rq }
            observer?.pdu(pdu.summary(length: length), outgoing: false, association: self)
            return pdu
        } catch let e as PDUError {
            _ = try? fire(.invalidPDU(e))
            closeTransport()
            throw .protocolError(e.description)
        } catch let e as TransportError {
            if case .timedOut = e {
                if artimRunning {
                    _ = try? fire(.artimExpired)
                    closeTransport()
                    throw .timedOut("waiting for the peer (ARTIM \(artimTimeout) s)")
                }
                _ = try? fire(.abortRequest(AAbort(source: .serviceUser)))
                closeTransport()
                throw .timedOut("after \(wait ?? 0) s waiting for the peer")
            }
            _ = try? fire(.transportClosed)
            closeTransport()
            throw .transport(e)
        } catch {
            closeTransport()
            throw .protocolError("\(error)")
        }
    }

    /// Reads one PDU and feeds it to the state machine.
    func receiveEvent(timeout: Double?) throws(AssociationError) -> [ULIndication] {
        let pdu = try readPDU(timeout: timeout)
        return try fire(ULEvent.received(pdu))
    }

    // MARK: ending

    /// A-RELEASE: asks the peer to release and waits for its answer (requestor or acceptor).
    public func release() throws(AssociationError) {
        guard isEstablished else { closeTransport(); return }
        try fire(.releaseRequest)
        while !isClosed {
            let indications = try receiveEvent(timeout: dimseTimeout ?? 30)
            for i in indications {
                switch i {
                case .releaseConfirmed: closeTransport(); return
                case .releaseRequested: try fire(.releaseResponse)  // release collision
                case let .aborted(a): closeTransport(); throw .aborted(a)
                default: continue  // late P-DATA while releasing (AR-6) is dropped
                }
            }
        }
    }

    /// A-ABORT from our side (service user), then close.
    public func abort() {
        guard !isClosed else { return }
        _ = try? fire(.abortRequest(AAbort(source: .serviceUser)))
        closeTransport()
    }

    /// Aborts from our side as the service provider with a reason (protocol errors).
    func providerAbort(_ reason: AAbort.Reason) {
        guard !isClosed else { return }
        let bytes = PDU.abort(AAbort(source: .serviceProvider, reason: reason)).encoded()
        try? socket.write(bytes)
        closeTransport()
    }
}
