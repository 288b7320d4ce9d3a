/// Latin-1 text: each byte is the scalar of the same value. Used for the VRs that do not take
/// the Specific Character Set, and as the fallback for bytes ≥ 0x80 where no G1 set applies.
enum Latin1 {
    static func decode(_ bytes: UnsafeRawBufferPointer) -> String {
        if ASCII.isASCII(bytes) { return String(decoding: bytes, as: UTF8.self) }
        return UTF8Sink.collect(inputCount: bytes.count) { out in
            for b in bytes { out.append(UInt32(b)) }
        }
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
