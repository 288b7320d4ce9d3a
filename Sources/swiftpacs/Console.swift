#if canImport(Glibc)
import Glibc
#endif
import DICOM

enum Version {
    static let string = Implementation.version
}

/// Output helpers: results to stdout, diagnostics to stderr.
enum Console {
    static func error(_ message: String, newline: Bool = true) {
        let line = Array((message + (newline ? "\n" : "")).utf8)
        line.withUnsafeBytes { _ = Glibc.write(2, $0.baseAddress, $0.count) }
    }

    /// Writes text to stdout without the per-call overhead of print for large dumps.
    static func write(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { Glibc.write(1, $0.baseAddress, $0.count) }
            if n <= 0 { if errno == EINTR { continue }; return }
            bytes = bytes.dropFirst(n)
        }
    }
}
