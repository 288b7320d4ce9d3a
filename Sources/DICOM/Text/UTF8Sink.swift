/// Collects decoded text as UTF-8 bytes in a temporary buffer, then makes one String of them.
/// Every decoder here writes at most 3 bytes per input byte (U+FFFD for one bad byte; a BMP
/// character for two), so `collect` sizes the buffer at 4 bytes per input byte plus a margin
/// and the appends need no growth; a write past the end would stop the program rather than
/// corrupt memory.
struct UTF8Sink {
    private let base: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    private(set) var count = 0

    private init(base: UnsafeMutablePointer<UInt8>, capacity: Int) {
        self.base = base
        self.capacity = capacity
    }

    /// Runs `body` with a sink able to take the decoding of `inputCount` bytes.
    static func collect(inputCount: Int, _ body: (inout UTF8Sink) -> Void) -> String {
        let capacity = inputCount * 4 + 16
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
            var sink = UTF8Sink(base: buffer.baseAddress!, capacity: capacity)
            body(&sink)
            return String(decoding: UnsafeBufferPointer(start: buffer.baseAddress, count: sink.count), as: UTF8.self)
        }
    }

    @inline(__always)
    private mutating func reserve(_ n: Int) {
        precondition(count + n <= capacity, "UTF8Sink overflow")
    }

    @inline(__always)
    mutating func appendASCII(_ b: UInt8) {
        reserve(1)
        base[count] = b
        count += 1
    }

    /// Appends a Unicode scalar value (not a surrogate, ≤ 0x10FFFF).
    @inline(__always)
    mutating func append(_ s: UInt32) {
        switch s {
        case 0..<0x80:
            reserve(1)
            base[count] = UInt8(s)
            count += 1
        case 0x80..<0x800:
            reserve(2)
            base[count] = 0xC0 | UInt8(s >> 6)
            base[count + 1] = 0x80 | UInt8(s & 0x3F)
            count += 2
        case 0x800..<0x10000:
            reserve(3)
            base[count] = 0xE0 | UInt8(s >> 12)
            base[count + 1] = 0x80 | UInt8((s >> 6) & 0x3F)
            base[count + 2] = 0x80 | UInt8(s & 0x3F)
            count += 3
        default:
            reserve(4)
            base[count] = 0xF0 | UInt8(s >> 18)
            base[count + 1] = 0x80 | UInt8((s >> 12) & 0x3F)
            base[count + 2] = 0x80 | UInt8((s >> 6) & 0x3F)
            base[count + 3] = 0x80 | UInt8(s & 0x3F)
            count += 4
        }
    }

    /// U+FFFD REPLACEMENT CHARACTER, for bytes that do not decode.
    @inline(__always)
    mutating func appendReplacement() {
        append(0xFFFD)
    }

    /// Appends bytes that are already UTF-8 (iconv output), at most 4 per input byte consumed.
    mutating func append(contentsOf chunk: UnsafeBufferPointer<UInt8>) {
        reserve(chunk.count)
        if let src = chunk.baseAddress { (base + count).update(from: src, count: chunk.count) }
        count += chunk.count
    }
}

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

/// UTF-8 (ISO_IR 192) with each ill-formed subsequence replaced by one U+FFFD, following the
/// "maximal subpart" practice of the Unicode Standard (§3.9), as Python and Swift do. Written
/// out because the standard library's repairing decoder is slow on badly broken input.
enum UTF8Text {
    static func decode(_ p: UnsafeRawBufferPointer) -> String {
        if ASCII.isASCII(p) { return String(decoding: p, as: UTF8.self) }
        return UTF8Sink.collect(inputCount: p.count) { out in decodeRepairing(p, into: &out) }
    }

    private static func decodeRepairing(_ p: UnsafeRawBufferPointer, into out: inout UTF8Sink) {
        let n = p.count
        var i = 0
        while i < n {
            let b = p[i]
            if b < 0x80 {
                out.appendASCII(b)
                i += 1
                continue
            }
            // The allowed range of the second byte, and the count of bytes, for lead byte b.
            let second: ClosedRange<UInt8>
            let length: Int
            switch b {
            case 0xC2...0xDF: second = 0x80...0xBF; length = 2
            case 0xE0: second = 0xA0...0xBF; length = 3
            case 0xE1...0xEC, 0xEE...0xEF: second = 0x80...0xBF; length = 3
            case 0xED: second = 0x80...0x9F; length = 3
            case 0xF0: second = 0x90...0xBF; length = 4
            case 0xF1...0xF3: second = 0x80...0xBF; length = 4
            case 0xF4: second = 0x80...0x8F; length = 4
            default:
                out.appendReplacement()
                i += 1
                continue
            }
            var j = i + 1
            if j < n, second.contains(p[j]) {
                j += 1
                while j < i + length, j < n, (0x80...0xBF).contains(p[j]) { j += 1 }
            }
            if j == i + length {
                for k in i..<j { out.appendASCII(p[k]) }
            } else {
                out.appendReplacement()
            }
            i = j
        }
    }
}
