@testable import DICOM

/// Builders shared by the JSON tests.
extension DataSet {
    mutating func put(_ group: UInt16, _ element: UInt16, _ vr: VR, _ text: String) throws {
        try set(Tag(group, element), vr: vr, string: text)
    }

    mutating func put(_ group: UInt16, _ element: UInt16, _ vr: VR, bytes: [UInt8]) {
        self[Tag(group, element)] = DataElement(tag: Tag(group, element), vr: vr, bytes: bytes)
    }
}

func json(_ ds: DataSet, bulkData: DICOMJSONBulkDataHandler? = nil, threshold: Int = 1024) -> String {
    DICOMJSONEncoder(bulkDataThreshold: threshold).encodeString(ds, bulkData: bulkData)
}

/// Little-endian bytes of fixed-width numbers.
func le<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
    var out: [UInt8] = []
    for v in values { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
    return out
}

/// A deterministic generator for the mutation tests (xorshift64*).
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }
    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }
}
