/// Base64 (RFC 4648 §4, padded) and its URL-safe variant (§5, unpadded), for the password
/// hash strings and tokens. Decoding is strict: only canonical standard base64 is accepted.
enum Base64 {
    static let standard = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    static let urlSafe = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    static func encode(_ bytes: [UInt8], urlSafe: Bool = false) -> String {
        let table = urlSafe ? Self.urlSafe : standard
        var out = [UInt8]()
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i < bytes.count {
            let b0 = bytes[i], b1 = i + 1 < bytes.count ? bytes[i + 1] : 0, b2 = i + 2 < bytes.count ? bytes[i + 2] : 0
            let n = bytes.count - i
            out.append(table[Int(b0 >> 2)])
            out.append(table[Int((b0 & 0x03) << 4 | b1 >> 4)])
            if n > 1 { out.append(table[Int((b1 & 0x0F) << 2 | b2 >> 6)]) } else if !urlSafe { out.append(UInt8(ascii: "=")) }
            if n > 2 { out.append(table[Int(b2 & 0x3F)]) } else if !urlSafe { out.append(UInt8(ascii: "=")) }
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes padded standard base64; nil for anything else (wrong length, foreign
    /// characters, misplaced padding, non-zero spare bits).
    static func decode<C: Collection>(_ text: C) -> [UInt8]? where C.Element == UInt8 {
        let chars = Array(text)
        guard !chars.isEmpty, chars.count % 4 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(chars.count / 4 * 3)
        for start in stride(from: 0, to: chars.count, by: 4) {
            let last = start + 4 == chars.count
            var v = [UInt8](repeating: 0, count: 4)
            var pad = 0
            for j in 0..<4 {
                let c = chars[start + j]
                if c == UInt8(ascii: "=") {
                    guard last, j >= 2 else { return nil }
                    pad += 1
                    continue
                }
                guard pad == 0, let d = value(c) else { return nil }
                v[j] = d
            }
            out.append(v[0] << 2 | v[1] >> 4)
            if pad < 2 { out.append(v[1] << 4 | v[2] >> 2) } else if v[1] & 0x0F != 0 { return nil }
            if pad < 1 { out.append(v[2] << 6 | v[3]) } else if pad == 1, v[2] & 0x03 != 0 { return nil }
        }
        return out
    }

    static func value(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return c - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return c - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): return 62
        case UInt8(ascii: "/"): return 63
        default: return nil
        }
    }
}
