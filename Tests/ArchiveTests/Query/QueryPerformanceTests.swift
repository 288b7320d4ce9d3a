import Testing
import Foundation
import DICOM
@testable import Archive

/// 20,000 studies indexed directly (no files: only indexed and computed keys are asked for):
/// the common searches must run on the SQLite indexes and answer fast.
@Suite struct QueryPerformanceTests {
    static let studyCount = 20_000

    /// A fresh archive whose index holds 20,000 studies of 5,000 patients, one series and one
    /// instance each (rows only).
    func bigArchive(_ dir: TempDir) throws -> Archive {
        let archive = try Archive(dataDirectory: dir.path)
        let families = ["Smith", "Müller", "Doe", "Brown", "García", "Nakamura", "Rossi", "Jensen", "Novák", "O'Neil"]
        var g = SeededGenerator(seed: 42)
        try archive.index.write { db in
            try db.transaction {
                for n in 0..<Self.studyCount {
                    let p = n / 4
                    var r = InstanceRecord()
                    r.patientID = "P\(p)"
                    r.patientName = "\(families[p % families.count])\(p)^Given"
                    r.studyUID = "2.25.1.\(n)"
                    r.studyDate = "\(2005 + Int.random(in: 0...19, using: &g))\(String(format: "%02d", Int.random(in: 1...12, using: &g)))\(String(format: "%02d", Int.random(in: 1...28, using: &g)))"
                    r.studyTime = "101500"
                    r.accession = "A\(n)"
                    r.studyDescription = "Study \(n)"
                    r.seriesUID = r.studyUID + ".1"
                    r.modality = n == 4321 ? "PT" : n % 3 == 0 ? "MR" : "CT"
                    r.sopClassUID = "1.2.840.10008.5.1.4.1.1.2"
                    r.sopInstanceUID = r.seriesUID + ".1"
                    _ = try archive.index.insert(r, file: "00/00/\(n).dcm", size: 1000, transferSyntax: TransferSyntax.explicitVRLittleEndian.uid,
                                                 callingAE: "", in: db)
                }
            }
        }
        return archive
    }

    func identifier(_ level: QueryLevel, _ keys: [Key]) throws -> DataSet {
        var ds = DataSet()
        try ds.set(Tag(0x0008, 0x0005), vr: .CS, string: "ISO_IR 192")
        try ds.set(Tag(0x0008, 0x0052), vr: .CS, string: level.rawValue)
        for k in keys { try ds.set(k.tag, vr: k.vr, string: k.value) }
        return ds
    }

    /// The query plan SQLite picks for the plan's SELECT, one line per step.
    func explain(_ archive: Archive, _ plan: QueryPlan) throws -> [String] {
        let sql = QuerySQL(plan)
        return try archive.index.read { db in
            let statement = try db.statement("EXPLAIN QUERY PLAN " + sql.text)
            try statement.bind(sql.arguments)
            defer { statement.finish() }
            var lines: [String] = []
            while try statement.step() { lines.append(statement.string(3)) }
            return lines
        }
    }

    @Test func commonStudySearchesUseIndexesAndAnswerFast() throws {
        let dir = TempDir()
        let archive = try bigArchive(dir)
        let returned = [key(0x0010, 0x0010, .PN), key(0x0010, 0x0020, .LO), key(0x0008, 0x1030, .LO), key(0x0008, 0x0020, .DA),
                        key(0x0008, 0x0061, .CS), key(0x0020, 0x1208, .IS)]
        let searches: [(String, [Key], Int?)] = [
            ("PatientName prefix wildcard + StudyDate range", [key(0x0010, 0x0010, .PN, "smith1*"), key(0x0008, 0x0020, .DA, "20150101-20151231")], nil),
            ("PatientName prefix wildcard", [key(0x0010, 0x0010, .PN, "müller2*")], nil),
            ("PatientID", [key(0x0010, 0x0020, .LO, "P1234")], 4),
            ("StudyDate range", [key(0x0008, 0x0020, .DA, "20200301-20200310")], nil),
            ("StudyDate single", [key(0x0008, 0x0020, .DA, "20100115")], nil),
            ("AccessionNumber", [key(0x0008, 0x0050, .SH, "A777")], 1),
            ("StudyInstanceUID", [key(0x0020, 0x000D, .UI, "2.25.1.19999")], 1),
            ("StudyInstanceUID list", [key(0x0020, 0x000D, .UI, "2.25.1.5\\2.25.1.6\\2.25.1.7")], 3),
            ("ModalitiesInStudy + StudyDate range", [key(0x0008, 0x0061, .CS, "MR"), key(0x0008, 0x0020, .DA, "20200301-20200331")], nil),
            ("ModalitiesInStudy of a rare modality", [key(0x0008, 0x0061, .CS, "PT")], 1),
        ]
        for (label, keys, count) in searches {
            let ds = try identifier(.study, keys + returned.filter { r in !keys.contains { $0.tag == r.tag } })
            let plan = try QueryPlan(model: .patientRoot, level: .study, identifier: ds)
            let steps = try explain(archive, plan)
            // Every table is reached through an index or its primary key, never by a full scan.
            #expect(!steps.contains { $0.hasPrefix("SCAN") }, "\(label): \(steps)")
            var n = 0
            var best = Duration.seconds(1000)
            for _ in 0..<5 {
                n = 0
                let elapsed = try ContinuousClock().measure {
                    try archive.find(model: .patientRoot, level: .study, identifier: ds) { _ in n += 1; return true }
                }
                best = min(best, elapsed)
            }
            if let count { #expect(n == count, "\(label)") }
            #expect(n > 0, "\(label)")
            #expect(best < .milliseconds(250), "\(label): \(best)")
            print("study query over \(Self.studyCount) studies, \(label): \(n) matches in \(best)")
        }
    }
}
