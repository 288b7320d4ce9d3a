#if canImport(Glibc)
import Glibc
#endif

/// Where the DICOM side reports associations, operations and problems. The console sink
/// prints one line per event; later sinks persist them for /api/logs/dicom.
public protocol DICOMLog: Sendable {
    func record(_ level: LogLevel, _ message: String, peer: String?)
    /// Whether records of `level` are kept (so that callers skip formatting the others).
    func wants(_ level: LogLevel) -> Bool
}

public enum LogLevel: String, Sendable, Codable, Comparable {
    case debug, info, warning, error
    var rank: Int { [.debug: 0, .info: 1, .warning: 2, .error: 3][self]! }
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
