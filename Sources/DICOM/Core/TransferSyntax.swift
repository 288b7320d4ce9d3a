/// A transfer syntax (PS3.5 §10): how a data set is encoded on the wire or in a file.
public struct TransferSyntax: Sendable, Hashable, CustomStringConvertible {
    public let uid: String
    public let isExplicitVR: Bool
    public let isBigEndian: Bool
    public let isDeflated: Bool
    /// Pixel data is encapsulated in fragments (every compressed syntax).
    public let isEncapsulated: Bool
    public let name: String

    public init(uid: String, name: String, explicitVR: Bool = true, bigEndian: Bool = false,
                deflated: Bool = false, encapsulated: Bool = true) {
        self.uid = uid
        self.name = name
        isExplicitVR = explicitVR
        isBigEndian = bigEndian
        isDeflated = deflated
        isEncapsulated = encapsulated
    }

    public var description: String { "\(name) (\(uid))" }

    /// The data set encoding without deflate or encapsulation.
    public var isUncompressed: Bool { !isEncapsulated && !isDeflated }

    // PS3.5 §A.1–A.5 and PS3.6 Annex A.
    public static let implicitVRLittleEndian = TransferSyntax(uid: "1.2.840.10008.1.2", name: "Implicit VR Little Endian", explicitVR: false, encapsulated: false)
    public static let explicitVRLittleEndian = TransferSyntax(uid: "1.2.840.10008.1.2.1", name: "Explicit VR Little Endian", encapsulated: false)
    public static let encapsulatedUncompressedExplicitVRLittleEndian = TransferSyntax(uid: "1.2.840.10008.1.2.1.98", name: "Encapsulated Uncompressed Explicit VR Little Endian")
    public static let deflatedExplicitVRLittleEndian = TransferSyntax(uid: "1.2.840.10008.1.2.1.99", name: "Deflated Explicit VR Little Endian", deflated: true, encapsulated: false)
    public static let explicitVRBigEndian = TransferSyntax(uid: "1.2.840.10008.1.2.2", name: "Explicit VR Big Endian", bigEndian: true, encapsulated: false)

    /// Every transfer syntax the standard defines, with the compressed ones carried as
    /// encapsulated data byte for byte.
    public static let known: [TransferSyntax] = [
        .implicitVRLittleEndian, .explicitVRLittleEndian, .encapsulatedUncompressedExplicitVRLittleEndian,
        .deflatedExplicitVRLittleEndian, .explicitVRBigEndian,
        TransferSyntax(uid: "1.2.840.10008.1.2.4.50", name: "JPEG Baseline (Process 1)"),
        TransferSyntax(uid: "1.2.840.10008.1.2.4.51", name: "JPEG Extended (Process 2 & 4)"),
        TransferSyntax(uid: "1.2.840.10008.1.2.4.52", name: "JPEG Extended (Process 3 & 5)"),
        TransferSyntax(uid: "1.2.840.10008.1.2.4.53", name: "JPEG Spectral Selection, Non-Hierarchical (Process 6 & 8)"),
        TransferSyntax(uid: "1.2.840.10008.1.2.4.54", name: "JPEG Spectral Selection, Non-Hierarchical (Process 7 & 9)"),
        TransferSyntax(uid: "1.2.840.10008.1.2.4.55", name: "JPEG Full Progression, Non-Hierarchical (Process 10 & 12)"),
        TransferSyntax(uid: "1.2.840.10008.1.2.4.56", name: "JPEG Full Progression, Non-Hierarchical (Process 11 & 13)"),
        TransferSyntax(uid: "1.2.840.10008.1.2.4.57", name: "JPEG Lossless, Non-Hierarchical (Process 14)"),
        TransferSyntax(uid: "1.2.840.10008.1.2.4.58", name: "JPEG Lossless, Non-Hierarchical (Process 15)"),
        TransferSyntax(uid: "1.2.840.10008.1.2.4.59", name: "JPEG Extended, Hierarchical (Process 16 & 18)"),
        TransferSyntax(uid: "1.2.840.10008.1.2.4.60", name: "JPEG Extended, Hierarchical (Process 17 & 19)"),
        TransferSyntax(uid: "1.2.840.10008.1.2.4.61", name: "JPEG Spectral Selection, Hierarchical (Process 20 & 22)"),
        TransferSyntax(uid: "1.2.840.10008.1.2.4.62", name: "JPEG Spectral Selection, Hierarchical (Process 21 & 23)"),
        TransferSyntax(uid: "1.2.840.10008.1.2.4.63", name: "JPEG Full Progression, Hierarchical (Process 24 & 26)"),
        TransferSyntax(uid: "1.2.840.10008.1.2.4.64", name: "JPEG Full Progression, Hierarchical (Process 25 & 27)"),
        TransferSyntax(uid: "1.2.840.10008.1.2.4.65", name: "JPEG Lossless, Hierarchical (Process 28)"),
        TransferSyntax(uid: "1.2.840.10008.1.2.4.66", name: "JPEG Lossless, Hierarchical (Process 29)"),
        TransferSyntax(uid: "1.2.840.10008.1.2.4.70", name: "JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])"),
        TransferSyntax(uid: "1.2.840.10008.1.2.4.80", name: "JPEG-LS Lossless"),
        TransferSyntax(uid: "1.2.840.10008.1.2.4.81", name: "JPEG-LS Lossy (Near-Lossless)"),
        TransferSyntax(uid: "1.2.840.10008.1.2.4.90", name: "JPEG 2000 (Lossless Only)"),
        TransferSyntax(uid: "1.2.840.10008.1.2.4.91", name: "JPEG 2000"),
        TransferSyntax(uid: "1.2.840.10008.1.2.4.92", name: "JPEG 2000 Part 2 Multi-component (Lossless Only)"),
        TransferSyntax(uid: "1.2.840.10008.1.2.4.93", name: "JPEG 2000 Part 2 Multi-component"),
        TransferSyntax(uid: "1.2.840.10008.1.2.4.94", name: "JPIP Referenced"),
        TransferSyntax(uid: "1.2.840.10008.1.2.4.95", name: "JPIP Referenced Deflate", deflated: true),
        TransferSyntax(uid: "1.2.840.10008.1.2.4.100", name: "MPEG2 Main Profile / Main Level"),
        TransferSyntax(uid: "1.2.840.10008.1.2.4.101", name: "MPEG2 Main Profile / High Level"),
        TransferSyntax(uid: "1.2.840.10008.1.2.4.102", name: "MPEG-4 AVC/H.264 High Profile / Level 4.1"),
        TransferSyntax(uid: "1.2.840.10008.1.2.4.103", name: "MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1"),
        TransferSyntax(uid: "1.2.840.10008.1.2.4.104", name: "MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video"),
        TransferSyntax(uid: "1.2.840.10008.1.2.4.105", name: "MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video"),
        TransferSyntax(uid: "1.2.840.10008.1.2.4.106", name: "MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2"),
        TransferSyntax(uid: "1.2.840.10008.1.2.4.107", name: "HEVC/H.265 Main Profile / Level 5.1"),
        TransferSyntax(uid: "1.2.840.10008.1.2.4.108", name: "HEVC/H.265 Main 10 Profile / Level 5.1"),
        TransferSyntax(uid: "1.2.840.10008.1.2.4.201", name: "High-Throughput JPEG 2000 Image Compression (Lossless Only)"),
        TransferSyntax(uid: "1.2.840.10008.1.2.4.202", name: "High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only)"),
        TransferSyntax(uid: "1.2.840.10008.1.2.4.203", name: "High-Throughput JPEG 2000 Image Compression"),
        TransferSyntax(uid: "1.2.840.10008.1.2.5", name: "RLE Lossless"),
    ]

    private static let byUID: [String: TransferSyntax] = Dictionary(known.map { ($0.uid, $0) }, uniquingKeysWith: { a, _ in a })

    /// The transfer syntax for `uid`. An unknown UID is taken as explicit VR little endian with
    /// encapsulated pixel data, which every syntax defined after PS3.5 Annex A.4 uses.
    public static func forUID(_ uid: String) -> TransferSyntax {
        let u = uid.trimmingDICOMPadding()
        return byUID[u] ?? TransferSyntax(uid: u, name: "Unknown transfer syntax")
    }

    public static func isKnown(_ uid: String) -> Bool { byUID[uid.trimmingDICOMPadding()] != nil }
}
