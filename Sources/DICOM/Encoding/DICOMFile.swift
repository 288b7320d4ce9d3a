/// A DICOM file (PS3.10 §7): optional 128-byte preamble and "DICM", the file meta information
/// (group 0002, always explicit VR little endian), and the data set in its transfer syntax.
/// Files without preamble or meta information (bare data sets) are recognised too.
public struct DICOMFile: Sendable {
    /// The 128-byte preamble, or nil when the file had none.
    public var preamble: [UInt8]?
    /// File meta information elements (group 0002).
    public var meta: DataSet
    /// The data set proper.
    public var dataSet: DataSet
    /// The syntax the data set was read in (and is written in unless told otherwise).
    public var transferSyntax: TransferSyntax
    /// Where the data set started in the input (after the meta information), for diagnostics.
    public var dataSetOffset: Int = 0
    /// True when the reader had to guess the syntax (no meta information, or no (0002,0010)).
    public var transferSyntaxWasGuessed = false

    public init(dataSet: DataSet, transferSyntax: TransferSyntax, meta: DataSet = DataSet()) {
        self.dataSet = dataSet
        self.transferSyntax = transferSyntax
        self.meta = meta
        preamble = nil
    }

    // MARK: reading

    /// Maps and reads a file. Values are views into the mapping; pixel data stays on disk
    /// unless touched (or is skipped entirely with `options.stopBefore`).
    public static func read(path: String, options: ReadOptions = ReadOptions()) throws -> DICOMFile {
        try DICOMFile(ByteStorage.mapFile(path: path).view, options: options)
    }

    public init(bytes: [UInt8], options: ReadOptions = ReadOptions()) throws {
        try self.init(ByteView(bytes), options: options)
    }

    public init(_ input: ByteView, options: ReadOptions = ReadOptions()) throws {
        let start = input.start, end = input.start + input.count
        func ascii(_ at: Int, _ n: Int) -> String? {
            guard at + n <= input.count else { return nil }
            return String(decoding: (0..<n).map { input[at + $0] }, as: UTF8.self)
        }
        var pos = start
        if ascii(128, 4) == "DICM" {
            preamble = (0..<128).map { input[$0] }
            pos = start + 132
        } else if ascii(0, 4) == "DICM" {
            preamble = nil
            pos = start + 4
        } else {
            preamble = nil
        }

        // File meta information: explicit VR little endian, elements of group 0002 only.
        let metaReader = DataSetReader(input, explicitVR: true, bigEndian: false, options: ReadOptions(maxDepth: 4))
        var meta = DataSet()
        while end - pos >= 8 {
            let group = UInt16(input[pos - start]) | UInt16(input[pos - start + 1]) << 8
            guard group == 0x0002 else { break }
            let tag = Tag(group, UInt16(input[pos - start + 2]) | UInt16(input[pos - start + 3]) << 8)
            let e = try metaReader.readElement(&pos, tag: tag, end: end, depth: 0, in: meta)
            meta.append(e)
        }
        if pos == start + 132 || pos == start + 4, meta.isEmpty {
            // "DICM" without any meta element: tolerated, the data set follows.
        }
        self.meta = meta
        dataSetOffset = pos

        var ts: TransferSyntax
        if let e = meta[Tag(0x0002, 0x0010)] {
            let uid = String(decoding: e.bytes.array, as: UTF8.self).trimmingDICOMPadding()
            ts = TransferSyntax.forUID(uid)
            transferSyntaxWasGuessed = false
        } else {
            ts = DICOMFile.guessSyntax(input, at: pos - start)
            transferSyntaxWasGuessed = true
        }
        transferSyntax = ts

        if ts.isDeflated {
            let compressed = input.slice(pos - start, end - pos)
            let inflated = ByteView(try Deflate.inflate(compressed, ratio: options.maxInflateRatio))
            dataSet = try DataSetReader(inflated, explicitVR: true, bigEndian: false, options: options).readDataSet(inflated)
        } else {
            // A meta header that names one syntax over a data set written in another is common
            // enough in the wild (and in test sets) to check the first element.
            if !transferSyntaxWasGuessed, pos < end {
                let actual = DICOMFile.guessSyntax(input, at: pos - start)
                if actual.isExplicitVR != ts.isExplicitVR || actual.isBigEndian != ts.isBigEndian,
                   DICOMFile.looksLikeElement(input, at: pos - start, syntax: actual),
                   !DICOMFile.looksLikeElement(input, at: pos - start, syntax: ts) {
                    ts = TransferSyntax(uid: ts.uid, name: ts.name, explicitVR: actual.isExplicitVR, bigEndian: actual.isBigEndian,
                                        deflated: false, encapsulated: ts.isEncapsulated)
                }
            }
            let reader = DataSetReader(input, explicitVR: ts.isExplicitVR, bigEndian: ts.isBigEndian, options: options)
            dataSet = try reader.readDataSet(from: pos, to: end)
        }
    }

    /// Guesses the encoding of a data set with no (0002,0010): explicit VR if bytes 4–5 are a
    /// VR, big endian if the group reads small that way, else implicit VR little endian.
    static func guessSyntax(_ v: ByteView, at i: Int) -> TransferSyntax {
        guard i + 8 <= v.count else { return .explicitVRLittleEndian }
        let explicit = VR(byte0: v[i + 4], byte1: v[i + 5]) != nil
        let groupLE = UInt16(v[i]) | UInt16(v[i + 1]) << 8
        let groupBE = UInt16(v[i]) << 8 | UInt16(v[i + 1])
        if explicit && groupBE < groupLE && groupBE <= 0x0008 { return .explicitVRBigEndian }
        return explicit ? .explicitVRLittleEndian : .implicitVRLittleEndian
    }

    static func looksLikeElement(_ v: ByteView, at i: Int, syntax: TransferSyntax) -> Bool {
        guard i + 8 <= v.count else { return false }
        let explicit = VR(byte0: v[i + 4], byte1: v[i + 5]) != nil
        if syntax.isExplicitVR != explicit { return false }
        let group = syntax.isBigEndian ? (UInt16(v[i]) << 8 | UInt16(v[i + 1])) : (UInt16(v[i]) | UInt16(v[i + 1]) << 8)
        return group >= 0x0008 && group < 0x7FFF || group == 0x0004
    }

    // MARK: writing

    /// The Part 10 encoding: preamble, "DICM", meta information with a fresh group length,
    /// then the data set in `syntax` (default: the one it was read in).
    public func encoded(as syntax: TransferSyntax? = nil) throws -> [UInt8] {
        let ts = syntax ?? transferSyntax
        if !ts.isEncapsulated, dataSet[Tag(0x7FE0, 0x0010)].map({ if case .encapsulated = $0.value { return true } else { return false } }) == true {
            throw DICOMError.unsupported("pixel data is compressed (\(transferSyntax.name)); writing it as \(ts.name) needs a codec")
        }
        var out = try encodedHeader(as: ts)
        var data = dataSet
        data.removeGroup(0x0002)
        var writer = DataSetWriter(explicitVR: ts.isExplicitVR, bigEndian: ts.isBigEndian, reservingCapacity: 0)
        try writer.write(data)
        if ts.isDeflated {
            out.append(contentsOf: try Deflate.deflate(writer.bytes))
        } else {
            out.append(contentsOf: writer.bytes)
        }
        return out
    }

    /// The preamble, "DICM" and the file meta information with a fresh group length: what
    /// precedes the data set in a Part 10 file written in `ts`.
    public func encodedHeader(as ts: TransferSyntax) throws -> [UInt8] {
        var out = preamble ?? [UInt8](repeating: 0, count: 128)
        if out.count != 128 { out = [UInt8](repeating: 0, count: 128) }
        out.append(contentsOf: Array("DICM".utf8))
        var metaWriter = DataSetWriter(explicitVR: true, bigEndian: false)
        var body = completedMeta(syntax: ts)
        body.remove(Tag(0x0002, 0x0000))
        try metaWriter.write(body)
        var groupLength = DataSetWriter(explicitVR: true, bigEndian: false)
        try groupLength.write(DataElement(tag: Tag(0x0002, 0x0000), vr: .UL, bytes: withUnsafeBytes(of: UInt32(metaWriter.bytes.count).littleEndian, Array.init)))
        out.append(contentsOf: groupLength.bytes)
        out.append(contentsOf: metaWriter.bytes)
        return out
    }

    /// Meta information with the required elements of PS3.10 §7.1 filled in from the data set.
    public func completedMeta(syntax ts: TransferSyntax) -> DataSet {
        var m = meta
        func setUI(_ tag: Tag, _ value: String) {
            var b = Array(value.utf8)
            if b.count % 2 == 1 { b.append(0) }
            m[tag] = DataElement(tag: tag, vr: .UI, bytes: b)
        }
        if m[Tag(0x0002, 0x0001)] == nil { m[Tag(0x0002, 0x0001)] = DataElement(tag: Tag(0x0002, 0x0001), vr: .OB, bytes: [0, 1]) }
        if m[Tag(0x0002, 0x0002)] == nil, let e = dataSet[Tag(0x0008, 0x0016)] { m[Tag(0x0002, 0x0002)] = DataElement(tag: Tag(0x0002, 0x0002), vr: .UI, value: e.value) }
        if m[Tag(0x0002, 0x0003)] == nil, let e = dataSet[Tag(0x0008, 0x0018)] { m[Tag(0x0002, 0x0003)] = DataElement(tag: Tag(0x0002, 0x0003), vr: .UI, value: e.value) }
        setUI(Tag(0x0002, 0x0010), ts.uid)
        if m[Tag(0x0002, 0x0012)] == nil { setUI(Tag(0x0002, 0x0012), Implementation.classUID) }
        if m[Tag(0x0002, 0x0013)] == nil {
            m[Tag(0x0002, 0x0013)] = DataElement(tag: Tag(0x0002, 0x0013), vr: .SH, bytes: Array(Implementation.versionName.utf8))
        }
        return m
    }

    public func write(to path: String, as syntax: TransferSyntax? = nil) throws {
        try FileIO.writeAtomically(try encoded(as: syntax), to: path)
    }
}
