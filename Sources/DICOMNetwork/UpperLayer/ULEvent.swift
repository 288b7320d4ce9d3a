/// The nineteen events of the DICOM upper-layer protocol machine, PS3.8 §9.2.3, numbered as
/// the rows of Table 9-10. Local primitives and received PDUs carry their parameters.
public enum ULEvent: Sendable, Equatable, CustomStringConvertible {
    /// Evt1: A-ASSOCIATE request primitive from the local user.
    case associateRequest(AssociateRQ)
    /// Evt2: transport connect confirmation from the local transport service.
    case transportConnectConfirm
    /// Evt3: A-ASSOCIATE-AC PDU received.
    case associateACReceived(AssociateAC)
    /// Evt4: A-ASSOCIATE-RJ PDU received.
    case associateRJReceived(AssociateRJ)
    /// Evt5: transport connection indication from the local transport service (a peer
    /// connected to us).
    case transportConnectIndication
    /// Evt6: A-ASSOCIATE-RQ PDU received.
    case associateRQReceived(AssociateRQ)
    /// Evt7: A-ASSOCIATE response primitive (accept) from the local user.
    case associateAccept(AssociateAC)
    /// Evt8: A-ASSOCIATE response primitive (reject) from the local user.
    case associateReject(AssociateRJ)
    /// Evt9: P-DATA request primitive from the local user.
    case pDataRequest(PDataTF)
    /// Evt10: P-DATA-TF PDU received.
    case pDataReceived(PDataTF)
    /// Evt11: A-RELEASE request primitive from the local user.
    case releaseRequest
    /// Evt12: A-RELEASE-RQ PDU received.
    case releaseRQReceived
    /// Evt13: A-RELEASE-RP PDU received.
    case releaseRPReceived
    /// Evt14: A-RELEASE response primitive from the local user.
    case releaseResponse
    /// Evt15: A-ABORT request primitive from the local user; the PDU to send.
    case abortRequest(AAbort)
    /// Evt16: A-ABORT PDU received.
    case abortReceived(AAbort)
    /// Evt17: transport connection closed indication from the local transport service.
    case transportClosed
    /// Evt18: the ARTIM (association request/reject/release) timer expired.
    case artimExpired
    /// Evt19: an unrecognised or invalid PDU was received.
    case invalidPDU(PDUError)

    /// The event's number in PS3.8 Table 9-10, 1…19.
    public var number: Int {
        switch self {
        case .associateRequest: return 1
        case .transportConnectConfirm: return 2
        case .associateACReceived: return 3
        case .associateRJReceived: return 4
        case .transportConnectIndication: return 5
        case .associateRQReceived: return 6
        case .associateAccept: return 7
        case .associateReject: return 8
        case .pDataRequest: return 9
        case .pDataReceived: return 10
        case .releaseRequest: return 11
        case .releaseRQReceived: return 12
        case .releaseRPReceived: return 13
        case .releaseResponse: return 14
        case .abortRequest: return 15
        case .abortReceived: return 16
        case .transportClosed: return 17
        case .artimExpired: return 18
        case .invalidPDU: return 19
        }
    }

    /// "Evt1" … "Evt19".
    public var description: String { "Evt\(number)" }

    /// Whether the event is a primitive from the local user (Evt1, 7, 8, 9, 11, 14, 15), as
    /// opposed to something the peer, the transport or the timer did.
    public var isLocalPrimitive: Bool {
        switch self {
        case .associateRequest, .associateAccept, .associateReject, .pDataRequest,
             .releaseRequest, .releaseResponse, .abortRequest:
            return true
        default:
            return false
        }
    }

    /// The event raised by receiving `pdu` from the peer: Evt3, 4, 6, 10, 12, 13 or 16.
    /// A PDU that could not be decoded is `.invalidPDU` (Evt19) instead.
    public static func received(_ pdu: PDU) -> ULEvent {
        switch pdu {
        case let .associateRQ(rq): return .associateRQReceived(rq)
        case let .associateAC(ac): return .associateACReceived(ac)
        case let .associateRJ(rj): return .associateRJReceived(rj)
        case let .pData(p): return .pDataReceived(p)
        case .releaseRQ: return .releaseRQReceived
        case .releaseRP: return .releaseRPReceived
        case let .abort(a): return .abortReceived(a)
        }
    }
}
