/// Receives the details of an association's traffic, for the DICOM log's debug mode.
public protocol AssociationObserver: Sendable {
    /// A PDU was sent (`outgoing`) or received; `summary` names its type, length and contents.
    func pdu(_ summary: String, outgoing: Bool, association: Association)
    /// A DIMSE message was sent or received.
    func dimse(_ command: DIMSECommand, dataSetLength: Int, outgoing: Bool, association: Association)
}

extension PDU {
    /// One line: type, length and the essentials, for the debug log.
    public func summary(length: Int) -> String {
        switch self {
        case let .associateRQ(rq):
            return "A-ASSOCIATE-RQ len=\(length) called=\(rq.calledAETitle) calling=\(rq.callingAETitle) contexts=\(rq.presentationContexts.count) maxPDU=\(rq.userInformation.maximumLength) impl=\(rq.userInformation.implementationClassUID)"
        case let .associateAC(ac):
            let accepted = ac.presentationContexts.filter { $0.result == .acceptance }.count
            return "A-ASSOCIATE-AC len=\(length) accepted=\(accepted)/\(ac.presentationContexts.count) maxPDU=\(ac.userInformation.maximumLength)"
        case let .associateRJ(rj): return "A-ASSOCIATE-RJ len=\(length) \(rj)"
        case let .pData(p):
            let pdvs = p.values.map { "ctx=\($0.contextID) \($0.isCommand ? "cmd" : "data")\($0.isLast ? " last" : "") \($0.data.count)B" }
            return "P-DATA-TF len=\(length) " + pdvs.joined(separator: ", ")
        case .releaseRQ: return "A-RELEASE-RQ"
        case .releaseRP: return "A-RELEASE-RP"
        case let .abort(a): return "A-ABORT source=\(a.source.rawValue) reason=\(a.reason.rawValue)"
        }
    }
}
