import Testing
import Foundation
import DICOM
import DICOMNetwork
import Archive
import PACS

/// The DICOM server follows its settings at once, over real sockets.
@Suite(.serialized) struct DICOMServiceTests {
    let dir = TempDir()
    let log = RecordingLog()

    func service() throws -> DICOMService {
        // Several services share one directory here: open it as a tool, without the server lock.
        let provider = PACSServiceProvider(archive: try Archive(dataDirectory: dir.path, role: .tool), log: log)
        return DICOMService(provider: provider, host: "127.0.0.1")
    }

    @Test func startsListensAndReportsItsStatus() throws {
        let s = try service()
        #expect(s.status.listening == "not started")
        let port = try Net.freePort()
        try s.start(settings: DICOMSettings(port: port))
        defer { s.stop() }
        let status = s.status
        #expect(status.listening == "listening on 127.0.0.1:\(port)")
        #expect(status.isListening && status.port == port && s.port == port)
        #expect(status.ipAddresses.contains("127.0.0.1"))
        #expect(status.ipAddresses.first { $0.contains(".") } != nil)
        #expect(try Net.echo(port, called: "SWIFTPACS") == .success)
        s.stop()
        #expect(s.status.listening == "stopped")
        #expect(Net.outcome(port, called: "SWIFTPACS") == "refused")
    }

    @Test func aNewPortMovesTheListener() throws {
        let s = try service()
        let old = try Net.freePort()
        try s.start(settings: DICOMSettings(port: old))
        defer { s.stop() }
        let new = try Net.freePort()
        try s.apply(DICOMSettings(port: new))
        #expect(s.port == new && s.settings.port == new)
        #expect(try Net.echo(new, called: "SWIFTPACS") == .success)
        #expect(Net.outcome(old, called: "SWIFTPACS") == "refused")
        #expect(s.status.listening == "listening on 127.0.0.1:\(new)")
    }

    @Test func anAssociationInProgressFinishesAfterTheMove() throws {
        let s = try service()
        let old = try Net.freePort()
        try s.start(settings: DICOMSettings(port: old))
        defer { s.stop() }
        let a = try Net.associate(old, called: "SWIFTPACS")
        #expect(try a.echo().status == .success)
        let new = try Net.freePort()
        try s.apply(DICOMSettings(aeTitle: "MOVED", port: new))
        #expect(s.activeAssociations == 1)
        // The association on the old listener goes on with what it negotiated…
        #expect(try a.echo().status == .success)
        #expect(try a.echo().status == .success)
        try a.release()
        // …while nobody new gets in there.
        #expect(Net.outcome(old, called: "SWIFTPACS") == "refused")
        #expect(Net.outcome(new, called: "MOVED") == "ok")
        #expect(s.waitUntilIdle(timeout: 5))
    }

    @Test func aBusyPortKeepsTheOldListener() throws {
        let s = try service()
        let old = try Net.freePort()
        try s.start(settings: DICOMSettings(port: old))
        defer { s.stop() }
        let holder = try TCPListener(host: "127.0.0.1", port: 0)
        defer { holder.close() }
        do throws(SettingsError) {
            try s.apply(DICOMSettings(aeTitle: "OTHER", port: holder.port))
            Issue.record("a busy port was accepted")
        } catch {
            #expect(error.code == .portUnavailable && error.field == "port")
            #expect(error.message.contains("\(holder.port)") && error.message.contains("already in use"), "\(error.message)")
            #expect(error.message.contains("still listens on 127.0.0.1:\(old)"), "\(error.message)")
        }
        // Nothing changed: port, AE title, status.
        #expect(s.port == old && s.settings == DICOMSettings(port: old))
        #expect(try Net.echo(old, called: "SWIFTPACS") == .success)
        #expect(Net.outcome(old, called: "OTHER") == "called-ae")
        #expect(s.status.listening == "listening on 127.0.0.1:\(old)")
    }

    @Test func aBusyPortAtStartSaysWhy() throws {
        let s = try service()
        let holder = try TCPListener(host: "127.0.0.1", port: 0)
        defer { holder.close() }
        #expect(throws: SettingsError.self) { try s.start(settings: DICOMSettings(port: holder.port)) }
        #expect(s.status.listening.hasPrefix("not listening: the DICOM server cannot listen on 127.0.0.1:\(holder.port)"))
        #expect(!s.status.isListening)
        // A later change to a free port starts it.
        let free = try Net.freePort()
        try s.apply(DICOMSettings(port: free))
        defer { s.stop() }
        #expect(try Net.echo(free, called: "SWIFTPACS") == .success)
    }

    @Test func aNewAETitleAppliesToNewAssociations() throws {
        let s = try service()
        let port = try Net.freePort()
        try s.start(settings: DICOMSettings(port: port))
        defer { s.stop() }
        let before = try Net.associate(port, called: "SWIFTPACS")
        try s.apply(DICOMSettings(aeTitle: "RENAMED", port: port))
        #expect(s.port == port)
        #expect(Net.outcome(port, called: "SWIFTPACS") == "called-ae")
        #expect(try Net.echo(port, called: "RENAMED") == .success)
        // The association opened under the old title finishes.
        #expect(try before.echo().status == .success)
        try before.release()
    }

    @Test func portZeroClosesAndAPortOpensAgain() throws {
        let s = try service()
        let port = try Net.freePort()
        try s.start(settings: DICOMSettings(port: port))
        defer { s.stop() }
        try s.apply(DICOMSettings(port: 0))
        #expect(s.port == nil)
        #expect(s.status.listening == "disabled (port 0)")
        #expect(!s.status.isListening)
        #expect(Net.outcome(port, called: "SWIFTPACS") == "refused")
        try s.apply(DICOMSettings(port: port))
        #expect(try Net.echo(port, called: "SWIFTPACS") == .success)

        // Starting with port 0: nothing listens.
        let off = try service()
        try off.start(settings: DICOMSettings(port: 0))
        #expect(off.status.listening == "disabled (port 0)")
        off.stop()
    }

    @Test func invalidSettingsAreRefusedBeforeAnythingChanges() throws {
        let s = try service()
        let port = try Net.freePort()
        try s.start(settings: DICOMSettings(port: port))
        defer { s.stop() }
        #expect(throws: SettingsError.self) { try s.apply(DICOMSettings(aeTitle: "", port: port)) }
        #expect(throws: SettingsError.self) { try s.apply(DICOMSettings(port: 70000)) }
        #expect(s.settings == DICOMSettings(port: port))
        #expect(try Net.echo(port, called: "SWIFTPACS") == .success)
    }

    @Test func debugModeAndLimitsApplyLive() throws {
        let s = try service()
        let port = try Net.freePort()
        try s.start(settings: DICOMSettings(port: port))
        defer { s.stop() }
        _ = try Net.echo(port, called: "SWIFTPACS")
        #expect(log.debugCount == 0)
        try s.apply(DICOMSettings(port: port, debugMode: true))
        #expect(s.provider.debugMode)
        _ = try Net.echo(port, called: "SWIFTPACS")
        #expect(log.messages.contains { $0.contains("A-ASSOCIATE-RQ") }, "\(log.messages)")
        #expect(log.messages.contains { $0.contains("C-ECHO-RQ") })
        #expect(log.records.withLock { $0.contains { $0.0 == .debug && $0.2 != nil } }, "debug records carry the association id")
        try s.apply(DICOMSettings(port: port, debugMode: false))
        log.clear()
        _ = try Net.echo(port, called: "SWIFTPACS")
        #expect(log.debugCount == 0)

        // The association cap and the unknown-storer rule change without a restart.
        try s.apply(DICOMSettings(port: port, acceptUnknownStorers: true, maxAssociations: 1, duplicatePolicy: .replace))
        #expect(s.provider.acceptUnknownStorers && s.provider.duplicatePolicy == .replace)
        // The server counts an association until its thread has finished with it.
        #expect(s.waitUntilIdle(timeout: 5))
        let first = try Net.associate(port, called: "SWIFTPACS")
        #expect(Net.outcome(port, called: "SWIFTPACS") == "busy")
        try first.release()
        #expect(s.waitUntilIdle(timeout: 5))
        #expect(Net.outcome(port, called: "SWIFTPACS") == "ok")
    }

    @Test func changePersistsOnlyWhatApplied() throws {
        let archive = try Archive(dataDirectory: dir.path)
        let store = try SettingsStore(archive: archive)
        let s = DICOMService(provider: PACSServiceProvider(archive: archive, log: log), host: "127.0.0.1")
        let port = try Net.freePort()
        try s.start(settings: DICOMSettings(port: port))
        defer { s.stop() }
        let holder = try TCPListener(host: "127.0.0.1", port: 0)
        defer { holder.close() }
        #expect(throws: SettingsError.self) { try s.change(DICOMSettings(port: holder.port), in: store) }
        #expect(throws: SettingsError.self) { try s.change(DICOMSettings(port: 3000), in: store) }  // the web server's port
        #expect(try archive.setting(DICOMSettings.storageKey) == nil)
        let next = try Net.freePort()
        try s.change(DICOMSettings(aeTitle: "SAVED", port: next), in: store)
        #expect(store.stored.dicom == DICOMSettings(aeTitle: "SAVED", port: next))
        #expect(try Net.echo(next, called: "SAVED") == .success)
    }
}
