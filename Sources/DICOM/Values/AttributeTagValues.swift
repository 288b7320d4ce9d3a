/// AT values (PS3.5 §6.2 AT): each an ordered pair of 16-bit unsigned integers, the group then
/// the element, kept little endian like every binary value of the library.
extension Tag {
    /// The tags of an AT value; a trailing partial value is ignored.
    public static func tags(fromLittleEndian bytes: some Collection<UInt8>) -> [Tag] {
        let b = Array(bytes)
        return stride(from: 0, to: b.count - 3, by: 4).map { (i: Int) -> Tag in
            let group = UInt16(b[i]) | UInt16(b[i + 1]) << 8
            let element = UInt16(b[i + 2]) | UInt16(b[i + 3]) << 8
            return Tag(group, element)
        }
    }

    /// The bytes of an AT value holding `tags`.
    public static func littleEndianBytes(_ tags: [Tag]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(tags.count * 4)
        for t in tags {
            BinaryValues.append(t.group, to: &out)
            BinaryValues.append(t.element, to: &out)
        }
        return out
    }
}
