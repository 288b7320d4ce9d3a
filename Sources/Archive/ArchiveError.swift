import DICOM

/// Failures of the archive, each with the wording an operator needs.
public enum ArchiveError: Error, Sendable, CustomStringConvertible {
    case incompatibleIndex(String)
    case dataDirectory(String)
    /// The data set cannot be indexed (missing UIDs, unreadable).
    case invalidInstance(String)
    /// The data set's SOP Class/Instance UIDs differ from the C-STORE command's (PS3.4 B.2.3).
    case uidMismatch(String)
    case notFound(String)
    case storage(String)

    public var description: String {
        switch self {
        case let .incompatibleIndex(s), let .dataDirectory(s), let .invalidInstance(s),
             let .uidMismatch(s), let .notFound(s), let .storage(s): return s
        }
    }
}
