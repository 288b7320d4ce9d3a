/// The actions of the DICOM upper-layer protocol machine, PS3.8 §9.2.2: association
/// establishment (Table 9-6), data transfer (Table 9-7), association release (Table 9-8)
/// and association abort (Table 9-9). The raw value is the standard's name, "AE-1" etc.
///
/// Each comment gives what the action does and the state it leads to; `UpperLayer.perform`
/// carries them out as outputs.
public enum ULAction: String, CaseIterable, Sendable, CustomStringConvertible {
    // MARK: Association establishment, PS3.8 Table 9-6

    /// AE-1: issue a TRANSPORT CONNECT request to the local transport service. Next: Sta4.
    case ae1 = "AE-1"
    /// AE-2: send the A-ASSOCIATE-RQ PDU. Next: Sta5.
    case ae2 = "AE-2"
    /// AE-3: issue an A-ASSOCIATE confirmation (accept) to the local user. Next: Sta6.
    case ae3 = "AE-3"
    /// AE-4: issue an A-ASSOCIATE confirmation (reject) and close the transport
    /// connection. Next: Sta1.
    case ae4 = "AE-4"
    /// AE-5: issue the transport connection response and start the ARTIM timer. Next: Sta2.
    case ae5 = "AE-5"
    /// AE-6: stop the ARTIM timer; if the service provider can accept the A-ASSOCIATE-RQ,
    /// issue an A-ASSOCIATE indication (next: Sta3), otherwise send an A-ASSOCIATE-RJ PDU
    /// and start the ARTIM timer (next: Sta13).
    case ae6 = "AE-6"
    /// AE-7: send the A-ASSOCIATE-AC PDU. Next: Sta6.
    case ae7 = "AE-7"
    /// AE-8: send the A-ASSOCIATE-RJ PDU and start the ARTIM timer. Next: Sta13.
    case ae8 = "AE-8"

    // MARK: Data transfer, PS3.8 Table 9-7

    /// DT-1: send a P-DATA-TF PDU. Next: Sta6.
    case dt1 = "DT-1"
    /// DT-2: issue a P-DATA indication to the local user. Next: Sta6.
    case dt2 = "DT-2"

    // MARK: Association release, PS3.8 Table 9-8

    /// AR-1: send the A-RELEASE-RQ PDU. Next: Sta7.
    case ar1 = "AR-1"
    /// AR-2: issue an A-RELEASE indication to the local user. Next: Sta8.
    case ar2 = "AR-2"
    /// AR-3: issue an A-RELEASE confirmation and close the transport connection. Next: Sta1.
    case ar3 = "AR-3"
    /// AR-4: send the A-RELEASE-RP PDU and start the ARTIM timer. Next: Sta13.
    case ar4 = "AR-4"
    /// AR-5: stop the ARTIM timer. Next: Sta1.
    case ar5 = "AR-5"
    /// AR-6: issue a P-DATA indication (data still arriving while we await the
    /// A-RELEASE-RP). Next: Sta7.
    case ar6 = "AR-6"
    /// AR-7: send a P-DATA-TF PDU (data still leaving while the local user has not yet
    /// answered the release). Next: Sta8.
    case ar7 = "AR-7"
    /// AR-8: issue an A-RELEASE indication for a release collision. Next: Sta9 on the
    /// association requestor, Sta10 on the acceptor.
    case ar8 = "AR-8"
    /// AR-9: send the A-RELEASE-RP PDU. Next: Sta11.
    case ar9 = "AR-9"
    /// AR-10: issue an A-RELEASE confirmation. Next: Sta12.
    case ar10 = "AR-10"

    // MARK: Association abort, PS3.8 Table 9-9

    /// AA-1: send an A-ABORT PDU (service-user source) and start, or restart, the ARTIM
    /// timer. Next: Sta13.
    case aa1 = "AA-1"
    /// AA-2: stop the ARTIM timer if it runs and close the transport connection. Next: Sta1.
    case aa2 = "AA-2"
    /// AA-3: the peer aborted: issue an A-ABORT indication if the peer's service user
    /// aborted, an A-P-ABORT indication if its service provider did; close the transport
    /// connection. Next: Sta1.
    case aa3 = "AA-3"
    /// AA-4: issue an A-P-ABORT indication (the transport connection went away). Next: Sta1.
    case aa4 = "AA-4"
    /// AA-5: stop the ARTIM timer. Next: Sta1.
    case aa5 = "AA-5"
    /// AA-6: ignore the PDU. Next: Sta13.
    case aa6 = "AA-6"
    /// AA-7: send an A-ABORT PDU. Next: Sta13.
    case aa7 = "AA-7"
    /// AA-8: send an A-ABORT PDU (service-provider source), issue an A-P-ABORT indication
    /// and start the ARTIM timer. Next: Sta13.
    case aa8 = "AA-8"

    public var description: String { rawValue }
}
