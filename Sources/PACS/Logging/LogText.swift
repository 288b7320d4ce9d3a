#if canImport(Glibc)
import Glibc
#endif

/// How text reaches the log: a NUL becomes U+FFFD (so nothing after it can be hidden), and
/// text longer than the field's limit is cut on a character boundary and ends with "…".
/// Every other character, Unicode or control, is kept.
public enum LogText {
    public static let userLimit = 256
    public static let clientLimit = 256
    public static let methodLimit = 32
    public static let pathLimit = 4096
    public static let peerLimit = 256
    public static let actionLimit = 256
    public static let targetLimit = 1024
    public static let messageLimit = 16 * 1024
    public static let detailLimit = 16 * 1024

    static let marker = "…"

    /// `s` as the log stores it, at most `maxBytes` bytes of UTF-8.
    public static func clean(_ s: String, maxBytes: Int) -> String {
        let count = s.utf8.count
        if count <= maxBytes && !containsNUL(s) { return s }
        // Only the first maxBytes + 1 bytes can matter: a replacement only makes text longer.
        let window = count > maxBytes ? maxBytes + 1 : count
        var bytes: [UInt8] = []
        bytes.reserveCapacity(window + 16)
        for b in s.utf8.prefix(window) {
            if b == 0 { bytes += [0xEF, 0xBF, 0xBD] } else { bytes.append(b) }  // U+FFFD
        }
        if bytes.count <= maxBytes { return String(decoding: bytes, as: UTF8.self) }
        // Cut before the first byte that does not fit, backing off to the start of its scalar.
        var end = max(0, maxBytes - marker.utf8.count)
        while end > 0 && bytes[end] & 0xC0 == 0x80 { end -= 1 }
        return String(decoding: bytes[..<end], as: UTF8.self) + marker
    }

    static func containsNUL(_ s: String) -> Bool {
        if let found = s.utf8.withContiguousStorageIfAvailable({ buf in
            buf.withUnsafeBytes { raw in raw.baseAddress.map { memchr($0, 0, raw.count) != nil } ?? false }
        }) {
            return found
        }
        return s.utf8.contains(0)
    }
}
