import DICOM

/// The usual acceptor policy (PS3.7 Annex D, PS3.8 §9.3.3): the called AE title must be ours,
/// each presentation context is accepted when its abstract syntax is served and one of its
/// transfer syntaxes is acceptable, and SCP/SCU role proposals are granted.
public struct StandardNegotiation: Sendable {
    public var aeTitle: String
    public var supports: @Sendable (String) -> Bool

    public init(aeTitle: String, supports: @escaping @Sendable (String) -> Bool) {
        self.aeTitle = aeTitle
        self.supports = supports
    }

    public func decide(_ rq: AssociateRQ) -> AssociationDecision {
        guard rq.calledAETitle == aeTitle else {
            return .reject(AssociateRJ(result: .permanent, reason: .calledAETitleNotRecognized))
        }
        guard rq.applicationContext == AssociateRQ.dicomApplicationContext else {
            return .reject(AssociateRJ(result: .permanent, reason: .applicationContextNameNotSupported))
        }
        var info = UserInformation()
        info.implementationClassUID = Implementation.classUID
        info.implementationVersionName = Implementation.versionName
        // Grant each role proposal as made (PS3.7 §D.3.3.4): C-GET needs the SCU to act as storage SCP.
        info.roleSelections = rq.userInformation.roleSelections.filter { supports($0.sopClassUID) }
        let contexts = rq.presentationContexts.map(answer)
        return .accept(AssociateAC(calledAETitle: rq.calledAETitle, callingAETitle: rq.callingAETitle,
                                   presentationContexts: contexts, userInformation: info))
    }

    /// One context's answer: storage keeps the caller's first acceptable syntax (so that the
    /// instance is stored as sent); other services need a syntax we can decode.
    public func answer(_ pc: PresentationContextRQ) -> PresentationContextAC {
        guard supports(pc.abstractSyntax) else {
            return PresentationContextAC(id: pc.id, result: .abstractSyntaxNotSupported, transferSyntax: "")
        }
        if SOPClass.isStorage(pc.abstractSyntax) {
            if let ts = pc.transferSyntaxes.first(where: TransferSyntax.isKnown) {
                return PresentationContextAC(id: pc.id, result: .acceptance, transferSyntax: ts)
            }
        } else {
            let ours = [TransferSyntax.explicitVRLittleEndian.uid, TransferSyntax.implicitVRLittleEndian.uid,
                        TransferSyntax.deflatedExplicitVRLittleEndian.uid, TransferSyntax.explicitVRBigEndian.uid]
            if let ts = ours.first(where: pc.transferSyntaxes.contains) {
                return PresentationContextAC(id: pc.id, result: .acceptance, transferSyntax: ts)
            }
        }
        return PresentationContextAC(id: pc.id, result: .transferSyntaxesNotSupported, transferSyntax: "")
    }
}
