/// Options that bound what the reader accepts and how far it reads.
public struct ReadOptions: Sendable {
    /// Stop at the first top-level element whose tag is at or after this one (e.g. Pixel Data,
    /// to read a header without touching the pixel bytes).
    public var stopBefore: Tag?
    /// Deepest nesting of sequences accepted; deeper input is refused, not recursed into.
    public var maxDepth: Int
    /// Largest inflated size accepted for a deflated data set, as a multiple of its compressed size.
    public var maxInflateRatio: Int

    public init(stopBefore: Tag? = nil, maxDepth: Int = 64, maxInflateRatio: Int = 1024) {
        self.stopBefore = stopBefore
        self.maxDepth = maxDepth
        self.maxInflateRatio = maxInflateRatio
    }
}

/// Decodes a data set (PS3.5 §7) from bytes in one transfer syntax.
///
/// Every length is checked against what is left of its container before anything is read, and
/// values are views into the input (no copies), so hostile input costs no more memory than
/// its own size. Offsets in errors count from the start of the underlying storage.
public struct DataSetReader {
    let storage: ByteStorage
    let base: UnsafeRawPointer
    let explicitVR: Bool
    let bigEndian: Bool
    let options: ReadOptions

    /// - Parameters:
    ///   - view: the bytes of the encoded data set.
    public init(_ view: ByteView, explicitVR: Bool, bigEndian: Bool, options: ReadOptions = ReadOptions()) {
        storage = view.storage
        base = storage.base ?? UnsafeRawPointer(bitPattern: 0x10)!  // never read when count is 0
        self.explicitVR = explicitVR
        self.bigEndian = bigEndian
        self.options = options
    }

    public init(_ view: ByteView, transferSyntax ts: TransferSyntax, options: ReadOptions = ReadOptions()) {
        self.init(view, explicitVR: ts.isExplicitVR, bigEndian: ts.isBigEndian, options: options)
    }

    // MARK: primitive reads (the caller has checked the bounds)

    @inline(__always) func u16(_ at: Int) -> UInt16 {
        let v = base.loadUnaligned(fromByteOffset: at, as: UInt16.self)
        return bigEndian ? UInt16(bigEndian: v) : UInt16(littleEndian: v)
    }
    @inline(__always) func u32(_ at: Int) -> UInt32 {
        let v = base.loadUnaligned(fromByteOffset: at, as: UInt32.self)
        return bigEndian ? UInt32(bigEndian: v) : UInt32(littleEndian: v)
    }
    @inline(__always) func byte(_ at: Int) -> UInt8 { base.load(fromByteOffset: at, as: UInt8.self) }

    static let undefined: UInt32 = 0xFFFF_FFFF

    // MARK: data sets

    /// Reads the elements in `start..<end` (absolute storage offsets).
    public func readDataSet(from start: Int, to end: Int) throws -> DataSet {
        var pos = start
        return try readElements(&pos, end: end, depth: 0, untilItemDelimiter: false, topLevel: true)
    }

    /// Reads the whole view given at init time.
    public func readDataSet(_ view: ByteView) throws -> DataSet {
        try readDataSet(from: view.start, to: view.start + view.count)
    }

    /// Reads elements until `end`, or (for an item of undefined length) until its delimiter.
    func readElements(_ pos: inout Int, end: Int, depth: Int, untilItemDelimiter: Bool, topLevel: Bool = false) throws -> DataSet {
        var ds = DataSet()
        while pos < end {
            let headerStart = pos
            guard end - pos >= 8 else {
                throw DICOMError.truncated(offset: pos, needed: 8, available: end - pos)
            }
            let tag = Tag(u16(pos), u16(pos + 2))
            if tag.group == 0xFFFE {
                let length = u32(pos + 4)
                pos += 8
                if tag == .itemDelimitationItem, untilItemDelimiter { return ds }
                if tag == .sequenceDelimitationItem || tag == .itemDelimitationItem {
                    // A stray delimiter (some writers leave one): skip it, as DCMTK does, if its length is 0.
                    guard length == 0 else {
                        throw DICOMError.malformed(offset: headerStart, reason: "delimiter \(tag) with non-zero length \(length)")
                    }
                    continue
                }
                throw DICOMError.malformed(offset: headerStart, reason: "item tag \(tag) outside a sequence")
            }
            if topLevel, let stop = options.stopBefore, tag >= stop {
                pos = headerStart
                return ds
            }
            let element = try readElement(&pos, tag: tag, end: end, depth: depth, in: ds)
            if let last = ds.elements.last, !(last.tag < tag) {
                // Out of order or repeated: PS3.5 §7.1 forbids it; keep the first of a repeat.
                if ds.contains(tag) { continue }
            }
            ds.append(element)
        }
        if untilItemDelimiter {
            throw DICOMError.truncated(offset: pos, needed: 8, available: 0)
        }
        return ds
    }

    /// Reads one element whose tag has been peeked at `pos`.
    func readElement(_ pos: inout Int, tag: Tag, end: Int, depth: Int, in ds: DataSet) throws -> DataElement {
        let headerStart = pos
        var vr: VR
        var length: UInt32
        if explicitVR {
            let b0 = byte(pos + 4), b1 = byte(pos + 5)
            if let v = VR(byte0: b0, byte1: b1) {
                vr = v
                if v.hasLongExplicitLength {
                    guard end - pos >= 12 else { throw DICOMError.truncated(offset: pos, needed: 12, available: end - pos) }
                    length = u32(pos + 8)
                    pos += 12
                } else {
                    length = UInt32(u16(pos + 6))
                    pos += 8
                }
            } else if (0x41...0x5A).contains(b0), (0x41...0x5A).contains(b1) {
                // A VR this dictionary does not know: PS3.5 §6.2 says treat it as UN, 32-bit length.
                guard end - pos >= 12 else { throw DICOMError.truncated(offset: pos, needed: 12, available: end - pos) }
                vr = .UN
                length = u32(pos + 8)
                pos += 12
            } else {
                // No VR where one must be: some writers mix implicit elements into explicit data sets.
                vr = implicitVR(for: tag, in: ds)
                length = u32(pos + 4)
                pos += 8
            }
        } else {
            vr = implicitVR(for: tag, in: ds)
            length = u32(pos + 4)
            pos += 8
        }

        if length == Self.undefined {
            return try readUndefinedLengthElement(&pos, tag: tag, vr: vr, end: end, depth: depth, headerStart: headerStart)
        }
        let n = Int(length)
        guard n <= end - pos else {
            throw DICOMError.malformed(offset: headerStart, reason: "element \(tag) \(vr.rawValue) has length \(n) but only \(end - pos) bytes remain")
        }
        let valueStart = pos
        pos += n
        if vr == .SQ {
            let items = try readItems(from: valueStart, to: valueStart + n, depth: depth + 1, headerStart: headerStart, tag: tag)
            return DataElement(tag: tag, vr: .SQ, value: .sequence(items), undefinedLength: false)
        }
        if vr == .UN, !explicitVR, n >= 8, u16(valueStart) == 0xFFFE, u16(valueStart + 2) == 0xE000 {
            // An unknown (often private) element in implicit VR whose value is a sequence of items.
            if let items = try? readItems(from: valueStart, to: valueStart + n, depth: depth + 1, headerStart: headerStart, tag: tag) {
                return DataElement(tag: tag, vr: .SQ, value: .sequence(items), undefinedLength: false)
            }
        }
        return DataElement(tag: tag, vr: vr, value: .bytes(value(at: valueStart, count: n, vr: vr)))
    }

    /// The value bytes as a view, or (big endian, binary VR) a little-endian copy.
    func value(at start: Int, count: Int, vr: VR) -> ByteView {
        let view = ByteView(storage: storage, start: start, count: count)
        guard bigEndian, let unit = vr.binaryUnitSize, unit > 1 else { return view }
        return ByteView(Self.swapped(view, unit: unit))
    }

    static func swapped(_ view: ByteView, unit: Int) -> [UInt8] {
        var out = view.array
        var i = 0
        while i + unit <= out.count {
            var a = i, b = i + unit - 1
            while a < b { out.swapAt(a, b); a += 1; b -= 1 }
            i += unit
        }
        return out
    }

    /// The VR of an element in implicit VR: from the dictionary, resolving the alternatives of
    /// PS3.6 from context as PS3.5 Annex A.1 and common practice do.
    func implicitVR(for tag: Tag, in ds: DataSet) -> VR {
        if tag.element == 0 { return .UL }
        if tag.isPrivateCreator { return .LO }
        guard let entry = DataDictionary.entry(for: tag) else { return .UN }
        let vrs = entry.vrs
        if vrs.count <= 1 { return vrs.first ?? .UN }
        if vrs.contains(.OW) && vrs.contains(.OB) { return .OW }
        if vrs.contains(.SS) && vrs.contains(.US) {
            if let pr = ds[Tag(0x0028, 0x0103)], pr.bytes.count >= 2, pr.bytes[0] == 1 { return .SS }
            return .US
        }
        return vrs[0]
    }

    // MARK: sequences and items

    /// Items of a sequence of defined length, occupying `start..<end`.
    func readItems(from start: Int, to end: Int, depth: Int, headerStart: Int, tag: Tag) throws -> [DataSet] {
        guard depth <= options.maxDepth else {
            throw DICOMError.malformed(offset: headerStart, reason: "sequence \(tag) nested deeper than \(options.maxDepth) levels")
        }
        var items: [DataSet] = []
        var pos = start
        while pos < end {
            guard end - pos >= 8 else { throw DICOMError.truncated(offset: pos, needed: 8, available: end - pos) }
            let itemTag = Tag(u16(pos), u16(pos + 2))
            if itemTag == .sequenceDelimitationItem { pos += 8; continue }  // tolerated inside defined length
            guard itemTag == .item else {
                throw DICOMError.malformed(offset: pos, reason: "expected an item (fffe,e000) in sequence \(tag), found \(itemTag)")
            }
            items.append(try readItem(&pos, end: end, depth: depth))
        }
        return items
    }

    /// One item whose (FFFE,E000) header starts at `pos`.
    func readItem(_ pos: inout Int, end: Int, depth: Int) throws -> DataSet {
        let itemStart = pos
        let length = u32(pos + 4)
        pos += 8
        // Items are always in the sequence's transfer syntax; an item nested in a UN sequence
        // read as implicit keeps the reader's settings.
        if length == Self.undefined {
            return try readElements(&pos, end: end, depth: depth, untilItemDelimiter: true)
        }
        let n = Int(length)
        guard n <= end - pos else {
            throw DICOMError.malformed(offset: itemStart, reason: "item has length \(n) but only \(end - pos) bytes remain")
        }
        var inner = pos
        let ds = try readElements(&inner, end: pos + n, depth: depth, untilItemDelimiter: false)
        pos += n
        return ds
    }

    /// An element of undefined length: a sequence, encapsulated pixel data (PS3.5 §A.4), or an
    /// UN element holding a sequence in implicit VR little endian (PS3.5 §6.2.2, CP-246).
    func readUndefinedLengthElement(_ pos: inout Int, tag: Tag, vr: VR, end: Int, depth: Int, headerStart: Int) throws -> DataElement {
        guard depth < options.maxDepth else {
            throw DICOMError.malformed(offset: headerStart, reason: "sequence \(tag) nested deeper than \(options.maxDepth) levels")
        }
        if tag == Tag(0x7FE0, 0x0010), depth == 0 || vr == .OB || vr == .OW {
            return try readEncapsulated(&pos, tag: tag, vr: vr, end: end)
        }
        switch vr {
        case .SQ:
            return DataElement(tag: tag, vr: .SQ, value: .sequence(try readUndefinedItems(&pos, end: end, depth: depth + 1, tag: tag, reader: self)), undefinedLength: true)
        case .UN:
            let implicitReader = DataSetReader(storage: storage, base: base, explicitVR: false, bigEndian: false, options: options)
            let items = try readUndefinedItems(&pos, end: end, depth: depth + 1, tag: tag, reader: implicitReader)
            return DataElement(tag: tag, vr: .SQ, value: .sequence(items), undefinedLength: true)
        case .OB, .OW:
            return try readEncapsulated(&pos, tag: tag, vr: vr, end: end)
        default:
            throw DICOMError.malformed(offset: headerStart, reason: "element \(tag) \(vr.rawValue) has undefined length, allowed only for SQ, UN and encapsulated data")
        }
    }

    init(storage: ByteStorage, base: UnsafeRawPointer, explicitVR: Bool, bigEndian: Bool, options: ReadOptions) {
        self.storage = storage
        self.base = base
        self.explicitVR = explicitVR
        self.bigEndian = bigEndian
        self.options = options
    }

    /// Items until the Sequence Delimitation Item.
    func readUndefinedItems(_ pos: inout Int, end: Int, depth: Int, tag: Tag, reader: DataSetReader) throws -> [DataSet] {
        var items: [DataSet] = []
        while true {
            guard end - pos >= 8 else {
                throw DICOMError.truncated(offset: pos, needed: 8, available: end - pos)
            }
            let itemTag = Tag(reader.u16(pos), reader.u16(pos + 2))
            if itemTag == .sequenceDelimitationItem {
                pos += 8
                return items
            }
            guard itemTag == .item else {
                throw DICOMError.malformed(offset: pos, reason: "expected an item or sequence delimiter in \(tag), found \(itemTag)")
            }
            items.append(try reader.readItem(&pos, end: end, depth: depth))
        }
    }

    /// Encapsulated pixel data: the Basic Offset Table item, then fragment items, then the
    /// Sequence Delimitation Item (PS3.5 §A.4). Fragments are views, never copied.
    func readEncapsulated(_ pos: inout Int, tag: Tag, vr: VR, end: Int) throws -> DataElement {
        var table: ByteView? = nil
        var fragments: [ByteView] = []
        while true {
            guard end - pos >= 8 else { throw DICOMError.truncated(offset: pos, needed: 8, available: end - pos) }
            let itemTag = Tag(u16(pos), u16(pos + 2))
            let length = u32(pos + 4)
            if itemTag == .sequenceDelimitationItem {
                pos += 8
                break
            }
            guard itemTag == .item else {
                throw DICOMError.malformed(offset: pos, reason: "expected a fragment item in encapsulated \(tag), found \(itemTag)")
            }
            guard length != Self.undefined, Int(length) <= end - pos - 8 else {
                throw DICOMError.malformed(offset: pos, reason: "fragment length \(length) exceeds the \(end - pos - 8) bytes that remain")
            }
            let view = ByteView(storage: storage, start: pos + 8, count: Int(length))
            pos += 8 + Int(length)
            if table == nil { table = view } else { fragments.append(view) }
        }
        return DataElement(tag: tag, vr: .OB,  // PS3.5 §A.4: encapsulated data is OB whatever the header said
                          
                           value: .encapsulated(offsetTable: table ?? .empty, fragments: fragments), undefinedLength: true)
    }
}
