import Testing
@testable import DICOMNetwork

/// Whole conversations through the upper-layer machine, from Sta1 back to Sta1.
@Suite struct UpperLayerScenarioTests {
    typealias F = ULFixtures

    /// Feeds `event` and checks the action, the outputs and the state it lands in.
    static func step(_ m: inout UpperLayer, _ event: ULEvent, _ action: ULAction, _ outputs: [ULOutput], _ next: ULState,
                     sourceLocation: SourceLocation = #_sourceLocation) {
        let got = m.handle(event)
        #expect(m.lastAction == action, sourceLocation: sourceLocation)
        #expect(got == outputs, sourceLocation: sourceLocation)
        #expect(m.state == next, sourceLocation: sourceLocation)
    }

    /// A machine brought into `state` by the events of a real conversation.
    static func machine(in state: ULState, requestor: Bool) -> UpperLayer {
        var m = UpperLayer()
        let opening: [ULEvent] = requestor
            ? [.associateRequest(F.request), .transportConnectConfirm, .associateACReceived(F.accept)]
            : [.transportConnectIndication, .associateRQReceived(F.request), .associateAccept(F.accept)]
        let rest: [ULEvent]
        switch state {
        case .sta6: rest = []
        case .sta7: rest = [.releaseRequest]
        case .sta8: rest = [.releaseRQReceived]
        case .sta9, .sta10: rest = [.releaseRequest, .releaseRQReceived]
        case .sta11: rest = [.releaseRequest, .releaseRQReceived, .releaseResponse]
        case .sta12: rest = [.releaseRequest, .releaseRQReceived, .releaseRPReceived]
        default: fatalError("no path to \(state) here")
        }
        for e in opening + rest { _ = m.handle(e) }
        return m
    }

    @Test func requestorPath() {
        var m = UpperLayer()
        Self.step(&m, .associateRequest(F.request), .ae1, [.connect], .sta4)
        #expect(m.isRequestor)
        Self.step(&m, .transportConnectConfirm, .ae2, [.send(.associateRQ(F.request))], .sta5)
        Self.step(&m, .associateACReceived(F.accept), .ae3, [.indicate(.associateAccepted(F.accept))], .sta6)
        Self.step(&m, .pDataRequest(F.outgoing), .dt1, [.send(.pData(F.outgoing))], .sta6)
        Self.step(&m, .pDataReceived(F.incoming), .dt2, [.indicate(.pData(F.incoming))], .sta6)
        Self.step(&m, .releaseRequest, .ar1, [.send(.releaseRQ)], .sta7)
        Self.step(&m, .pDataReceived(F.incoming), .ar6, [.indicate(.pData(F.incoming))], .sta7)
        Self.step(&m, .releaseRPReceived, .ar3, [.indicate(.releaseConfirmed), .closeTransport], .sta1)
        // Idle again: the machine serves the next association.
        Self.step(&m, .transportConnectIndication, .ae5, [.startARTIM], .sta2)
        #expect(!m.isRequestor)
    }

    @Test func acceptorPath() {
        var m = UpperLayer()
        Self.step(&m, .transportConnectIndication, .ae5, [.startARTIM], .sta2)
        #expect(!m.isRequestor)
        Self.step(&m, .associateRQReceived(F.request), .ae6, [.stopARTIM, .indicate(.associateRequest(F.request))], .sta3)
        Self.step(&m, .associateAccept(F.accept), .ae7, [.send(.associateAC(F.accept))], .sta6)
        Self.step(&m, .pDataReceived(F.incoming), .dt2, [.indicate(.pData(F.incoming))], .sta6)
        Self.step(&m, .releaseRQReceived, .ar2, [.indicate(.releaseRequested)], .sta8)
        Self.step(&m, .pDataRequest(F.outgoing), .ar7, [.send(.pData(F.outgoing))], .sta8)
        Self.step(&m, .releaseResponse, .ar4, [.send(.releaseRP), .startARTIM], .sta13)
        Self.step(&m, .transportClosed, .ar5, [.stopARTIM], .sta1)
    }

    @Test func peerRejects() {
        var m = UpperLayer()
        _ = m.handle(.associateRequest(F.request))
        _ = m.handle(.transportConnectConfirm)
        Self.step(&m, .associateRJReceived(F.reject), .ae4, [.indicate(.associateRejected(F.reject)), .closeTransport], .sta1)
    }

    @Test func localUserRejectsThenARTIMExpires() {
        var m = UpperLayer()
        _ = m.handle(.transportConnectIndication)
        _ = m.handle(.associateRQReceived(F.request))
        Self.step(&m, .associateReject(F.reject), .ae8, [.send(.associateRJ(F.reject)), .startARTIM], .sta13)
        // The peer ignores the rejection and keeps the connection open.
        Self.step(&m, .artimExpired, .aa2, [.stopARTIM, .closeTransport], .sta1)
    }

    @Test func providerRejectsUnsupportedProtocolVersion() {
        var rq = F.request
        rq.protocolVersion = 2  // bit 0 clear: version 1 not offered (PS3.8 §9.3.2)
        var m = UpperLayer()
        _ = m.handle(.transportConnectIndication)
        let rj = AssociateRJ(result: .permanent, reason: .protocolVersionNotSupported)
        Self.step(&m, .associateRQReceived(rq), .ae6, [.stopARTIM, .send(.associateRJ(rj)), .startARTIM], .sta13)
        #expect(rj.reason.source == 2 && rj.reason.code == 2)
        // Version bits beyond bit 0 are ignored.
        rq.protocolVersion = 3
        var n = UpperLayer()
        _ = n.handle(.transportConnectIndication)
        Self.step(&n, .associateRQReceived(rq), .ae6, [.stopARTIM, .indicate(.associateRequest(rq))], .sta3)
    }

    @Test func artimExpiresAwaitingAssociateRQ() {
        var m = UpperLayer()
        _ = m.handle(.transportConnectIndication)
        Self.step(&m, .artimExpired, .aa2, [.stopARTIM, .closeTransport], .sta1)
    }

    @Test func artimExpiresAwaitingTransportClose() {
        var m = Self.machine(in: .sta8, requestor: false)
        _ = m.handle(.releaseResponse)
        #expect(m.state == .sta13)
        // PDUs still arriving are ignored (AA-6) until the timer gives up on the peer.
        Self.step(&m, .pDataReceived(F.incoming), .aa6, [], .sta13)
        Self.step(&m, .artimExpired, .aa2, [.stopARTIM, .closeTransport], .sta1)
    }

    @Test func releaseCollisionRequestorSide() {
        var m = Self.machine(in: .sta7, requestor: true)
        Self.step(&m, .releaseRQReceived, .ar8, [.indicate(.releaseRequested)], .sta9)
        Self.step(&m, .releaseResponse, .ar9, [.send(.releaseRP)], .sta11)
        Self.step(&m, .releaseRPReceived, .ar3, [.indicate(.releaseConfirmed), .closeTransport], .sta1)
    }

    @Test func releaseCollisionAcceptorSide() {
        var m = Self.machine(in: .sta7, requestor: false)
        Self.step(&m, .releaseRQReceived, .ar8, [.indicate(.releaseRequested)], .sta10)
        // Sta10 waits for the peer's A-RELEASE-RP before the local user may answer.
        #expect(m.handle(.releaseResponse).isEmpty)
        #expect(m.state == .sta10 && m.lastAction == nil)
        Self.step(&m, .releaseRPReceived, .ar10, [.indicate(.releaseConfirmed)], .sta12)
        Self.step(&m, .releaseResponse, .ar4, [.send(.releaseRP), .startARTIM], .sta13)
        Self.step(&m, .transportClosed, .ar5, [.stopARTIM], .sta1)
    }

    /// Two machines wired back to back: both users ask to release at the same time, their
    /// A-RELEASE-RQ PDUs cross, and the collision resolves with both ends idle.
    @Test func releaseCollisionBetweenTwoMachines() {
        var scu = Self.machine(in: .sta6, requestor: true)
        var scp = Self.machine(in: .sta6, requestor: false)
        var toSCP = scu.handle(.releaseRequest), toSCU = scp.handle(.releaseRequest)
        #expect(toSCP == [.send(.releaseRQ)] && toSCU == [.send(.releaseRQ)])
        #expect(scu.handle(.received(.releaseRQ)) == [.indicate(.releaseRequested)])
        #expect(scp.handle(.received(.releaseRQ)) == [.indicate(.releaseRequested)])
        #expect(scu.state == .sta9 && scp.state == .sta10)
        // The requestor's user answers first; its A-RELEASE-RP reaches the acceptor.
        toSCP = scu.handle(.releaseResponse)
        #expect(toSCP == [.send(.releaseRP)])
        #expect(scp.handle(.received(.releaseRP)) == [.indicate(.releaseConfirmed)])
        toSCU = scp.handle(.releaseResponse)
        #expect(toSCU == [.send(.releaseRP), .startARTIM])
        #expect(scu.handle(.received(.releaseRP)) == [.indicate(.releaseConfirmed), .closeTransport])
        #expect(scp.handle(.transportClosed) == [.stopARTIM])
        #expect(scu.state == .sta1 && scp.state == .sta1)
    }

    /// Sta6 to Sta12 on the side(s) where each exists: Sta9 and Sta11 only on the
    /// requestor, Sta10 and Sta12 only on the acceptor.
    static let establishedStates: [(ULState, Bool)] = [
        (.sta6, true), (.sta6, false), (.sta7, true), (.sta7, false), (.sta8, true), (.sta8, false),
        (.sta9, true), (.sta10, false), (.sta11, true), (.sta12, false),
    ]

    @Test(arguments: establishedStates)
    func localAbort(from state: ULState, requestor: Bool) {
        var m = Self.machine(in: state, requestor: requestor)
        #expect(m.state == state)
        Self.step(&m, .abortRequest(F.userAbort), .aa1, [.send(.abort(F.userAbort)), .startARTIM], .sta13)
        Self.step(&m, .transportClosed, .ar5, [.stopARTIM], .sta1)
    }

    @Test(arguments: establishedStates)
    func peerAbort(from state: ULState, requestor: Bool) {
        var user = Self.machine(in: state, requestor: requestor)
        Self.step(&user, .abortReceived(F.userAbort), .aa3, [.indicate(.aborted(F.userAbort)), .closeTransport], .sta1)
        #expect(Self.machine(in: state, requestor: requestor).state == state)
        var provider = Self.machine(in: state, requestor: requestor)
        Self.step(&provider, .received(.abort(F.peerProviderAbort)), .aa3,
                  [.indicate(.providerAborted(.invalidPDUParameterValue)), .closeTransport], .sta1)
        var dropped = Self.machine(in: state, requestor: requestor)
        Self.step(&dropped, .transportClosed, .aa4, [.indicate(.transportClosed)], .sta1)
    }

    @Test func invalidPDUAbortsWithItsReason() {
        var m = Self.machine(in: .sta6, requestor: false)
        let error = PDUError.malformed(offset: 12, reason: "test")
        let abort = AAbort(source: .serviceProvider, reason: .invalidPDUParameterValue)
        Self.step(&m, .invalidPDU(error), .aa8, [.send(.abort(abort)), .indicate(.providerAborted(.invalidPDUParameterValue)), .startARTIM], .sta13)
        // A second bad PDU in Sta13 is answered with another A-ABORT only (AA-7).
        Self.step(&m, .invalidPDU(.unrecognizedPDU(type: 0x55)),
                  .aa7, [.send(.abort(AAbort(source: .serviceProvider, reason: .unrecognizedPDU)))], .sta13)
        Self.step(&m, .abortReceived(F.userAbort), .aa2, [.stopARTIM, .closeTransport], .sta1)
    }

    @Test func abortBeforeTransportIsUp() {
        var m = UpperLayer()
        _ = m.handle(.associateRequest(F.request))
        Self.step(&m, .abortRequest(F.userAbort), .aa2, [.stopARTIM, .closeTransport], .sta1)
    }

    @Test func misplacedLocalPrimitivesChangeNothing() {
        var m = UpperLayer()
        _ = m.handle(.transportConnectIndication)
        for e: ULEvent in [.pDataRequest(F.outgoing), .releaseRequest, .releaseResponse, .abortRequest(F.userAbort),
                           .associateAccept(F.accept), .associateRequest(F.request)] {
            #expect(!m.accepts(e))
            #expect(m.handle(e).isEmpty)
            #expect(m.state == .sta2 && m.lastAction == nil && !m.isRequestor)
        }
    }

    @Test func receivedPDUsMapToEvents() {
        let pdus: [(PDU, Int)] = [
            (.associateAC(F.accept), 3), (.associateRJ(F.reject), 4), (.associateRQ(F.request), 6),
            (.pData(F.incoming), 10), (.releaseRQ, 12), (.releaseRP, 13), (.abort(F.userAbort), 16),
        ]
        for (pdu, number) in pdus { #expect(ULEvent.received(pdu).number == number, "\(pdu.name)") }
        #expect(ULEvent.received(.associateRQ(F.request)) == .associateRQReceived(F.request))
        #expect((1...19).map { ULFixtures.event($0).isLocalPrimitive } ==
                [true, false, false, false, false, false, true, true, true, false, true, false, false, true, true, false, false, false, false])
        #expect(ULState.allCases.map(\.description).last == "Sta13")
        #expect(ULAction.allCases.count == 28)
    }
}
