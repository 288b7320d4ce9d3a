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
