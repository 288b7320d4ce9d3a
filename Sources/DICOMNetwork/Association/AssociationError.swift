/// How an association attempt or an association in progress failed, worded for the person
/// who has to fix it.
public enum AssociationError: Error, Sendable, CustomStringConvertible {
    /// The peer answered A-ASSOCIATE-RJ.
    case rejected(AssociateRJ)
    /// The peer (or its DICOM layer) aborted.
    case aborted(AAbort)
    /// We aborted after a protocol error by the peer.
    case protocolError(String)
    /// The peer released the association (the normal end, seen from the side that waited).
    case released
    case transport(TransportError)
    /// No accepted presentation context fits what was asked.
    case noPresentationContext(String)
    /// The peer sent no answer within the DIMSE timeout; the association was aborted.
    case timedOut(String)

    public var description: String {
        switch self {
        case let .rejected(rj): return "association rejected: \(rj)"
        case let .aborted(a): return "association \(a)"
        case let .protocolError(s): return "protocol error: \(s); association aborted"
        case .released: return "association released by the peer"
        case let .transport(t): return t.description
        case let .noPresentationContext(s): return "no accepted presentation context for \(s)"
        case let .timedOut(s): return "timed out \(s); association aborted"
        }
    }
}
