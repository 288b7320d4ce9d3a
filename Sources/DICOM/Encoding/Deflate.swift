internal import CZlib

/// Raw DEFLATE (RFC 1951, no zlib header) as the Deflated Explicit VR Little Endian transfer
/// syntax uses it (PS3.5 §A.5).
public enum Deflate {
    /// No data set inflates beyond this (1 GiB), whatever its compressed size: deflate reaches
    /// ratios of about 1000:1, so a 2 MB bomb from a peer would otherwise claim 2 GB of memory.
    public static let maximumInflatedSize = 1 << 30

    /// The most `compressedCount` bytes may inflate to: `ratio` times their size, capped at
    /// `maximumInflatedSize`.
    public static func inflateLimit(compressedCount: Int, ratio: Int = 1024) -> Int {
        let (product, overflow) = max(compressedCount, 1).multipliedReportingOverflow(by: max(ratio, 1))
        return overflow ? maximumInflatedSize : min(product, maximumInflatedSize)
    }

    /// Inflates `input`, refusing output beyond `ratio` times its size or
    /// `maximumInflatedSize` (a decompression bomb).
    public static func inflate(_ input: ByteView, ratio: Int = 1024) throws -> [UInt8] {
        try inflate(input, limit: inflateLimit(compressedCount: input.count, ratio: ratio))
    }

    /// Inflates `input`, refusing output larger than `limit` bytes, and never more than
    /// `maximumInflatedSize`.
    public static func inflate(_ input: ByteView, limit: Int) throws -> [UInt8] {
        let limit = min(limit, maximumInflatedSize)
        var stream = z_stream()
        guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DICOMError.unsupported("zlib inflateInit2 failed")
        }
        defer { inflateEnd(&stream) }
        var out = [UInt8]()
        out.reserveCapacity(min(limit, max(input.count * 4, 4096)))
        var chunk = [UInt8](repeating: 0, count: 256 * 1024)
        return try input.withUnsafeBytes { raw -> [UInt8] in
            stream.next_in = UnsafeMutablePointer(mutating: raw.bindMemory(to: Bytef.self).baseAddress)
            stream.avail_in = uInt(raw.count)
            while true {
                let produced: Int = chunk.withUnsafeMutableBufferPointer { buf in
                    stream.next_out = buf.baseAddress
                    stream.avail_out = uInt(buf.count)
                    let rc = CZlib.inflate(&stream, Z_NO_FLUSH)
                    let n = buf.count - Int(stream.avail_out)
                    return rc == Z_STREAM_END ? -(n + 1) : (rc == Z_OK || rc == Z_BUF_ERROR ? n : Int.min)
                }
                if produced == Int.min {
                    throw DICOMError.malformed(offset: input.start + (raw.count - Int(stream.avail_in)), reason: "deflated data set is corrupt")
                }
                let n = produced < 0 ? -produced - 1 : produced
                guard out.count + n <= limit else {
                    throw DICOMError.malformed(offset: input.start, reason: "deflated data set inflates past \(limit) bytes")
                }
                out.append(contentsOf: chunk[0..<n])
                if produced < 0 { return out }
                if n == 0 && stream.avail_in == 0 {
                    // Input ended without Z_STREAM_END: accept what was inflated (some writers omit the final block flush).
                    return out
                }
            }
        }
    }

    /// Deflates `input` with raw DEFLATE, padded with one null byte to an even length, as pydicom
    /// and DCMTK write deflated data sets: DICOM values and fragments have even lengths, and DCMTK
    /// aborts an association whose data set fragment is odd ("DIMSE: Odd Fragment Length").
    /// Inflating ignores the pad, which follows the end of the stream.
    public static func deflate(_ input: [UInt8], level: Int32 = 6) throws -> [UInt8] {
        var stream = z_stream()
        guard deflateInit2_(&stream, level, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DICOMError.unsupported("zlib deflateInit2 failed")
        }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(input.count)))
        var out = [UInt8](repeating: 0, count: bound)
        var input = input
        let written: Int = input.withUnsafeMutableBufferPointer { inBuf in
            out.withUnsafeMutableBufferPointer { outBuf in
                stream.next_in = inBuf.baseAddress
                stream.avail_in = uInt(inBuf.count)
                stream.next_out = outBuf.baseAddress
                stream.avail_out = uInt(outBuf.count)
                let rc = CZlib.deflate(&stream, Z_FINISH)
                return rc == Z_STREAM_END ? outBuf.count - Int(stream.avail_out) : -1
            }
        }
        guard written >= 0 else { throw DICOMError.encoding("zlib deflate failed") }
        out.removeSubrange(written...)
        if out.count % 2 == 1 { out.append(0) }
        return out
    }
}
