/// Builds the start of a Part 10 file (PS3.10 §7.1): preamble, "DICM" and the file meta
/// information, for a data set whose encoded bytes follow unchanged.
public enum Part10Header {
    public static func bytes(sopClassUID: String, sopInstanceUID: String, transferSyntax: TransferSyntax,
                             sourceAETitle: String? = nil) throws -> [UInt8] {
        var meta = DataSet()
        func ui(_ t: Tag, _ s: String) {
            var b = Array(s.utf8)
            if b.count % 2 == 1 { b.append(0) }
            meta[t] = DataElement(tag: t, vr: .UI, bytes: b)
        }
        meta[Tag(0x0002, 0x0001)] = DataElement(tag: Tag(0x0002, 0x0001), vr: .OB, bytes: [0, 1])
        ui(Tag(0x0002, 0x0002), sopClassUID)
        ui(Tag(0x0002, 0x0003), sopInstanceUID)
        if let ae = sourceAETitle, !ae.isEmpty {
            var b = Array(ae.utf8.prefix(16))
            if b.count % 2 == 1 { b.append(0x20) }
            meta[Tag(0x0002, 0x0016)] = DataElement(tag: Tag(0x0002, 0x0016), vr: .AE, bytes: b)
        }
        // Only the header: the received data set follows as it is (for a deflated syntax an
        // encoded empty data set would add a deflate stream of its own in front of it).
        return try DICOMFile(dataSet: DataSet(), transferSyntax: transferSyntax, meta: meta).encodedHeader(as: transferSyntax)
    }

    /// Where the data set starts in a Part 10 file, and its transfer syntax, reading only the
    /// meta information.
    public static func locateDataSet(path: String) throws -> (storage: ByteView, offset: Int, transferSyntax: TransferSyntax) {
        let view = try ByteStorage.mapFile(path: path).view
        let f = try DICOMFile(view, options: ReadOptions(stopBefore: Tag(0x0000, 0x0001)))
        return (view, f.dataSetOffset - view.start, f.transferSyntax)
    }
}
