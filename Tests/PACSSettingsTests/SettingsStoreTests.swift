import Testing
import Archive
import PACS

/// Settings persist in the data directory; one run's overrides never do.
struct SettingsStoreTests {
    @Test func freshStoreHasTheDefaults() throws {
        let dir = TempDir()
        let store = try SettingsStore(archive: try Archive(dataDirectory: dir.path))
        #expect(store.stored == Settings())
        #expect(store.effective == Settings())
        #expect(store.loadProblems.isEmpty)
    }

    @Test func everySectionPersistsAcrossReopen() throws {
        let dir = TempDir()
        let dicom = DICOMSettings(aeTitle: "MYPACS", port: 4242, debugMode: true, acceptUnknownStorers: true, maxAssociations: 8, duplicatePolicy: .replace)
        let network = NetworkSettings(maxOutgoingConnections: 2, serviceTimeoutSeconds: 120, openReceivedStudies: true)
        let http = HTTPSettings(institution: "Hôpital Nord", department: "Radiologie 放射線科", publicAddress: "https://pacs.example.org",
                                port: 8443, sslEnabled: true, zipContent: .jpeg2000Lossy, lossyQuality: 42)
        let worklist = WorklistSettings(aeTitle: "MYWL", port: 4343)
        do {
            let archive = try Archive(dataDirectory: dir.path)
            let store = try SettingsStore(archive: archive)
            #expect(try store.save(dicom) == dicom)
            try store.save(network)
            try store.save(http)
            try store.save(worklist)
            #expect(store.effective == Settings(dicom: dicom, network: network, http: http, worklist: worklist))
            // Stored as readable JSON, one row per section.
            #expect(try archive.setting("settings.dicom") == dicom.json)
            #expect(try archive.setting("settings.http")?.contains("\"institution\":\"Hôpital Nord\"") == true)
            archive.close()
        }
        let again = try SettingsStore(archive: try Archive(dataDirectory: dir.path))
        #expect(again.stored == Settings(dicom: dicom, network: network, http: http, worklist: worklist))
        #expect(again.current(HTTPSettings.self) == http)
        #expect(again.loadProblems.isEmpty)
    }

    @Test func invalidSettingsAreNotSaved() throws {
        let dir = TempDir()
        let archive = try Archive(dataDirectory: dir.path)
        let store = try SettingsStore(archive: archive)
        #expect(throws: SettingsError.self) { try store.save(DICOMSettings(aeTitle: "BAD AE")) }
        do throws(SettingsError) {
            try store.save(DICOMSettings(port: 3000))
            Issue.record("a port conflict was saved")
        } catch {
            #expect(error.code == .portConflict && error.field == "port")
        }
        #expect(store.check(NetworkSettings(maxOutgoingConnections: 0, serviceTimeoutSeconds: 0)).count == 2)
        #expect(try archive.setting("settings.dicom") == nil)
        #expect(store.stored == Settings())
    }

    @Test func overridesApplyForTheRunAndAreNeverPersisted() throws {
        let dir = TempDir()
        let overrides = SettingsOverrides(dicomAETitle: "FLAGAE", dicomPort: 5000, debugMode: true, acceptUnknownStorers: true, httpPort: 8080, worklistPort: 5001)
        do {
            let archive = try Archive(dataDirectory: dir.path)
            let store = try SettingsStore(archive: archive, overrides: overrides)
            let e = store.effective
            #expect(e.dicom == DICOMSettings(aeTitle: "FLAGAE", port: 5000, debugMode: true, acceptUnknownStorers: true))
            #expect(e.http.port == 8080 && e.worklist.port == 5001)
            #expect(store.stored == Settings())
            #expect(store.effective(overrides: SettingsOverrides(httpPort: 1)).http.port == 1)
            #expect(store.effective(overrides: SettingsOverrides()) == Settings())

            // An administrator changes one field of the section and sends the rest back as shown:
            // the change persists, the overridden values do not.
            var edited = e.dicom
            edited.maxAssociations = 10
            let inForce = try store.save(edited)
            #expect(inForce == edited)
            #expect(store.stored.dicom == DICOMSettings(maxAssociations: 10))
            #expect(store.overrides == overrides)
            #expect(try archive.setting("settings.dicom") == DICOMSettings(maxAssociations: 10).json)

            // Changing an overridden field persists it and the override lapses for the run.
            edited.aeTitle = "APIAE"
            try store.save(edited)
            #expect(store.stored.dicom.aeTitle == "APIAE")
            #expect(store.effective.dicom.aeTitle == "APIAE")
            #expect(store.overrides.dicomAETitle == nil)
            #expect(store.overrides.dicomPort == 5000)
            #expect(store.stored.dicom.port == 11112)

            // The same for the web server's port.
            var http = store.effective.http
            http.institution = "Clinic"
            try store.save(http)
            #expect(store.stored.http == HTTPSettings(institution: "Clinic"))
            #expect(store.effective.http.port == 8080)
            archive.close()
        }
        let next = try SettingsStore(archive: try Archive(dataDirectory: dir.path))
        #expect(next.stored.dicom == DICOMSettings(aeTitle: "APIAE", maxAssociations: 10))
        #expect(next.stored.http == HTTPSettings(institution: "Clinic"))
        #expect(next.stored.worklist == WorklistSettings())
        #expect(next.effective == next.stored)
    }

    @Test func portConflictsCountTheOverriddenPorts() throws {
        let dir = TempDir()
        let store = try SettingsStore(archive: try Archive(dataDirectory: dir.path), overrides: SettingsOverrides(httpPort: 4000))
        let problems = store.check(DICOMSettings(port: 4000))
        #expect(problems.map(\.code) == [.portConflict])
        #expect(problems.first?.message.contains("web server") == true)
        #expect(store.check(DICOMSettings(port: 3000)).isEmpty)
        #expect(store.check(WorklistSettings(port: 11112)).map(\.code) == [.portConflict])
    }

    @Test func earlierKeysAndDamagedValues() throws {
        let dir = TempDir()
        do {
            let archive = try Archive(dataDirectory: dir.path)
            // What earlier versions wrote for `--accept-unknown-storers on`.
            try archive.setSetting("acceptUnknownStorers", "true")
            try archive.setSetting("duplicatePolicy", "replace")
            let store = try SettingsStore(archive: archive)
            #expect(store.stored.dicom.acceptUnknownStorers && store.stored.dicom.duplicatePolicy == .replace)

            try archive.setSetting("settings.network", "{not json")
            try archive.setSetting("settings.http", #"{"port":99999,"institution":"Kept","zipContent":"png","lossyQuality":"x","future":1}"#)
            try archive.setSetting("settings.worklist", #"{"aeTitle":"WITH SPACE","port":11113}"#)
            archive.close()
        }
        let store = try SettingsStore(archive: try Archive(dataDirectory: dir.path))
        #expect(store.stored.network == NetworkSettings())
        #expect(store.stored.http == HTTPSettings(institution: "Kept"))
        #expect(store.stored.worklist == WorklistSettings(port: 11113))
        let problems = store.loadProblems.joined(separator: "\n")
        #expect(store.loadProblems.count == 5, "\(problems)")
        #expect(problems.contains("network") && problems.contains("port") && problems.contains("zipContent")
                && problems.contains("lossyQuality") && problems.contains("aeTitle"))
        #expect(!problems.contains("future"))
    }
}
