import Foundation
@testable import DICOM

/// Tests/Fixtures/charsets.json, written by scripts/make_charset_fixture.py from pydicom.
struct CharsetFixture: Decodable {
    struct File: Decodable {
        let file: String
        let charset: String
        let elements: [Element]
    }

    struct Element: Decodable {
        let tag: String
        let vr: String
        /// The (0008,0005) in force for the element, backslash-separated.
        let charset: String
        let hex: String
        /// pydicom's decoded value(s).
        let values: [String]
    }

    struct Sample: Decodable {
        let charset: String
        let vr: String
        let text: String
        /// pydicom's encoding, nil when pydicom could not encode the text.
        let hex: String?
        /// pydicom's decoding of its own encoding.
        let roundTrip: String?
        let error: String?
    }

    /// A hand-made value and pydicom's reading of it (its dcmread value converters).
    struct DecodeSample: Decodable {
        let charset: String
        let vr: String
        let hex: String
        let values: [String]
    }

    let generator: String
    let files: [File]
    let samples: [Sample]
    let decodeSamples: [DecodeSample]
    /// For each single-byte term, Python's decoding of the bytes 0xA0–0xFF (U+FFFD: undefined).
    let tables: [String: String]

    static let shared: CharsetFixture = {
        // Tests/DICOMTests/Text/CharsetFixture.swift → package root.
        let root = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let url = root.appendingPathComponent("Tests/Fixtures/charsets.json")
        do {
            return try JSONDecoder().decode(CharsetFixture.self, from: Data(contentsOf: url))
        } catch {
            fatalError("cannot read \(url.path): \(error)")
        }
    }()
}

extension Array where Element == UInt8 {
    init(hex: String) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hex.utf8.count / 2)
        var high: UInt8?
        for c in hex.utf8 {
            let v: UInt8 = c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x61 + 10
            if let h = high { bytes.append(h << 4 | v); high = nil } else { high = v }
        }
        self = bytes
    }

    var hex: String { map { String(format: "%02x", $0) }.joined() }
}

/// What pydicom 3.0.2 makes of a decoded value, so that a whole decoded value can be compared
/// with its output: text VRs (SH, LO, UC) are split at '\' and each value loses trailing
/// spaces and NULs; LT/ST/UT lose trailing spaces and NULs; PN loses trailing spaces and NULs
/// as a whole, is split at '\', and each name loses its empty trailing '=' groups
/// (pydicom's PersonName drops them: "Wang^XiaoDong=王^小東=" reads as "Wang^XiaoDong=王^小東").
func pydicomView(_ decoded: String, vr: VR) -> [String] {
    func rstrip<S: StringProtocol>(_ s: S) -> String {
        var sub = Substring(s)
        while let c = sub.last, c == " " || c == "\0" { sub = sub.dropLast() }
        return String(sub)
    }
    switch vr {
    case .PN:
        return rstrip(decoded).split(separator: "\\", omittingEmptySubsequences: false).map { name in
            var groups = name.split(separator: "=", omittingEmptySubsequences: false)
            while let last = groups.last, last.isEmpty { groups.removeLast() }
            return groups.joined(separator: "=")
        }
    case _ where vr.allowsMultipleStringValues:
        return decoded.split(separator: "\\", omittingEmptySubsequences: false).map { rstrip($0) }
    default:
        return [rstrip(decoded)]
    }
}
