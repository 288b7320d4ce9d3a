/// The value of a data element (PS3.5 §7.1).
public enum ElementValue: Sendable, Equatable, Hashable {
    /// The value bytes. Binary VRs are kept little endian whatever the transfer syntax, so a
    /// value read from big endian compares equal to the same value read from little endian.
    case bytes(ByteView)
    /// The items of a sequence (VR SQ), each a data set (PS3.5 §7.5).
    case sequence([DataSet])
    /// Encapsulated pixel data (PS3.5 §A.4): the Basic Offset Table item and the fragments.
    case encapsulated(offsetTable: ByteView, fragments: [ByteView])
}

/// One data element: tag, VR and value.
public struct DataElement: Sendable, Equatable, Hashable {
    public var tag: Tag
    public var vr: VR
    public var value: ElementValue
    /// Whether the element was read with undefined length (FFFFFFFF). Sequences and
    /// encapsulated pixel data are written back the same way; new sequences default to undefined.
    public var undefinedLength: Bool

    public init(tag: Tag, vr: VR, value: ElementValue, undefinedLength: Bool = false) {
        self.tag = tag
        self.vr = vr
        self.value = value
        self.undefinedLength = undefinedLength
    }

    public init(tag: Tag, vr: VR, bytes: some Collection<UInt8>) {
        self.init(tag: tag, vr: vr, value: .bytes(ByteView(bytes)))
    }

    public init(tag: Tag, items: [DataSet], undefinedLength: Bool = true) {
        self.init(tag: tag, vr: .SQ, value: .sequence(items), undefinedLength: undefinedLength)
    }

    /// The value bytes, or empty for sequences and encapsulated data.
    public var bytes: ByteView {
        if case let .bytes(b) = value { return b }
        return .empty
    }

    /// The items, for a sequence; empty otherwise.
    public var items: [DataSet] {
        if case let .sequence(s) = value { return s }
        return []
    }

    /// Value length as it would be written with defined lengths (bytes of the value only).
    public var valueLength: Int {
        switch value {
        case let .bytes(b): return b.count
        case .sequence, .encapsulated: return -1
        }
    }

    public static func == (a: DataElement, b: DataElement) -> Bool {
        a.tag == b.tag && a.vr == b.vr && a.value == b.value
    }
    public func hash(into h: inout Hasher) {
        h.combine(tag)
        h.combine(vr)
        h.combine(value)
    }
}
