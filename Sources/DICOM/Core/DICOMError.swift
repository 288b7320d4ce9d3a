/// Errors of the DICOM data layer. Decoding errors carry the byte offset where the problem
/// was found, so that a refused file can be explained ("at offset 1234: ...").
public enum DICOMError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The input is malformed at `offset` (counted from the start of the buffer or file).
    case malformed(offset: Int, reason: String)
    /// The input ended before a complete structure at `offset`.
    case truncated(offset: Int, needed: Int, available: Int)
    /// A well-formed input that uses something this library does not handle.
    case unsupported(String)
    /// A file could not be read or written.
    case io(path: String, reason: String)
    /// A value could not be encoded (for example a character absent from the character set).
    case encoding(String)

    public var description: String {
        switch self {
        case let .malformed(offset, reason): return "at offset \(offset): \(reason)"
        case let .truncated(offset, needed, available):
            return "at offset \(offset): truncated, \(needed) bytes needed but only \(available) left"
        case let .unsupported(what): return "unsupported: \(what)"
        case let .io(path, reason): return "\(path): \(reason)"
        case let .encoding(what): return "cannot encode: \(what)"
        }
    }
}
