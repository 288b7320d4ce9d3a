/// Reading and writing the numbers of binary VRs. Whatever the transfer syntax, the library
/// keeps these values little endian in `ElementValue.bytes` (see `ElementValue`), so these
/// helpers never look at byte order.
enum BinaryValues {
    /// The complete little-endian `T` units in `bytes`; a trailing partial unit is ignored.
    static func integers<T: FixedWidthInteger>(_ bytes: ByteView, as: T.Type) -> [T] {
        let size = MemoryLayout<T>.size
        let n = bytes.count / size
        guard n > 0 else { return [] }
        return bytes.withUnsafeBytes { raw in
            (0..<n).map { T(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * size, as: T.self)) }
        }
    }

    /// The first little-endian `T` in `bytes`, if there is a whole one.
    static func first<T: FixedWidthInteger>(_ bytes: ByteView, as: T.Type) -> T? {
        guard bytes.count >= MemoryLayout<T>.size else { return nil }
        return bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: 0, as: T.self)) }
    }

    static func floats(_ bytes: ByteView) -> [Float] { integers(bytes, as: UInt32.self).map(Float.init(bitPattern:)) }
    static func doubles(_ bytes: ByteView) -> [Double] { integers(bytes, as: UInt64.self).map(Double.init(bitPattern:)) }

    /// Appends `value` little endian.
    static func append<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    /// The numbers of an integer VR (US, SS, UL, SL, SV, UV and the OW, OL, OV words) as Int;
    /// nil for other VRs. UV and OV values above `Int.max` are left out.
    static func ints(_ bytes: ByteView, vr: VR) -> [Int]? {
        switch vr {
        case .US, .OW: return integers(bytes, as: UInt16.self).map(Int.init)
        case .SS: return integers(bytes, as: Int16.self).map(Int.init)
        case .UL, .OL: return integers(bytes, as: UInt32.self).map(Int.init)
        case .SL: return integers(bytes, as: Int32.self).map(Int.init)
        case .SV: return integers(bytes, as: Int64.self).map(Int.init)
        case .UV, .OV: return integers(bytes, as: UInt64.self).compactMap { Int(exactly: $0) }
        default: return nil
        }
    }

    /// Encodes `values` for an integer VR, checking each against the VR's range.
    static func encode(_ values: [Int], vr: VR) throws -> [UInt8] {
        var out: [UInt8] = []
        func put<T: FixedWidthInteger>(_ type: T.Type) throws {
            out.reserveCapacity(values.count * MemoryLayout<T>.size)
            for v in values {
                guard let x = T(exactly: v) else { throw DICOMError.encoding("\(v) is out of range for VR \(vr)") }
                append(x, to: &out)
            }
        }
        switch vr {
        case .US, .OW: try put(UInt16.self)
        case .SS: try put(Int16.self)
        case .UL, .OL: try put(UInt32.self)
        case .SL: try put(Int32.self)
        case .SV: try put(Int64.self)
        case .UV, .OV: try put(UInt64.self)
        default: throw DICOMError.encoding("VR \(vr) does not hold binary integers")
        }
        return out
    }
}
