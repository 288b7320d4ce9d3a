/// The thirteen states of the DICOM upper-layer protocol machine, PS3.8 §9.2.1 (Table 9-10
/// lists them in its columns; their meanings are given in PS3.8 Tables 9-1 to 9-5).
///
/// The raw value is the number in the standard's name: `.sta6.rawValue == 6` is "Sta6".
public enum ULState: Int, CaseIterable, Sendable, CustomStringConvertible {
    /// Sta1: idle, no association and no transport connection.
    case sta1 = 1
    /// Sta2: transport connection open (acceptor side), awaiting an A-ASSOCIATE-RQ PDU.
    case sta2
    /// Sta3: awaiting the local user's A-ASSOCIATE response primitive.
    case sta3
    /// Sta4: awaiting the transport connection opening to complete (requestor side).
    case sta4
    /// Sta5: awaiting an A-ASSOCIATE-AC or A-ASSOCIATE-RJ PDU.
    case sta5
    /// Sta6: association established, ready for data transfer.
    case sta6
    /// Sta7: awaiting an A-RELEASE-RP PDU.
    case sta7
    /// Sta8: awaiting the local user's A-RELEASE response primitive.
    case sta8
    /// Sta9: release collision, requestor side; awaiting the local A-RELEASE response.
    case sta9
    /// Sta10: release collision, acceptor side; awaiting an A-RELEASE-RP PDU.
    case sta10
    /// Sta11: release collision, requestor side; awaiting an A-RELEASE-RP PDU.
    case sta11
    /// Sta12: release collision, acceptor side; awaiting the local A-RELEASE response.
    case sta12
    /// Sta13: awaiting the transport connection close indication; the association no
    /// longer exists.
    case sta13

    /// "Sta1" … "Sta13", as the standard names them.
    public var description: String { "Sta\(rawValue)" }
}
