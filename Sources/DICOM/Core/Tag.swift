/// A data element tag: group and element number (PS3.5 §7.1).
public struct Tag: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// `gggg eeee` as one 32-bit number, so that tags order as the standard orders them.
    public let rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public init(_ group: UInt16, _ element: UInt16) {
        rawValue = UInt32(group) << 16 | UInt32(element)
    }

    public var group: UInt16 { UInt16(truncatingIfNeeded: rawValue >> 16) }
    public var element: UInt16 { UInt16(truncatingIfNeeded: rawValue) }

    /// Odd groups other than 0001, 0003, 0005, 0007 and FFFF hold private data elements (PS3.5 §7.8).
    public var isPrivate: Bool { group & 1 == 1 && group > 0x0007 && group != 0xFFFF }
    /// (gggg,0010-00FF) in a private group reserves a block of elements for one creator.
    public var isPrivateCreator: Bool { isPrivate && element >= 0x0010 && element <= 0x00FF }
    /// For a private element (gggg,xxee), the tag of the creator that reserved block xx.
    public var privateCreatorTag: Tag? {
        guard isPrivate, element >= 0x1000 else { return nil }
        return Tag(group, element >> 8)
    }
    /// Group length elements (gggg,0000) are retired outside the command and meta groups.
    public var isGroupLength: Bool { element == 0 }
    /// Item, Item Delimitation and Sequence Delimitation (PS3.5 §7.5).
    public var isDelimiter: Bool { group == 0xFFFE }

    public static func < (lhs: Tag, rhs: Tag) -> Bool { lhs.rawValue < rhs.rawValue }

    /// `(gggg,eeee)` in lower-case hex, as dcmdump prints it.
    public var description: String { "(\(Tag.hex4(group)),\(Tag.hex4(element)))" }
    /// `GGGGEEEE` in upper-case hex, as the DICOM JSON model keys its attributes (PS3.18 F.2.1.1).
    public var jsonKey: String { (Tag.hex4(group) + Tag.hex4(element)).uppercased() }

    /// Parses `gggg,eeee`, `(gggg,eeee)` or `ggggeeee`.
    public init?(hex text: some StringProtocol) {
        let digits = String(text.filter { $0 != "(" && $0 != ")" && $0 != "," })
        guard digits.count == 8, let value = UInt32(digits, radix: 16) else { return nil }
        rawValue = value
    }

    static func hex4(_ value: UInt16) -> String {
        let s = String(value, radix: 16)
        return String(repeating: "0", count: 4 - s.count) + s
    }
}

extension Tag {
    /// PS3.5 §7.5: the three data elements that frame items and sequences.
    public static var item: Tag { Tag(0xFFFE, 0xE000) }
    public static var itemDelimitationItem: Tag { Tag(0xFFFE, 0xE00D) }
    public static var sequenceDelimitationItem: Tag { Tag(0xFFFE, 0xE0DD) }
}
