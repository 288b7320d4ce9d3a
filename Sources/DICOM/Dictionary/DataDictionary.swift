/// One entry of the data dictionary (PS3.6 §6).
public struct DictionaryEntry: Sendable, Hashable {
    /// The tag; for a repeating group such as (60xx,3000), the tag with the x digits as zero.
    public let tag: Tag
    /// The VR, or the alternatives where PS3.6 lists several ("US or SS", "OB or OW").
    public let vrs: [VR]
    /// Value multiplicity as written in PS3.6: "1", "1-n", "2-2n", "3-3n"…
    public let vm: String
    public let keyword: String
    public let name: String
    public let isRetired: Bool

    public var vr: VR { vrs.first ?? .UN }
}

/// TEMPORARY STUB — replaced by the generated dictionary.
public enum DataDictionary {
    public static func entry(for tag: Tag) -> DictionaryEntry? { nil }
    public static func entry(forKeyword keyword: String) -> DictionaryEntry? { nil }
}
