import Testing
import Foundation
import DICOM
@testable import Archive

typealias Tag = DICOM.Tag

/// A temporary data directory, removed at the end of the test.
final class TempDir {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "swiftpacs-test-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Synthetic instances for archive tests.
enum Synthetic {
    static func dataSet(patientID: String = "P1", patientName: String = "Doe^John", study: String = "1.2.3.1",
                        series: String = "1.2.3.1.1", instance: String, modality: String = "CT", studyDate: String = "20240115",
                        sopClass: String = "1.2.840.10008.5.1.4.1.1.2", extra: [(Tag, VR, String)] = []) -> DataSet {
        var ds = DataSet()
        func put(_ t: Tag, _ vr: VR, _ s: String) { try? ds.set(t, vr: vr, string: s) }
        put(Tag(0x0008, 0x0005), .CS, "ISO_IR 192")
        put(Tag(0x0008, 0x0016), .UI, sopClass)
        put(Tag(0x0008, 0x0018), .UI, instance)
        put(Tag(0x0008, 0x0020), .DA, studyDate)
        put(Tag(0x0008, 0x0060), .CS, modality)
        put(Tag(0x0010, 0x0010), .PN, patientName)
        put(Tag(0x0010, 0x0020), .LO, patientID)
        put(Tag(0x0020, 0x000D), .UI, study)
        put(Tag(0x0020, 0x000E), .UI, series)
        for (t, vr, s) in extra { put(t, vr, s) }
        return ds
    }

    static func encoded(_ ds: DataSet, _ ts: TransferSyntax = .explicitVRLittleEndian) throws -> [UInt8] {
        var w = DataSetWriter(transferSyntax: ts)
        try w.write(ds)
        return w.bytes
    }
}

@Suite struct ArchiveStoreTests {
    @Test func storesExactBytesAndIndexesEveryLevel() throws {
        let dir = TempDir()
        let archive = try Archive(dataDirectory: dir.path)
        let bytes = try Synthetic.encoded(Synthetic.dataSet(instance: "1.2.3.1.1.1"), .implicitVRLittleEndian)
        #expect(try archive.store(dataSet: bytes, transferSyntax: .implicitVRLittleEndian, callingAE: "CT1") == .stored)
        let stats = try archive.statistics()
        #expect(stats.patients == 1 && stats.studies == 1 && stats.series == 1 && stats.instances == 1)
        let path = try #require(try archive.filePath(sopInstanceUID: "1.2.3.1.1.1"))
        let file = try DICOMFile.read(path: path)
        #expect(file.transferSyntax == .implicitVRLittleEndian)
        let raw = try ByteStorage.mapFile(path: path).view.array
        #expect(Array(raw.suffix(bytes.count)) == bytes)  // the data set as received, byte for byte
        #expect(file.meta.string(Tag(0x0002, 0x0016)) == "CT1")
    }

    @Test func duplicatesAreKeptOrReplacedByPolicy() throws {
        let dir = TempDir()
        let archive = try Archive(dataDirectory: dir.path)
        let a = try Synthetic.encoded(Synthetic.dataSet(patientName: "First^One", instance: "9.9"))
        let b = try Synthetic.encoded(Synthetic.dataSet(patientName: "Second^Two", study: "1.2.3.2", series: "1.2.3.2.1", instance: "9.9"))
        #expect(try archive.store(dataSet: a, transferSyntax: .explicitVRLittleEndian) == .stored)
        #expect(try archive.store(dataSet: b, transferSyntax: .explicitVRLittleEndian) == .duplicateKept)
        let first = try DICOMFile.read(path: try #require(try archive.filePath(sopInstanceUID: "9.9")))
        #expect(first.dataSet.string(Tag(0x0010, 0x0010)) == "First^One")
        #expect(try archive.store(dataSet: b, transferSyntax: .explicitVRLittleEndian, duplicates: .replace) == .replaced)
        let second = try DICOMFile.read(path: try #require(try archive.filePath(sopInstanceUID: "9.9")))
        #expect(second.dataSet.string(Tag(0x0010, 0x0010)) == "Second^Two")
        let stats = try archive.statistics()
        #expect(stats.instances == 1 && stats.studies == 1, "the emptied first study is gone")
        #expect(FileStore.list(dir.path + "/files").flatMap { a in FileStore.list(dir.path + "/files/" + a) }.count == 1)
    }

    @Test func mismatchedUIDsAndMissingUIDsAreRefused() throws {
        let dir = TempDir()
        let archive = try Archive(dataDirectory: dir.path)
        let bytes = try Synthetic.encoded(Synthetic.dataSet(instance: "1.2.3"))
        #expect(throws: ArchiveError.self) { try archive.store(dataSet: bytes, transferSyntax: .explicitVRLittleEndian, expectedSOPInstance: "1.2.4") }
        var noUIDs = Synthetic.dataSet(instance: "1.2.5")
        noUIDs.remove(Tag(0x0008, 0x0018))
        noUIDs.remove(Tag(0x0008, 0x0016))
        #expect(throws: ArchiveError.self) { try archive.store(dataSet: try Synthetic.encoded(noUIDs), transferSyntax: .explicitVRLittleEndian) }
        #expect(try archive.statistics().instances == 0)
        // Without study and series UIDs, placed under derived ones; the command's UIDs stand in for the data set's.
        var noStudy = noUIDs
        noStudy.remove(Tag(0x0020, 0x000D))
        noStudy.remove(Tag(0x0020, 0x000E))
        #expect(try archive.store(dataSet: try Synthetic.encoded(noStudy), transferSyntax: .explicitVRLittleEndian,
                                  expectedSOPClass: "1.2.840.10008.5.1.4.1.1.2", expectedSOPInstance: "1.2.5") == .storedWithDerivedUIDs)
        #expect(try archive.exists(sopInstanceUID: "1.2.5"))
    }

    @Test func deletionRemovesRowsAndFiles() throws {
        let dir = TempDir()
        let archive = try Archive(dataDirectory: dir.path)
        for i in 1...3 {
            _ = try archive.store(dataSet: try Synthetic.encoded(Synthetic.dataSet(series: "1.2.3.1.\(i % 2)", instance: "1.2.3.1.9.\(i)")), transferSyntax: .explicitVRLittleEndian)
        }
        let path = try #require(try archive.filePath(sopInstanceUID: "1.2.3.1.9.1"))
        #expect(try archive.delete(.series, uid: "1.2.3.1.1") == 2)
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(try archive.statistics().series == 1)
        #expect(try archive.delete(.study, uid: "1.2.3.1") == 1)
        #expect(try archive.statistics() .patients == 0)
        #expect(throws: ArchiveError.self) { try archive.delete(.instance, uid: "nope") }
    }

    @Test func startUpSweepsOrphansAfterAnUncleanStop() throws {
        let dir = TempDir()
        do {
            let archive = try Archive(dataDirectory: dir.path)
            _ = try archive.store(dataSet: try Synthetic.encoded(Synthetic.dataSet(instance: "1.1")), transferSyntax: .explicitVRLittleEndian)
            // A file written but never committed (a crash between rename and commit) and a part file.
            try archive.files.write([[1, 2, 3]], to: "aa/orphan.dcm")
            _ = FileManager.default.createFile(atPath: dir.path + "/tmp/x.part", contents: Data([1]))
            // no close(): the run "crashed"
        }
        let again = try Archive(dataDirectory: dir.path)
        #expect(again.recovery.temporary == 1 && again.recovery.orphans == 1)
        #expect(try again.exists(sopInstanceUID: "1.1"))
        #expect(FileManager.default.fileExists(atPath: try #require(try again.filePath(sopInstanceUID: "1.1"))))
        again.close()
        let clean = try Archive(dataDirectory: dir.path)
        #expect(clean.recovery.orphans == 0)
    }

    @Test func peersAndSettingsPersist() throws {
        let dir = TempDir()
        do {
            let archive = try Archive(dataDirectory: dir.path)
            try archive.addPeer(Peer(aeTitle: "CT1", host: "10.0.0.7", port: 104, description: "scanner"))
            #expect(throws: ArchiveError.self) { try archive.addPeer(Peer(aeTitle: "CT1", host: "x", port: 1)) }
            try archive.setSetting("acceptUnknownStorers", "true")
        }
        let archive = try Archive(dataDirectory: dir.path)
        #expect(try archive.peer(aeTitle: "CT1")?.port == 104)
        #expect(try archive.peer(aeTitle: "ct1") == nil)
        #expect(try archive.setting("acceptUnknownStorers") == "true")
        #expect(try archive.removePeer(aeTitle: "CT1"))
        #expect(try archive.peers().isEmpty)
    }
}
