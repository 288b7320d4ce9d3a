#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A thin wrapper over the C library's iconv, used for two things: building the code tables of
/// the character sets once (see `CodeTables`), and converting GB18030/GBK text, whose 4-byte
/// codes cover all of Unicode and are not worth tabulating here.
///
/// An `iconv_t` is stateful and not thread-safe, so descriptors are never shared: a caller
/// takes one from `IconvPool` for the duration of a conversion and gives it back.
enum Iconv {
    /// Opens a descriptor converting `from` → `to`; nil when the C library lacks the pair.
    static func open(from: String, to: String) -> iconv_t? {
        guard let cd = iconv_open(to, from), Int(bitPattern: cd) != -1 else { return nil }
        return cd
    }

    /// Converts one whole code (for table building): returns the output bytes when iconv
    /// consumed all of `input` without error, nil otherwise.
    static func convertExactly(_ cd: iconv_t, _ input: [UInt8], outputCapacity: Int = 16) -> [UInt8]? {
        _ = iconv(cd, nil, nil, nil, nil)  // back to the initial shift state
        var inCopy = input
        var out = [UInt8](repeating: 0, count: outputCapacity)
        let produced: Int? = inCopy.withUnsafeMutableBytes { inBuf in
            out.withUnsafeMutableBytes { outBuf in
                var inPtr: UnsafeMutablePointer<CChar>? = inBuf.baseAddress?.assumingMemoryBound(to: CChar.self)
                var inLeft = inBuf.count
                var outPtr: UnsafeMutablePointer<CChar>? = outBuf.baseAddress?.assumingMemoryBound(to: CChar.self)
                var outLeft = outBuf.count
                let r = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                if r == -1 || inLeft != 0 { return nil }
                return outBuf.count - outLeft
            }
        }
        guard let n = produced else { return nil }
        return Array(out[0..<n])
    }

    enum StreamEvent {
        /// Bytes that iconv could not convert at this point (EILSEQ): one input byte skipped.
        case invalid
        /// The input ends inside a multi-byte sequence (EINVAL): the rest is dropped.
        case incomplete
    }

    /// Streams `input` through `cd`, handing each converted chunk to `output`. On an invalid
    /// or truncated sequence, `onError` is told the input offset and may throw to stop.
    static func stream(_ cd: iconv_t, _ input: UnsafeRawBufferPointer,
                       output: (UnsafeBufferPointer<UInt8>) -> Void,
                       onError: (StreamEvent, Int) throws -> Void) rethrows {
        _ = iconv(cd, nil, nil, nil, nil)
        guard let base = input.baseAddress, input.count > 0 else { return }
        let chunk = 4096
        let outBuf = UnsafeMutablePointer<UInt8>.allocate(capacity: chunk)
        defer { outBuf.deallocate() }
        var inPtr: UnsafeMutablePointer<CChar>? =
            UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: CChar.self))
        var inLeft = input.count
        while inLeft > 0 {
            var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuf).assumingMemoryBound(to: CChar.self)
            var outLeft = chunk
            let r = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
            let err = errno
            if outLeft < chunk { output(UnsafeBufferPointer(start: outBuf, count: chunk - outLeft)) }
            if r != -1 { continue }
            let offset = input.count - inLeft
            switch err {
            case E2BIG:
                continue
            case EINVAL:
                try onError(.incomplete, offset)
                inLeft = 0
            default:  // EILSEQ, or anything unexpected: skip one byte and go on
                try onError(.invalid, offset)
                inPtr = inPtr.map { $0 + 1 }
                inLeft -= 1
                _ = iconv(cd, nil, nil, nil, nil)
            }
        }
        // Flush any pending shift sequence (none for the stateless encodings used here).
        var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuf).assumingMemoryBound(to: CChar.self)
        var outLeft = chunk
        _ = iconv(cd, nil, nil, &outPtr, &outLeft)
        if outLeft < chunk { output(UnsafeBufferPointer(start: outBuf, count: chunk - outLeft)) }
    }
}
