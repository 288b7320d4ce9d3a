import Synchronization
import DICOMNetwork

/// What the DICOM server has done since it started, for `/metrics`: associations accepted and
/// rejected, DIMSE requests by command, C-STORE outcomes and bytes. Safe from any thread.
public final class DICOMCounters: Sendable {
    /// The DIMSE requests counted one by one (PS3.7 Table E.1-1); the rest are `other`.
    public enum Operation: String, Sendable, CaseIterable {
        case echo = "C-ECHO", store = "C-STORE", find = "C-FIND", move = "C-MOVE", get = "C-GET", cancel = "C-CANCEL", other

        init(_ field: CommandField?) {
            switch field {
            case .cEchoRQ?: self = .echo
            case .cStoreRQ?: self = .store
            case .cFindRQ?: self = .find
            case .cMoveRQ?: self = .move
            case .cGetRQ?: self = .get
            case .cCancelRQ?: self = .cancel
            default: self = .other
            }
        }
    }

    /// How a C-STORE ended: a new file (or a replaced one), a duplicate kept as it was, a failure.
    public enum StoreOutcome: String, Sendable, CaseIterable { case stored, duplicate, failed }

    public struct Snapshot: Sendable, Equatable {
        public var associationsAccepted = 0
        public var associationsRejected = 0
        public var operations: [Operation: Int] = [:]
        public var stores: [StoreOutcome: Int] = [:]
        /// Data set bytes of the C-STOREs that stored a file.
        public var storedBytes = 0
    }

    private let state = Mutex(Snapshot())

    public init() {}

    public var snapshot: Snapshot { state.withLock { $0 } }

    func associationAccepted() { state.withLock { $0.associationsAccepted += 1 } }
    func associationRejected() { state.withLock { $0.associationsRejected += 1 } }
    func operation(_ field: CommandField?) { state.withLock { $0.operations[Operation(field), default: 0] += 1 } }

    func store(_ outcome: StoreOutcome, bytes: Int = 0) {
        state.withLock {
            $0.stores[outcome, default: 0] += 1
            if outcome == .stored { $0.storedBytes += bytes }
        }
    }
}
