import DICOM

/// Who is calling, for a service handler.
public struct ServiceContext: Sendable {
    public var callingAETitle: String
    public var calledAETitle: String
    public var peerAddress: String
    public var associationID: Int
}

/// A C-STORE request as received: the data set is kept as the bytes sent, in `transferSyntax`.
public struct StoreRequest: Sendable {
    public var sopClassUID: String
    public var sopInstanceUID: String
    public var transferSyntax: TransferSyntax
    public var dataSet: [UInt8]
    public var priority: UInt16
    public var moveOriginatorAETitle: String?
}

/// A C-FIND, C-MOVE or C-GET request: the information model (its SOP class) and identifier.
public struct QueryRequest: Sendable {
    public var sopClassUID: String
    public var identifier: DataSet
    public var level: QueryLevel?
    public var moveDestination: String?
    /// Set by the server when the peer sends C-CANCEL-RQ; handlers that stream should check it.
    public var isCancelled: @Sendable () -> Bool
}

/// A handler's answer: a status and, for failures, the error comment sent back (PS3.7 C.4).
public struct ServiceResult: Sendable {
    public var status: DIMSEStatus
    public var comment: String?
    public init(_ status: DIMSEStatus, comment: String? = nil) {
        self.status = status
        self.comment = comment
    }
    public static let success = ServiceResult(.success)
}

/// One instance to send for a C-MOVE or C-GET.
public struct RetrieveItem: Sendable {
    public var sopClassUID: String
    public var sopInstanceUID: String
    public var transferSyntax: TransferSyntax
    /// The data set bytes (without file meta information) in `transferSyntax`.
    public var load: @Sendable () throws -> [UInt8]

    public init(sopClassUID: String, sopInstanceUID: String, transferSyntax: TransferSyntax, load: @escaping @Sendable () throws -> [UInt8]) {
        self.sopClassUID = sopClassUID
        self.sopInstanceUID = sopInstanceUID
        self.transferSyntax = transferSyntax
        self.load = load
    }
}

/// Where a C-MOVE destination AE title lives.
public struct MoveDestination: Sendable {
    public var aeTitle: String
    public var host: String
    public var port: Int
    public init(aeTitle: String, host: String, port: Int) {
        self.aeTitle = aeTitle
        self.host = host
        self.port = port
    }
}

/// What the server reports as it works, for the DICOM log.
public enum ServerEvent: Sendable {
    case associationAccepted(id: Int, calling: String, called: String, address: String, contexts: Int)
    case associationRejected(calling: String, called: String, address: String, reason: String)
    case associationEnded(id: Int, how: String)
    /// A request arrived (its command; format it with `summary` only when it is logged).
    case operation(id: Int, command: DIMSECommand)
    case failure(String)
    /// A TCP connection closed before any A-ASSOCIATE-RQ (port probes, health checks).
    case connectionClosedBeforeAssociation(address: String)
}

/// What a DICOM application plugs into the server: the association policy and the service
/// handlers. Every method has a default, so a provider implements only what it serves.
public protocol DICOMServiceProvider: Sendable {
    /// Answers an association request. The default (`StandardNegotiation`) checks the called
    /// AE title and accepts the abstract syntaxes this provider serves.
    func negotiate(_ rq: AssociateRQ, peerAddress: String, ourAETitle: String) -> AssociationDecision
    /// Whether `ctx.callingAETitle` may use `service` (checked per request); nil allows it,
    /// otherwise the failure to answer.
    func authorize(_ service: CommandField, _ ctx: ServiceContext) -> ServiceResult?
    func echo(_ ctx: ServiceContext) -> DIMSEStatus
    func store(_ request: StoreRequest, _ ctx: ServiceContext) -> ServiceResult
    /// Streams matches through `emit`, which returns false once the peer cancelled.
    func find(_ request: QueryRequest, _ ctx: ServiceContext, emit: (DataSet) -> Bool) -> ServiceResult
    /// The instances a C-MOVE or C-GET must send, or a failure.
    func retrieve(_ request: QueryRequest, _ ctx: ServiceContext) -> Result<[RetrieveItem], RetrieveFailure>
    /// Resolves a C-MOVE destination; nil answers 0xA801 "move destination unknown".
    func moveDestination(_ aeTitle: String, _ ctx: ServiceContext) -> MoveDestination?
    /// The SOP classes this provider serves, for the default negotiation.
    func supports(abstractSyntax: String) -> Bool
    func event(_ event: ServerEvent)
    var observer: AssociationObserver? { get }
}

public struct RetrieveFailure: Error, Sendable {
    public var result: ServiceResult
    public init(_ status: DIMSEStatus, comment: String? = nil) { result = ServiceResult(status, comment: comment) }
}

extension DICOMServiceProvider {
    public func negotiate(_ rq: AssociateRQ, peerAddress: String, ourAETitle: String) -> AssociationDecision {
        StandardNegotiation(aeTitle: ourAETitle, supports: supports(abstractSyntax:)).decide(rq)
    }
    public func authorize(_ service: CommandField, _ ctx: ServiceContext) -> ServiceResult? { nil }
    public func echo(_ ctx: ServiceContext) -> DIMSEStatus { .success }
    public func store(_ request: StoreRequest, _ ctx: ServiceContext) -> ServiceResult { ServiceResult(.sopClassNotSupported) }
    public func find(_ request: QueryRequest, _ ctx: ServiceContext, emit: (DataSet) -> Bool) -> ServiceResult { ServiceResult(.sopClassNotSupported) }
    public func retrieve(_ request: QueryRequest, _ ctx: ServiceContext) -> Result<[RetrieveItem], RetrieveFailure> { .failure(RetrieveFailure(.sopClassNotSupported)) }
    public func moveDestination(_ aeTitle: String, _ ctx: ServiceContext) -> MoveDestination? { nil }
    public func supports(abstractSyntax: String) -> Bool {
        abstractSyntax == SOPClass.verification || SOPClass.isStorage(abstractSyntax)
            || SOPClass.findClasses.contains(abstractSyntax) || SOPClass.moveClasses.contains(abstractSyntax)
            || SOPClass.getClasses.contains(abstractSyntax)
    }
    public func event(_ event: ServerEvent) {}
    public var observer: AssociationObserver? { nil }
}
