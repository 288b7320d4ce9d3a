import Testing
@testable import DICOM

/// Every real file in pydicom's test data: it reads, or — for the files that are broken on
/// purpose — it is refused with an error naming the offset and the problem.
@Suite struct CorpusTests {
    /// The files refused, each with why. Every other file must read.
    static let refused: [String: String] = [
        "test_files/MR_truncated.dcm": "the file ends inside Pixel Data (length 8192, 8130 bytes left)",
        "test_files/rtplan_truncated.dcm": "the file ends inside a sequence item",
        "test_files/no_meta.dcm": "starts one byte into an element: (0820,0500) claims 173 MB in a 38 KB file (DCMTK refuses it too)",
        "test_files/dicomdirtests/DICOMDIR-nooffset": "the last directory record item claims 248 bytes, 224 remain",
    ]

    @Test func corpusIsPresent() {
        #expect(TestData.corpus.count >= 100, "pydicom's test data was not found; run `make test` (it installs pydicom)")
    }

    @Test(arguments: TestData.corpus)
    func readsOrIsRefusedWithAReason(_ rel: String) throws {
        let path = TestData.path(rel)
        if let reason = Self.refused[rel] {
            do {
                _ = try DICOMFile.read(path: path)
                Issue.record("\(rel) was expected to be refused (\(reason)) but it read")
            } catch let error as DICOMError {
                switch error {
                case .malformed, .truncated: break
                default: Issue.record("\(rel): refused without an offset: \(error)")
                }
                #expect(error.description.contains("offset"))
            }
            return
        }
        let file = try DICOMFile.read(path: path)
        #expect(!file.dataSet.isEmpty, "\(rel) read as an empty data set")
    }

    @Test(arguments: TestData.corpus.filter { CorpusTests.refused[$0] == nil })
    func roundTripsInItsOwnSyntax(_ rel: String) throws {
        let original = try DICOMFile.read(path: TestData.path(rel))
        let bytes = try original.encoded()
        let again = try DICOMFile(bytes: bytes)
        #expect(again.transferSyntax.uid == original.transferSyntax.uid)
        try expectSameElements(original.dataSet, again.dataSet, context: rel, compareVR: true)
    }

    /// Uncompressed data sets converted to every uncompressed syntax and back keep every value.
    @Test(arguments: TestData.corpus.filter { CorpusTests.refused[$0] == nil })
    func convertsBetweenUncompressedSyntaxes(_ rel: String) throws {
        let original = try DICOMFile.read(path: TestData.path(rel))
        guard !original.transferSyntax.isEncapsulated else { return }
        for ts in [TransferSyntax.implicitVRLittleEndian, .explicitVRLittleEndian, .explicitVRBigEndian, .deflatedExplicitVRLittleEndian] {
            let bytes = try original.encoded(as: ts)
            let converted = try DICOMFile(bytes: bytes)
            #expect(converted.transferSyntax.uid == ts.uid)
            // Implicit VR carries no VRs: private and ambiguous ones come back from the dictionary.
            try expectSameElements(original.dataSet, converted.dataSet, context: "\(rel) as \(ts.name)", compareVR: ts.isExplicitVR)
        }
    }
}

/// Compares two data sets element by element (tags, VRs, value bytes, items).
func expectSameElements(_ a: DataSet, _ b: DataSet, context: String, compareVR: Bool) throws {
    let ta = a.elements.map(\.tag), tb = b.elements.map(\.tag)
    guard ta == tb else {
        let missing = Set(ta).subtracting(tb).sorted().prefix(5)
        let extra = Set(tb).subtracting(ta).sorted().prefix(5)
        Issue.record("\(context): tags differ; missing \(Array(missing)), extra \(Array(extra))")
        return
    }
    for (x, y) in zip(a.elements, b.elements) {
        switch (x.value, y.value) {
        case let (.sequence(i1), .sequence(i2)):
            guard i1.count == i2.count else { Issue.record("\(context): \(x.tag) has \(i1.count) items, then \(i2.count)"); continue }
            for (d1, d2) in zip(i1, i2) { try expectSameElements(d1, d2, context: "\(context) > \(x.tag)", compareVR: compareVR) }
        case let (.bytes(v1), .sequence(_)) where !compareVR && x.vr == .UN:
            _ = v1  // an unknown private sequence seen as bytes in one syntax, as items in the other
        default:
            if x.value != y.value { Issue.record("\(context): \(x.tag) \(x.vr.rawValue) value differs") }
        }
        if compareVR, x.vr != y.vr, !(x.vr == .UN || y.vr == .UN) {
            Issue.record("\(context): \(x.tag) VR \(x.vr.rawValue) became \(y.vr.rawValue)")
        }
    }
}
