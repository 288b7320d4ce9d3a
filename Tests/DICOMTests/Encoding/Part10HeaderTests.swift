import Testing
@testable import DICOM

@Suite struct Part10HeaderTests {
    /// The header ends with the meta group whatever the transfer syntax: a received deflated
    /// stream appended to it must be the file's whole data set (no empty deflate stream before it).
    @Test(arguments: [TransferSyntax.explicitVRLittleEndian, .implicitVRLittleEndian, .explicitVRBigEndian, .deflatedExplicitVRLittleEndian])
    func headerIsOnlyTheMetaGroup(_ ts: TransferSyntax) throws {
        let head = try Part10Header.bytes(sopClassUID: "1.2.840.10008.5.1.4.1.1.7", sopInstanceUID: "1.2.3.4", transferSyntax: ts, sourceAETitle: "SCU")
        let groupLength = Int(head[140]) | Int(head[141]) << 8 | Int(head[142]) << 16 | Int(head[143]) << 24
        #expect(head.count == 144 + groupLength)

        var body = DataSet()
        try body.set(Tag(0x0010, 0x0010), vr: .PN, string: "Deflated^Dora")
        try body.set(Tag(0x0008, 0x0018), vr: .UI, string: "1.2.3.4")
        var w = DataSetWriter(transferSyntax: ts)
        try w.write(body)
        let encoded = ts.isDeflated ? try Deflate.deflate(w.bytes) : w.bytes
        let file = try DICOMFile(ByteView(head + encoded))
        #expect(file.transferSyntax.uid == ts.uid)
        #expect(file.dataSet.string(Tag(0x0010, 0x0010)) == "Deflated^Dora")
    }
}
