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
