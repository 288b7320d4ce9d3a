#if canImport(Glibc)
import Glibc
#endif

/// Where the DICOM side reports associations, operations and problems. The console sink
/// prints one line per event; later sinks persist them for /api/logs/dicom.
public protocol DICOMLog: Sendable {
    func record(_ level: LogLevel, _ message: String, peer: String?)
    /// A record that belongs to an association (its log identifier).
    func record(_ level: LogLevel, _ message: String, peer: String?, association: Int?)
    /// Whether records of `level` are kept (so that callers skip formatting the others).
    func wants(_ level: LogLevel) -> Bool
    /// Debug mode on or off: whether `.debug` records are kept from now on.
    func setDebug(_ on: Bool)
}

extension DICOMLog {
    public func record(_ level: LogLevel, _ message: String, peer: String?, association: Int?) {
        record(level, message, peer: peer)
    }
    public func setDebug(_ on: Bool) {}
}

public enum LogLevel: String, Sendable, Codable, Comparable, CaseIterable {
    case debug, info, warning, error
    public var rank: Int {
        switch self {
        case .debug: return 0
        case .info: return 1
        case .warning: return 2
        case .error: return 3
        }
    }
    public init?(rank: Int) {
        switch rank {
        case 0: self = .debug
        case 1: self = .info
        case 2: self = .warning
        case 3: self = .error
        default: return nil
        }
    }
    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rank < b.rank }
}

/// Writes each record as one line on standard error: time, level, peer, message.
public struct ConsoleLog: DICOMLog {
    public let minimum: LogLevel
    public init(minimum: LogLevel = .info) { self.minimum = minimum }

    public func wants(_ level: LogLevel) -> Bool { level >= minimum }

    public func record(_ level: LogLevel, _ message: String, peer: String?) {
        guard level >= minimum else { return }
        var t = time(nil)
        var tmv = tm()
        gmtime_r(&t, &tmv)
        let stamp = "\(Int(tmv.tm_year) + 1900)-\(pad2(Int(tmv.tm_mon) + 1))-\(pad2(Int(tmv.tm_mday)))T\(pad2(Int(tmv.tm_hour))):\(pad2(Int(tmv.tm_min))):\(pad2(Int(tmv.tm_sec)))Z"
        let line = "\(stamp) \(level.rawValue.uppercased()) dicom\(peer.map { " [\($0)]" } ?? ""): \(message)\n"
        let bytes = Array(line.utf8)
        _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }
}

func pad2(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
