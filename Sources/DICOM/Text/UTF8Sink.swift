/// Collects decoded text as UTF-8 bytes, then makes one String of them.
struct UTF8Sink {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    @inline(__always)
    mutating func appendASCII(_ b: UInt8) {
        bytes.append(b)
    }

    /// Appends a Unicode scalar value (not a surrogate, ≤ 0x10FFFF).
    @inline(__always)
    mutating func append(_ s: UInt32) {
        switch s {
        case 0..<0x80:
            bytes.append(UInt8(s))
        case 0x80..<0x800:
            bytes.append(0xC0 | UInt8(s >> 6))
            bytes.append(0x80 | UInt8(s & 0x3F))
        case 0x800..<0x10000:
            bytes.append(0xE0 | UInt8(s >> 12))
            bytes.append(0x80 | UInt8((s >> 6) & 0x3F))
            bytes.append(0x80 | UInt8(s & 0x3F))
        default:
            bytes.append(0xF0 | UInt8(s >> 18))
            bytes.append(0x80 | UInt8((s >> 12) & 0x3F))
            bytes.append(0x80 | UInt8((s >> 6) & 0x3F))
            bytes.append(0x80 | UInt8(s & 0x3F))
        }
    }

    /// U+FFFD REPLACEMENT CHARACTER, for bytes that do not decode.
    @inline(__always)
    mutating func appendReplacement() {
        bytes.append(0xEF)
        bytes.append(0xBF)
        bytes.append(0xBD)
    }

    mutating func append(contentsOf chunk: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: chunk)
    }

    var string: String { String(decoding: bytes, as: UTF8.self) }
}

/// Latin-1 text: each byte is the scalar of the same value. Used for the VRs that do not take
/// the Specific Character Set, and as the fallback for bytes ≥ 0x80 where no G1 set applies.
enum Latin1 {
    static func decode(_ bytes: UnsafeRawBufferPointer) -> String {
        if ASCII.isASCII(bytes) { return String(decoding: bytes, as: UTF8.self) }
        var out = UTF8Sink(capacity: bytes.count * 2)
        for b in bytes { out.append(UInt32(b)) }
        return out.string
    }
}

enum ASCII {
    /// True when no byte has its high bit set (then the bytes are valid UTF-8 as they are).
    @inline(__always)
    static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        // Eight bytes at a time while aligned loads are possible.
        var i = 0
        let n = bytes.count
        guard let base = bytes.baseAddress else { return true }
        while i < n && (Int(bitPattern: base + i) & 7) != 0 {
            if bytes[i] >= 0x80 { return false }
            i += 1
        }
        while i + 8 <= n {
            if (base + i).load(as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
            i += 8
        }
        while i < n {
            if bytes[i] >= 0x80 { return false }
            i += 1
        }
        return true
    }

    /// True when the bytes are ASCII and contain no ESC (0x1B).
    static func isPlainASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        isASCII(bytes) && !bytes.contains(0x1B)
    }
}
