#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The rules of SPEC §2 for values an administrator types.
public enum Validation {
    /// 1–16 characters, no white space or control characters, no backslash (PS3.5 §6.2 AE).
    public static func aeTitleProblem(_ s: String) -> String? {
        if s.isEmpty { return "an AE title needs 1 to 16 characters" }
        if s.count > 16 { return "'\(s)' has \(s.count) characters; an AE title has at most 16" }
        if s.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || $0.value > 0x7E }) {
            return "an AE title takes printable ASCII characters only"
        }
        if s.contains(" ") { return "an AE title may not contain spaces" }
        if s.contains("\\") { return "an AE title may not contain a backslash" }
        return nil
    }

    /// An IP address or a host name (RFC 1123 labels).
    public static func hostProblem(_ s: String) -> String? {
        if s.isEmpty || s.count > 253 { return "give an IP address or a host name" }
        if s.contains(":") { return isIPv6Address(s) ? nil : "'\(s)' is not an IPv6 address" }
        let labels = s.split(separator: ".", omittingEmptySubsequences: false)
        for l in labels {
            guard !l.isEmpty, l.count <= 63, !l.hasPrefix("-"), !l.hasSuffix("-"),
                  l.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
                return "'\(s)' is not an IP address or host name"
            }
        }
        return nil
    }

    /// An IPv6 address in text form (RFC 4291 §2.2), as the system's parser reads it.
    static func isIPv6Address(_ s: String) -> Bool {
        var address = in6_addr()
        return inet_pton(AF_INET6, s, &address) == 1
    }
}
