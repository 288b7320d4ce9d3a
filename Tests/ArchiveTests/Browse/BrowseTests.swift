import Testing
import DICOM
@testable import Archive

/// A small archive of known studies for the browse tests.
struct BrowseFixture {
    let dir = TempDir()
    let archive: Archive

    struct StudySpec {
        let uid, patientID, name, date, accession, description: String
        /// Modality and instance count of each series.
        let series: [(String, Int)]
    }

    static let studies: [StudySpec] = [
        StudySpec(uid: "1.1", patientID: "P1", name: "Smith^John", date: "20240115", accession: "A100", description: "CT CHEST", series: [("CT", 3), ("SR", 1)]),
        StudySpec(uid: "1.2", patientID: "P2", name: "SMITH^Jane", date: "20240301", accession: "A200", description: "MR Schädel brain follow-up", series: [("MR", 2)]),
        StudySpec(uid: "1.3", patientID: "P3", name: "smithson^anna", date: "20231231", accession: "B300", description: "100% [R] knee_left", series: [("CR", 1)]),
        StudySpec(uid: "1.4", patientID: "X'; DROP TABLE studies; --", name: "Müller^Jürgen", date: "", accession: "", description: "x' OR '1'='1", series: [("US", 1), ("US", 1)]),
        StudySpec(uid: "1.5", patientID: "P1", name: "Smith^John", date: "20240115", accession: "A101", description: "ct abdomen", series: [("CT", 2)]),
    ]

    init() throws {
        archive = try Archive(dataDirectory: dir.path)
        for s in Self.studies {
            for (n, (modality, count)) in s.series.enumerated() {
                let seriesUID = "\(s.uid).\(n + 1)"
                for i in 0..<count {
                    // Instance numbers in reverse arrival order, to see the list sorted by number.
                    let ds = Synthetic.dataSet(patientID: s.patientID, patientName: s.name, study: s.uid, series: seriesUID,
                                               instance: "\(seriesUID).\(i + 1)", modality: modality, studyDate: s.date,
                                               extra: [(Tag(0x0008, 0x0050), .SH, s.accession), (Tag(0x0008, 0x1030), .LO, s.description),
                                                       (Tag(0x0020, 0x0011), .IS, String(s.series.count - n)),
                                                       (Tag(0x0020, 0x0013), .IS, String(count - i)),
                                                       (Tag(0x0010, 0x0040), .CS, "F")])
                    _ = try archive.store(dataSet: try Synthetic.encoded(ds), transferSyntax: .explicitVRLittleEndian, callingAE: "CT1")
                }
            }
        }
    }

    func uids(_ configure: (inout StudySearch) -> Void) throws -> [String] {
        var s = StudySearch()
        s.sort = .receivedAt
        s.descending = false
        configure(&s)
        return try archive.searchStudies(s).studies.map(\.studyInstanceUID)
    }
}

@Suite struct BrowseTests {
    @Test func patientNameIsACaseInsensitivePrefixOrAWildcardPattern() throws {
        let f = try BrowseFixture()
        #expect(try f.uids { $0.patientName = "smith" } == ["1.1", "1.2", "1.3", "1.5"])
        #expect(try f.uids { $0.patientName = "SMITH^J" } == ["1.1", "1.2", "1.5"])
        #expect(try f.uids { $0.patientName = "*son*" } == ["1.3"])
        #expect(try f.uids { $0.patientName = "smith^jan?" } == ["1.2"])
        #expect(try f.uids { $0.patientName = "müller" } == ["1.4"])
        #expect(try f.uids { $0.patientName = "john" } == [], "a prefix of the whole value, family name first")
    }

    @Test func identifiersMatchExactlyOrByPattern() throws {
        let f = try BrowseFixture()
        #expect(try f.uids { $0.patientID = "P1" } == ["1.1", "1.5"])
        #expect(try f.uids { $0.patientID = "p1" } == [])
        #expect(try f.uids { $0.patientID = "P" } == [])
        #expect(try f.uids { $0.patientID = "P?" } == ["1.1", "1.2", "1.3", "1.5"])
        #expect(try f.uids { $0.accessionNumber = "A1*" } == ["1.1", "1.5"])
        #expect(try f.uids { $0.accessionNumber = "B300" } == ["1.3"])
    }

    @Test func descriptionContainsTheTextIgnoringCase() throws {
        let f = try BrowseFixture()
        #expect(try f.uids { $0.studyDescription = "ct" } == ["1.1", "1.5"])
        #expect(try f.uids { $0.studyDescription = "BRAIN" } == ["1.2"])
        #expect(try f.uids { $0.studyDescription = "SCHÄDEL" } == ["1.2"], "case beyond ASCII too")
        #expect(try f.uids { $0.studyDescription = "*schädel*" } == ["1.2"])
        #expect(try f.uids { $0.studyDescription = "100%" } == ["1.3"], "% is a literal")
        #expect(try f.uids { $0.studyDescription = "e_l" } == ["1.3"], "_ is a literal")
        #expect(try f.uids { $0.studyDescription = "n_e" } == [], "not \"nee\"")
        #expect(try f.uids { $0.studyDescription = "ct*" } == ["1.1", "1.5"], "a pattern covers the whole value")
        #expect(try f.uids { $0.studyDescription = "*chest" } == ["1.1"])
    }

    @Test func anIndexFromBeforeTheUpperCasedDescriptionIsFilledWhenOpened() throws {
        let f = try BrowseFixture()
        // The index as schema version 3 left it: no upper-cased description.
        try f.archive.index.write { db in
            try db.execute("""
                ALTER TABLE studies DROP COLUMN description_norm;
                DELETE FROM schema_version WHERE version >= 4;
                """)
        }
        // Opening the index again (as the next start does) migrates and fills it.
        let reopened = try ArchiveIndex(path: f.archive.index.path)
        let filled = try reopened.read { db in
            var rows: [String: String] = [:]
            try db.prepare("SELECT study_uid, description_norm FROM studies").query([]) { rows[$0.string(0)] = $0.string(1) }
            return rows
        }
        #expect(filled == ["1.1": "CT CHEST", "1.2": "MR SCHÄDEL BRAIN FOLLOW-UP", "1.3": "100% [R] KNEE_LEFT",
                           "1.4": "X' OR '1'='1", "1.5": "CT ABDOMEN"])
        var s = StudySearch()
        s.studyDescription = "schädel"
        #expect(try f.archive.searchStudies(s).studies.map(\.studyInstanceUID) == ["1.2"])
    }

    @Test func datesAreAnInclusiveRangeThatLeavesUndatedStudiesOut() throws {
        let f = try BrowseFixture()
        #expect(try f.uids { $0.dateFrom = DICOMDate("20240115") } == ["1.1", "1.2", "1.5"])
        #expect(try f.uids { $0.dateTo = DICOMDate("20240115") } == ["1.1", "1.3", "1.5"])
        #expect(try f.uids { $0.dateFrom = DICOMDate("20240101"); $0.dateTo = DICOMDate("20240131") } == ["1.1", "1.5"])
        #expect(try f.uids { $0.dateFrom = DICOMDate("20250101") } == [])
    }

    @Test func modalityMatchesAnySeriesOfTheStudy() throws {
        let f = try BrowseFixture()
        #expect(try f.uids { $0.modalities = ["SR"] } == ["1.1"])
        #expect(try f.uids { $0.modalities = ["CT"] } == ["1.1", "1.5"])
        #expect(try f.uids { $0.modalities = ["MR", "CR"] } == ["1.2", "1.3"])
        #expect(try f.uids { $0.modalities = ["CT"]; $0.patientName = "smith"; $0.accessionNumber = "A101" } == ["1.5"])
    }

    @Test func hostileValuesAreDataNeverSQL() throws {
        let f = try BrowseFixture()
        #expect(try f.uids { $0.patientID = "X'; DROP TABLE studies; --" } == ["1.4"])
        #expect(try f.uids { $0.studyDescription = "' OR '1'='1" } == ["1.4"])
        #expect(try f.uids { $0.patientName = "' OR 1=1 --" } == [])
        #expect(try f.uids { $0.patientName = "[" } == [])
        #expect(try f.uids { $0.accessionNumber = "A100\0junk" } == [], "a NUL is part of the value, not its end")
        #expect(try f.uids { $0.modalities = ["CT') OR 1=1 --"] } == [])
        #expect(try f.archive.study(uid: "1.1\0x") == nil)
        #expect(try f.archive.statistics().studies == 5)
    }

    @Test func pagesCountEverythingAndFollowTheSortOrder() throws {
        let f = try BrowseFixture()
        var s = StudySearch()
        s.limit = 2
        s.offset = 1
        s.sort = .studyDate
        s.descending = true
        let page = try f.archive.searchStudies(s)
        #expect(page.total == 5 && page.offset == 1 && page.limit == 2)
        // By date, newest first; the two studies of 20240115 newest-arrived first; undated last.
        #expect(page.studies.map(\.studyInstanceUID) == ["1.5", "1.1"])
        s.limit = 10
        s.offset = 0
        #expect(try f.archive.searchStudies(s).studies.map(\.studyInstanceUID) == ["1.2", "1.5", "1.1", "1.3", "1.4"])
        s.descending = false
        #expect(try f.archive.searchStudies(s).studies.map(\.studyInstanceUID) == ["1.4", "1.3", "1.1", "1.5", "1.2"])
        s.sort = .patientName
        #expect(try f.archive.searchStudies(s).studies.map(\.studyInstanceUID) == ["1.4", "1.2", "1.1", "1.5", "1.3"])
        s.sort = .patientID
        #expect(try f.archive.searchStudies(s).studies.map(\.studyInstanceUID) == ["1.1", "1.5", "1.2", "1.3", "1.4"])
        s.sort = .accessionNumber
        s.descending = true
        #expect(try f.archive.searchStudies(s).studies.map(\.studyInstanceUID) == ["1.3", "1.2", "1.5", "1.1", "1.4"])
        s.offset = 7
        let beyond = try f.archive.searchStudies(s)
        #expect(beyond.total == 5 && beyond.studies.isEmpty)
        s.limit = 5000
        s.offset = -3
        let clamped = try f.archive.searchStudies(s)
        #expect(clamped.limit == StudySearch.maxLimit && clamped.offset == 0)
    }

    @Test func studiesSeriesAndInstancesCarryTheirContents() throws {
        let f = try BrowseFixture()
        let study = try #require(try f.archive.study(uid: "1.1"))
        #expect(study.patientName == "Smith^John" && study.patientID == "P1" && study.patientSex == "F")
        #expect(study.studyDate == "20240115" && study.accessionNumber == "A100" && study.studyDescription == "CT CHEST")
        #expect(study.modalities == ["CT", "SR"] && study.seriesCount == 2 && study.instanceCount == 4)
        let series = try #require(try f.archive.seriesList(studyUID: "1.1"))
        #expect(series.map(\.seriesInstanceUID) == ["1.1.2", "1.1.1"], "by Series Number")
        #expect(series.map(\.instanceCount) == [1, 3])
        let instances = try #require(try f.archive.instanceList(seriesUID: "1.1.1"))
        #expect(instances.map(\.instanceNumber) == ["1", "2", "3"])
        #expect(instances.map(\.sopInstanceUID) == ["1.1.1.3", "1.1.1.2", "1.1.1.1"])
        var bytes = 0
        for i in instances {
            let size = try #require(f.archive.files.size(String(i.path.dropFirst(f.archive.files.absolutePath("").count))))
            #expect(i.size == size && i.studyInstanceUID == "1.1" && i.seriesInstanceUID == "1.1.1")
            #expect(i.transferSyntaxUID == TransferSyntax.explicitVRLittleEndian.uid && i.sourceAETitle == "CT1")
            bytes += size
        }
        #expect(series[1].bytes == bytes)
        #expect(study.bytes == series.reduce(0) { $0 + $1.bytes })
        let one = try #require(try f.archive.instance(uid: "1.1.1.2"))
        #expect(one == instances[1])
        #expect(try f.archive.series(uid: "1.1.1") == series[1])
        #expect(try f.archive.study(uid: "9.9") == nil && f.archive.series(uid: "9.9") == nil && f.archive.instance(uid: "9.9") == nil)
        #expect(try f.archive.seriesList(studyUID: "9.9") == nil && f.archive.instanceList(seriesUID: "9.9") == nil)
        let page = try f.archive.searchStudies(StudySearch())
        #expect(page.studies.first { $0.studyInstanceUID == "1.1" } == study)
    }

    @Test func aViewIntoAMappedFileStoresLikeAnArray() throws {
        let dir = TempDir()
        let archive = try Archive(dataDirectory: dir.path)
        let bytes = try Synthetic.encoded(Synthetic.dataSet(instance: "7.7"), .explicitVRLittleEndian)
        let spooled = dir.path + "/spooled"
        try FileIO.writeAtomically(bytes, to: spooled)
        let view = try ByteStorage.mapFile(path: spooled).view
        #expect(try archive.store(dataSet: view, transferSyntax: .explicitVRLittleEndian) == .stored)
        #expect(try archive.store(dataSet: view, transferSyntax: .explicitVRLittleEndian) == .duplicateKept)
        let path = try #require(try archive.filePath(sopInstanceUID: "7.7"))
        #expect(Array(try ByteStorage.mapFile(path: path).view.array.suffix(bytes.count)) == bytes)
    }
}
