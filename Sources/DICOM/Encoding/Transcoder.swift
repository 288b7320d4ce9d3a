/// Re-encodes a data set between transfer syntaxes whose pixel data need no codec: the
/// uncompressed ones and deflate (PS3.5 §A.1–A.5).
public enum Transcoder {
    public static func transcode(_ bytes: [UInt8], from source: TransferSyntax, to target: TransferSyntax) throws -> [UInt8] {
        if source.uid == target.uid { return bytes }
        guard (source.isUncompressed || source.isDeflated), (target.isUncompressed || target.isDeflated) else {
            throw DICOMError.unsupported("converting \(source.name) to \(target.name) needs a pixel data codec")
        }
        var view = ByteView(bytes)
        if source.isDeflated { view = ByteView(try Deflate.inflate(view)) }
        let ds = try DataSetReader(view, transferSyntax: source).readDataSet(view)
        var w = DataSetWriter(transferSyntax: target, reservingCapacity: view.count + 1024)
        try w.write(ds)
        return target.isDeflated ? try Deflate.deflate(w.bytes) : w.bytes
    }
}
