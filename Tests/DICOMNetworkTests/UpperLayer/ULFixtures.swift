@testable import DICOMNetwork

/// Sample parameters for upper-layer events, and one sample event per Table 9-10 row.
enum ULFixtures {
    static let request = AssociateRQ(
        calledAETitle: "SWIFTPACS", callingAETitle: "STORESCU",
        presentationContexts: [PresentationContextRQ(id: 1, abstractSyntax: "1.2.840.10008.1.1", transferSyntaxes: ["1.2.840.10008.1.2"])],
        userInformation: UserInformation())
    static let accept = AssociateAC(
        calledAETitle: "SWIFTPACS", callingAETitle: "STORESCU",
        presentationContexts: [PresentationContextAC(id: 1, result: .acceptance, transferSyntax: "1.2.840.10008.1.2")],
        userInformation: UserInformation())
    static let reject = AssociateRJ(result: .transient, reason: .temporaryCongestion)
    static let outgoing = PDataTF(values: [PDV(contextID: 1, isCommand: true, isLast: true, data: [1, 2, 3][...])])
    static let incoming = PDataTF(values: [PDV(contextID: 1, isCommand: false, isLast: false, data: [9, 8][...])])
    static let userAbort = AAbort(source: .serviceUser)
    static let peerProviderAbort = AAbort(source: .serviceProvider, reason: .invalidPDUParameterValue)
    /// An undecodable PDU; its A-ABORT reason is "unrecognized PDU" (1).
    static let badPDU = PDUError.unrecognizedPDU(type: 0x09)

    /// The sample event for row `number` of PS3.8 Table 9-10.
    static func event(_ number: Int) -> ULEvent {
        switch number {
        case 1: return .associateRequest(request)
        case 2: return .transportConnectConfirm
        case 3: return .associateACReceived(accept)
        case 4: return .associateRJReceived(reject)
        case 5: return .transportConnectIndication
        case 6: return .associateRQReceived(request)
        case 7: return .associateAccept(accept)
        case 8: return .associateReject(reject)
        case 9: return .pDataRequest(outgoing)
        case 10: return .pDataReceived(incoming)
        case 11: return .releaseRequest
        case 12: return .releaseRQReceived
        case 13: return .releaseRPReceived
        case 14: return .releaseResponse
        case 15: return .abortRequest(userAbort)
        case 16: return .abortReceived(userAbort)
        case 17: return .transportClosed
        case 18: return .artimExpired
        case 19: return .invalidPDU(badPDU)
        default: fatalError("no event \(number) in PS3.8 Table 9-10")
        }
    }
}
