/// The DICOM upper-layer protocol machine of PS3.8 §9.2, without I/O.
///
/// Feed it every event (the rows of PS3.8 Table 9-10, §9.2.3: local primitives, received
/// PDUs, transport and timer events) with `handle(_:)`; it looks the action up in
/// `transitionTable`, moves to the action's next state (Tables 9-6 to 9-9) and returns what
/// its owner has to do, as `ULOutput`s, in order.
///
/// Events that Table 9-10 leaves empty for the current state are not errors the peer can
/// cause: a received PDU or an unrecognised one has an AA-x entry in every state with an open
/// transport connection, and the empty cells are local primitives issued at the wrong time
/// (e.g. a P-DATA request in Sta2) or transport/timer events that cannot occur there (e.g. a
/// connect confirmation in Sta6). For those `handle` returns `[]`, leaves the state as it is
/// and sets `lastAction` to nil: the caller made a mistake, and aborting a healthy
/// association for it would punish the peer.
public struct UpperLayer: Sendable {
    /// The current state, Sta1 (idle) to begin with.
    public private(set) var state: ULState
    /// Whether this end asked for the association: set by Evt1 (A-ASSOCIATE request, true)
    /// and Evt5 (transport connection indication, false). It decides where a release
    /// collision leads (AR-8: Sta9 on the requestor, Sta10 on the acceptor).
    public private(set) var isRequestor: Bool
    /// The action the last event triggered, nil when the table had no entry for it.
    public private(set) var lastAction: ULAction?
    /// The A-ASSOCIATE-RQ of the local A-ASSOCIATE request (Evt1), kept until AE-2 sends it
    /// once the transport connection is up.
    private var pendingRequest: AssociateRQ?

    /// An idle machine (Sta1).
    public init() {
        self.init(state: .sta1, isRequestor: false)
    }

    /// A machine put straight into `state`, for tests. In Sta4 AE-2 needs the request that
    /// Evt1 would have stored: pass it as `pendingRequest`.
    init(state: ULState, isRequestor: Bool, pendingRequest: AssociateRQ? = nil) {
        self.state = state
        self.isRequestor = isRequestor
        self.pendingRequest = pendingRequest
    }

    /// Processes one event: performs the action PS3.8 Table 9-10 gives for it in the current
    /// state, moves to that action's next state and returns the outputs, in the order they
    /// must be carried out. Returns `[]` and changes nothing when the table has no entry.
    public mutating func handle(_ event: ULEvent) -> [ULOutput] {
        guard let action = Self.action(forEvent: event.number, in: state) else {
            lastAction = nil
            return []
        }
        lastAction = action
        let (outputs, next) = perform(action, on: event)
        state = next
        return outputs
    }

    /// Whether PS3.8 Table 9-10 has an entry for `event` in the current state, i.e. whether
    /// `handle(event)` would do anything.
    public func accepts(_ event: ULEvent) -> Bool {
        Self.action(forEvent: event.number, in: state) != nil
    }

    /// Carries out `action` (PS3.8 Tables 9-6 to 9-9) for `event` and returns its outputs and
    /// the next state. Only called with the pairs of `transitionTable`.
    private mutating func perform(_ action: ULAction, on event: ULEvent) -> ([ULOutput], ULState) {
        switch (action, event) {
        // Association establishment, PS3.8 Table 9-6.
        case let (.ae1, .associateRequest(rq)):
            isRequestor = true
            pendingRequest = rq
            return ([.connect], .sta4)
        case (.ae2, _):
            guard let rq = pendingRequest else {
                preconditionFailure("UpperLayer: Sta4 entered without an A-ASSOCIATE request")
            }
            pendingRequest = nil
            return ([.send(.associateRQ(rq))], .sta5)
        case let (.ae3, .associateACReceived(ac)):
            return ([.indicate(.associateAccepted(ac))], .sta6)
        case let (.ae4, .associateRJReceived(rj)):
            return ([.indicate(.associateRejected(rj)), .closeTransport], .sta1)
        case (.ae5, _):
            // The transport connection response is the owner's accept() that raised Evt5;
            // what is left for the machine is starting ARTIM.
            isRequestor = false
            pendingRequest = nil
            return ([.startARTIM], .sta2)
        case let (.ae6, .associateRQReceived(rq)):
            // "Acceptable by the service provider": PS3.8 §9.3.2 has a receiver that
            // implements version 1 test only bit 0 of the protocol version. Anything else
            // (AE titles, contexts) is the local user's decision, taken in Sta3.
            if rq.protocolVersion & 1 == 1 {
                return ([.stopARTIM, .indicate(.associateRequest(rq))], .sta3)
            }
            let rj = AssociateRJ(result: .permanent, reason: .protocolVersionNotSupported)
            return ([.stopARTIM, .send(.associateRJ(rj)), .startARTIM], .sta13)
        case let (.ae7, .associateAccept(ac)):
            return ([.send(.associateAC(ac))], .sta6)
        case let (.ae8, .associateReject(rj)):
            return ([.send(.associateRJ(rj)), .startARTIM], .sta13)

        // Data transfer, PS3.8 Table 9-7.
        case let (.dt1, .pDataRequest(p)):
            return ([.send(.pData(p))], .sta6)
        case let (.dt2, .pDataReceived(p)):
            return ([.indicate(.pData(p))], .sta6)

        // Association release, PS3.8 Table 9-8.
        case (.ar1, _):
            return ([.send(.releaseRQ)], .sta7)
        case (.ar2, _):
            return ([.indicate(.releaseRequested)], .sta8)
        case (.ar3, _):
            return ([.indicate(.releaseConfirmed), .closeTransport], .sta1)
        case (.ar4, _):
            return ([.send(.releaseRP), .startARTIM], .sta13)
        case (.ar5, _):
            return ([.stopARTIM], .sta1)
        case let (.ar6, .pDataReceived(p)):
            return ([.indicate(.pData(p))], .sta7)
        case let (.ar7, .pDataRequest(p)):
            return ([.send(.pData(p))], .sta8)
        case (.ar8, _):
            return ([.indicate(.releaseRequested)], isRequestor ? .sta9 : .sta10)
        case (.ar9, _):
            return ([.send(.releaseRP)], .sta11)
        case (.ar10, _):
            return ([.indicate(.releaseConfirmed)], .sta12)

        // Association abort, PS3.8 Table 9-9.
        case (.aa1, _):
            // Evt15: the local user's A-ABORT request, sent as given (normally service-user
            // source). Otherwise AA-1 answers an unexpected or invalid PDU in Sta2, where
            // Table 9-9 says "service-user source"; we follow that literally, with reason 0
            // as Table 9-26 asks when the source is the service user.
            let abort: AAbort
            if case let .abortRequest(requested) = event {
                abort = requested
            } else {
                abort = AAbort(source: .serviceUser, reason: .notSpecified)
            }
            return ([.send(.abort(abort)), .startARTIM], .sta13)
        case (.aa2, _):
            return ([.stopARTIM, .closeTransport], .sta1)
        case let (.aa3, .abortReceived(abort)):
            // Source 0 is the peer's service user (A-ABORT indication); anything else is a
            // service provider (A-P-ABORT indication), PS3.8 Table 9-26.
            let indication: ULIndication = abort.source == .serviceUser ? .aborted(abort) : .providerAborted(abort.reason)
            return ([.indicate(indication), .closeTransport], .sta1)
        case (.aa4, _):
            return ([.indicate(.transportClosed)], .sta1)
        case (.aa5, _):
            return ([.stopARTIM], .sta1)
        case (.aa6, _):
            return ([], .sta13)
        case (.aa7, _):
            // Table 9-9 does not name the source here; the association is gone, so it is
            // our service provider refusing the PDU (Sta13 + Evt6 or Evt19).
            let abort = AAbort(source: .serviceProvider, reason: Self.abortReason(for: event))
            return ([.send(.abort(abort))], .sta13)
        case (.aa8, _):
            let reason = Self.abortReason(for: event)
            return ([.send(.abort(AAbort(source: .serviceProvider, reason: reason))),
                     .indicate(.providerAborted(reason)), .startARTIM], .sta13)

        default:
            preconditionFailure("UpperLayer: PS3.8 Table 9-10 never pairs \(action) with \(event)")
        }
    }

    /// The A-ABORT reason (PS3.8 Table 9-26) for a PDU refused by AA-7 or AA-8: the decoding
    /// error's own reason for an invalid PDU (Evt19), "unexpected PDU" for a valid one
    /// received in the wrong state.
    static func abortReason(for event: ULEvent) -> AAbort.Reason {
        if case let .invalidPDU(error) = event { return error.abortReason }
        return .unexpectedPDU
    }
}
