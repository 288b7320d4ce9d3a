import Testing
import Foundation
import DICOM
@testable import Archive

/// Errors, cancellation and retrieve lists over the shared generated archive.
@Suite struct QueryBehaviourTests {
    let fixture = QueryFixture.shared
    var world: World { fixture.world }

    func identifier(_ level: String?, _ keys: [Key] = []) throws -> DataSet {
        var ds = DataSet()
        if let level { try ds.set(Tag(0x0008, 0x0052), vr: .CS, string: level) }
        for k in keys { try ds.set(k.tag, vr: k.vr, string: k.value) }
        return ds
    }

    func status(_ body: () throws -> Void) -> UInt16? {
        do { try body() } catch let e as QueryError { return e.status } catch { return 0xFFFF }
        return nil
    }

    @Test func missingOrInvalidLevelIsRefused() throws {
        let noLevel = try identifier(nil, [key(0x0010, 0x0020, .LO, "PID0001")])
        #expect(status { try fixture.archive.find(model: .patientRoot, identifier: noLevel) { _ in true } } == 0xA900)
        #expect(status { _ = try fixture.archive.retrieveList(model: .studyRoot, identifier: noLevel) } == 0xA900)
        #expect(status { try fixture.archive.find(model: .patientRoot, identifier: try identifier("FRAME")) { _ in true } } == 0xA900)
        // The level parameter and the identifier's (0008,0052) must agree.
        #expect(status { try fixture.archive.find(model: .patientRoot, level: .series, identifier: try identifier("STUDY")) { _ in true } } == 0xA900)
        // The study root model has no patient level.
        #expect(status { try fixture.archive.find(model: .studyRoot, identifier: try identifier("PATIENT")) { _ in true } } == 0xA900)
        #expect(status { _ = try fixture.archive.retrieveList(model: .studyRoot, identifier: try identifier("PATIENT", [key(0x0010, 0x0020, .LO, "PID0001")])) } == 0xA900)
        // Lower-case level text is accepted.
        var n = 0
        try fixture.archive.find(model: .patientRoot, identifier: try identifier("patient", [key(0x0010, 0x0020, .LO, "PID0001")])) { _ in n += 1; return true }
        #expect(n == 1)
    }

    @Test func keysBelowTheLevelWithAValueAreRefusedEmptyOnesIgnored() throws {
        let a = try identifier("PATIENT", [key(0x0008, 0x0020, .DA, "20200101")])
        #expect(status { try fixture.archive.find(model: .patientRoot, identifier: a) { _ in true } } == 0xA900)
        let b = try identifier("SERIES", [key(0x0008, 0x0018, .UI, "1.2.3")])
        #expect(status { try fixture.archive.find(model: .studyRoot, identifier: b) { _ in true } } == 0xA900)
        let c = try identifier("STUDY", [key(0x0020, 0x1209, .IS, "2")])
        #expect(status { try fixture.archive.find(model: .studyRoot, identifier: c) { _ in true } } == 0xA900)
        // Without a value the key is no constraint: it is left out of the responses.
        let d = try identifier("PATIENT", [key(0x0010, 0x0020, .LO, "PID0002"), key(0x0008, 0x0060, .CS), key(0x0020, 0x000D, .UI)])
        var responses: [DataSet] = []
        try fixture.archive.find(model: .patientRoot, identifier: d) { responses.append($0); return true }
        #expect(responses.count == 1)
        #expect(responses.first?[Tag(0x0008, 0x0060)] == nil && responses.first?[Tag(0x0020, 0x000D)] == nil)
    }

    @Test func unreadableDatesAndTimesAreUnableToProcess() throws {
        let a = try identifier("STUDY", [key(0x0008, 0x0020, .DA, "2020-13-45")])
        #expect(status { try fixture.archive.find(model: .studyRoot, identifier: a) { _ in true } } == 0xC000)
        let b = try identifier("STUDY", [key(0x0008, 0x0030, .TM, "25")])
        #expect(status { try fixture.archive.find(model: .studyRoot, identifier: b) { _ in true } } == 0xC000)
        // "*" on a date is universal matching, as some SCUs send it.
        var n = 0
        try fixture.archive.find(model: .studyRoot, identifier: try identifier("STUDY", [key(0x0008, 0x0020, .DA, "*")])) { _ in n += 1; return true }
        #expect(n == world.studies.count)
    }

    @Test func emitReturningFalseStops() throws {
        var n = 0
        try fixture.archive.find(model: .studyRoot, identifier: try identifier("STUDY", [key(0x0008, 0x0061, .CS)])) { _ in
            n += 1
            return n < 3
        }
        #expect(n == 3)
        #expect(world.studies.count > 3)
    }

    func sopUIDs(_ refs: [Ref]) -> Set<String> { Set(refs.map { $0.instance.uid }) }

    func checkFiles(_ list: [StoredInstance]) {
        for item in list {
            #expect(item.transferSyntaxUID == TransferSyntax.explicitVRLittleEndian.uid)
            #expect(item.path.hasPrefix(QueryFixture.directory + "/files/"))
            let size = (try? FileManager.default.attributesOfItem(atPath: item.path)[.size] as? Int) ?? -1
            #expect(size == item.size)
        }
    }

    @Test func retrieveListsEveryInstanceBelowTheMatchingEntities() throws {
        let archive = fixture.archive
        let images = world.entities(.image)
        let patient = world.patients[6]

        let byPatient = try archive.retrieveList(model: .patientRoot, identifier: try identifier("PATIENT", [key(0x0010, 0x0020, .LO, patient.id)]))
        #expect(Set(byPatient.map(\.sopInstanceUID)) == sopUIDs(images.filter { $0.p.id == patient.id }))
        #expect(byPatient.count == patient.studies.reduce(0) { $0 + $1.instanceCount })
        checkFiles(byPatient)

        let study = world.studies[21]
        let byStudy = try archive.retrieveList(model: .studyRoot, identifier: try identifier("STUDY", [key(0x0020, 0x000D, .UI, study.uid)]))
        #expect(Set(byStudy.map(\.sopInstanceUID)) == sopUIDs(images.filter { $0.study.uid == study.uid }))
        #expect(byStudy.count == study.instanceCount)
        #expect(byStudy.map(\.sopClassUID) == study.series.flatMap { $0.instances.map(\.sopClass) }, "study, series, instance order")

        let two = [world.studies[30].series[0].uid, world.studies[31].series.last!.uid]
        let bySeries = try archive.retrieveList(model: .studyRoot, identifier: try identifier("SERIES", [key(0x0020, 0x000E, .UI, two.joined(separator: "\\"))]))
        #expect(Set(bySeries.map(\.sopInstanceUID)) == sopUIDs(images.filter { two.contains($0.series.uid) }))

        let three = [images[5].instance.uid, images[500].instance.uid, images[images.count - 1].instance.uid]
        let byImage = try archive.retrieveList(model: .patientRoot, identifier: try identifier("IMAGE", [key(0x0008, 0x0018, .UI, three.joined(separator: "\\"))]))
        #expect(Set(byImage.map(\.sopInstanceUID)) == Set(three))
        checkFiles(byImage)

        // A unique key above the level constrains: a series under another study gives nothing.
        let mismatched = try identifier("SERIES", [key(0x0020, 0x000D, .UI, world.studies[0].uid), key(0x0020, 0x000E, .UI, two[0])])
        #expect(try archive.retrieveList(model: .studyRoot, identifier: mismatched).isEmpty)
        // The level's unique key is required.
        let noKey = try identifier("STUDY", [key(0x0010, 0x0020, .LO, patient.id)])
        #expect(status { _ = try archive.retrieveList(model: .patientRoot, identifier: noKey) } == 0xA900)
        // Values are bound, never SQL.
        let hostile = try identifier("STUDY", [key(0x0020, 0x000D, .UI, "1') OR ('1'='1")])
        #expect(try archive.retrieveList(model: .studyRoot, identifier: hostile).isEmpty)
    }

    @Test func longUIDListsAreMatchedBeyondTheParameterLimit() throws {
        let images = world.entities(.image)
        var uids = images.map { $0.instance.uid }
        uids += (0..<600).map { "2.25.\($0)" }  // unknown ones, past the SQL list limit
        let list = try fixture.archive.retrieveList(model: .studyRoot,
                                                    identifier: try identifier("IMAGE", [key(0x0008, 0x0018, .UI, uids.joined(separator: "\\"))]))
        #expect(list.count == images.count)
        var n = 0
        try fixture.archive.find(model: .studyRoot, identifier: try identifier("IMAGE", [key(0x0008, 0x0018, .UI, uids.joined(separator: "\\"))])) { _ in
            n += 1
            return true
        }
        #expect(n == images.count)
    }
}
