/// The character repertoires named by Specific Character Set (0008,0005) (PS3.3 C.12.1.1.2,
/// PS3.5 §6.1 and Annexes H, I, J, K): decodes and encodes the text of the VRs that it affects
/// (SH, LO, UC, ST, LT, UT, PN). The other VRs are read as Latin-1 and written as ASCII.
///
/// Supported Defined Terms: the default repertoire (empty, "ISO_IR 6"), ISO_IR 100, 101, 109,
/// 110, 144, 127, 126, 138, 148, 203, 13, 166, 192 (UTF-8), GB18030, GBK, and with code
/// extensions ISO 2022 IR 6, 100, 101, 109, 110, 144, 127, 126, 138, 148, 203, 13, 166,
/// 87 (JIS X 0208), 159 (JIS X 0212), 149 (KS X 1001), 58 (GB 2312). Common misspellings
/// ("ISO IR 100", "ISO_IR_100") are accepted.
///
/// Decoding never fails: bytes that do not decode become U+FFFD, bytes ≥ 0x80 with nothing
/// designated to G1 (default repertoire, unknown terms) are read as Latin-1, and unknown terms
/// are reported by `unknownTerms` and otherwise treated as the default repertoire.
public struct SpecificCharacterSet: Sendable, Hashable {
    /// The defined terms in order, as written in (0008,0005); empty means the default repertoire.
    public let terms: [String]

    /// The terms that name no character set known here; they are ignored (an unknown value 1
    /// is taken as the default repertoire).
    public let unknownTerms: [String]

    private let scheme: Scheme

    private enum Scheme: Sendable {
        case iso2022(ISO2022Codec)
        case utf8
        case iconv(IconvCodec)
    }

    public init(terms: [String]) {
        self.terms = terms.map { $0.trimmingDICOMPadding() }
        let meanings = self.terms.map(DefinedTerm.lookup)
        unknownTerms = zip(self.terms, meanings).filter { $0.1 == nil }.map(\.0)
        scheme = Self.resolve(terms: self.terms, meanings: meanings)
    }

    /// From the raw value of (0008,0005), backslash-separated.
    public init(value: String) {
        self.init(terms: value.split(separator: "\\", omittingEmptySubsequences: false).map(String.init))
    }

    /// ISO_IR 6: the default repertoire (ASCII).
    public static let `default` = SpecificCharacterSet(terms: [])
    public static let utf8 = SpecificCharacterSet(terms: ["ISO_IR 192"])

    /// True when every term names a character set known here.
    public var isKnown: Bool { unknownTerms.isEmpty }

    /// True when the terms call for ISO 2022 code extension (escape sequences), i.e. more than
    /// one term, or an "ISO 2022 …" term.
    public var usesCodeExtensions: Bool {
        terms.count > 1 || terms.contains { $0.hasPrefix("ISO 2022") }
    }

    public static func == (a: Self, b: Self) -> Bool { a.terms == b.terms }
    public func hash(into hasher: inout Hasher) { hasher.combine(terms) }

    // MARK: decoding

    /// Decodes the bytes of a value of `vr` (padding included; the caller trims). For the
    /// multi-valued VRs the whole value, backslashes included, is decoded at once.
    public func decode(_ bytes: UnsafeRawBufferPointer, vr: VR) -> String {
        guard vr.usesSpecificCharacterSet else { return Latin1.decode(bytes) }
        switch scheme {
        case let .iso2022(codec): return codec.decode(bytes, delimiters: Delimiters(vr: vr))
        case .utf8: return UTF8Text.decode(bytes)
        case let .iconv(codec): return codec.decode(bytes)
        }
    }

    public func decode(_ bytes: some Collection<UInt8>, vr: VR) -> String {
        if let s = bytes.withContiguousStorageIfAvailable({ decode(UnsafeRawBufferPointer($0), vr: vr) }) {
            return s
        }
        return Array(bytes).withUnsafeBytes { decode($0, vr: vr) }
    }

    // MARK: encoding

    /// Encodes text for a value of `vr`; throws `DICOMError.encoding` for a character the
    /// repertoire cannot represent. With code extensions, each character goes into the first
    /// term's set that has it, with the escape sequences this needs; the initial sets are
    /// active again before each delimiter and at the end (PS3.5 §6.1.2.5.3).
    public func encode(_ text: String, vr: VR) throws -> [UInt8] {
        guard vr.usesSpecificCharacterSet else {
            let bytes = Array(text.utf8)
            if let bad = text.unicodeScalars.first(where: { !$0.isASCII }) {
                throw Self.unrepresentable(bad, in: "the default repertoire (VR \(vr.rawValue))")
            }
            return bytes
        }
        switch scheme {
        case let .iso2022(codec): return try codec.encode(text, delimiters: Delimiters(vr: vr))
        case .utf8: return Array(text.utf8)
        case let .iconv(codec): return try codec.encode(text)
        }
    }

    static func unrepresentable(_ scalar: Unicode.Scalar, in name: String) -> DICOMError {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        let code = String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        return .encoding("U+\(code) '\(Character(scalar))' is not in \(name)")
    }

    // MARK: resolving the terms

    /// PS3.3 C.12.1.1.2: value 1 gives the initial G0/G1 designations (empty: ISO-IR 6);
    /// further values only add code extensions. A stand-alone term (ISO_IR 192, GB18030, GBK)
    /// as value 1 makes the others ignored; as a later value it is ignored, as pydicom does.
    private static func resolve(terms: [String], meanings: [DefinedTerm?]) -> Scheme {
        switch meanings.first ?? nil {
        case .utf8: return .utf8
        case .gb18030: return .iconv(.gb18030)
        case .gbk: return .iconv(.gbk)
        default: break
        }
        var initialG0 = GraphicSet.ascii
        var initialG1: GraphicSet?
        if case let .iso2022(g0, g1)? = meanings.first ?? nil {
            // A 94×94 G0 set (JIS X 0208/0212) as value 1 is not an initial state any reader
            // assumes: its characters always come after their escape sequence.
            if let g0, !g0.isDoubleByte { initialG0 = g0 }
            initialG1 = g1
        }
        var sets: [GraphicSet] = []
        for meaning in meanings {
            guard case let .iso2022(g0, g1)? = meaning else { continue }
            for set in [g0, g1].compactMap({ $0 }) where set != .ascii && set != .jisRoman && !sets.contains(set) {
                sets.append(set)
            }
        }
        let name = terms.isEmpty || terms == [""] ? "the default repertoire (ISO_IR 6)"
            : terms.joined(separator: "\\")
        return .iso2022(ISO2022Codec(initialG0: initialG0, initialG1: initialG1, extensionSets: sets, name: name))
    }
}
