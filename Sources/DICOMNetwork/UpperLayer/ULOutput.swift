/// What the upper-layer protocol machine asks its owner to do after an event (PS3.8 §9.2).
/// The machine performs no I/O: the owner opens and closes the transport connection, writes
/// the PDUs, runs the ARTIM timer and passes the indications on to the local user, in the
/// order the outputs are listed.
public enum ULOutput: Sendable, Equatable {
    /// Issue a TRANSPORT CONNECT request: open the TCP connection to the peer (AE-1).
    case connect
    /// Write this PDU to the transport connection.
    case send(PDU)
    /// Deliver this primitive to the local user.
    case indicate(ULIndication)
    /// Start the ARTIM timer, restarting it if it already runs (PS3.8 §9.1.5).
    case startARTIM
    /// Stop the ARTIM timer if it runs.
    case stopARTIM
    /// Close the transport connection.
    case closeTransport
}

/// A primitive the upper layer delivers to its local user (PS3.8 §7: the indication and
/// confirmation primitives of the A-ASSOCIATE, P-DATA, A-RELEASE, A-ABORT and A-P-ABORT
/// services).
public enum ULIndication: Sendable, Equatable {
    /// A-ASSOCIATE indication: a peer asks for an association (AE-6); answer with
    /// `ULEvent.associateAccept` or `.associateReject`.
    case associateRequest(AssociateRQ)
    /// A-ASSOCIATE confirmation (accept): the peer accepted our request (AE-3).
    case associateAccepted(AssociateAC)
    /// A-ASSOCIATE confirmation (reject): the peer rejected our request (AE-4).
    case associateRejected(AssociateRJ)
    /// P-DATA indication: data from the peer (DT-2, AR-6).
    case pData(PDataTF)
    /// A-RELEASE indication: the peer asks to release (AR-2), or both sides asked at once
    /// (AR-8, a release collision); answer with `ULEvent.releaseResponse`.
    case releaseRequested
    /// A-RELEASE confirmation: the peer agreed to release (AR-3, AR-10).
    case releaseConfirmed
    /// A-ABORT indication: the peer's service user aborted the association (AA-3).
    case aborted(AAbort)
    /// A-P-ABORT indication: a service provider aborted, either the peer's (AA-3, with the
    /// reason from its A-ABORT PDU) or ours after a protocol error (AA-8).
    case providerAborted(AAbort.Reason)
    /// A-P-ABORT indication because the transport connection closed under an association
    /// or an association being set up (AA-4).
    case transportClosed
}
