/// The character repertoires named by Specific Character Set (0008,0005) (PS3.3 C.12.1.1.2,
/// PS3.5 §6.1): decodes and encodes the text of the VRs that it affects.
///
/// TEMPORARY: ASCII, Latin-1 and UTF-8 only; the full implementation replaces this file.
public struct SpecificCharacterSet: Sendable, Hashable {
    /// The defined terms in order, as written in (0008,0005); empty means the default repertoire.
    public let terms: [String]

    public init(terms: [String]) {
        self.terms = terms.map { $0.trimmingDICOMPadding() }
    }

    /// From the raw value of (0008,0005), backslash-separated.
    public init(value: String) {
        self.init(terms: value.split(separator: "\\", omittingEmptySubsequences: false).map(String.init))
    }

    /// ISO_IR 6: the default repertoire (ASCII).
    public static let `default` = SpecificCharacterSet(terms: [])
    public static let utf8 = SpecificCharacterSet(terms: ["ISO_IR 192"])

    /// Decodes the bytes of a value of `vr` (padding included; the caller trims).
    public func decode(_ bytes: UnsafeRawBufferPointer, vr: VR) -> String {
        if terms.first == "ISO_IR 100" {
            return String(bytes.map { Character(Unicode.Scalar($0)) })
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    public func decode(_ bytes: some Collection<UInt8>, vr: VR) -> String {
        Array(bytes).withUnsafeBytes { decode($0, vr: vr) }
    }

    /// Encodes text for a value of `vr`; throws `DICOMError.encoding` for a character the
    /// repertoire cannot represent.
    public func encode(_ text: String, vr: VR) throws -> [UInt8] {
        Array(text.utf8)
    }
}
