import Testing
import Archive
import PACS

/// Every rule of SPEC §2–§5 for the settings, with its stable code and field.
struct SettingsValidationTests {
    /// The only problem of `errors`, checked for code and field; its message names the field.
    func expectOne(_ errors: [SettingsError], _ code: SettingsError.Code, _ field: String,
                   sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(errors.count == 1, "\(errors)", sourceLocation: sourceLocation)
        guard let e = errors.first else { return }
        #expect(e.code == code, "\(e)", sourceLocation: sourceLocation)
        #expect(e.field == field, "\(e)", sourceLocation: sourceLocation)
        #expect(e.message.contains(field), "the message names the field: \(e.message)", sourceLocation: sourceLocation)
    }

    @Test func defaultsAreTheSpecs() {
        let d = DICOMSettings()
        #expect(d.aeTitle == "SWIFTPACS" && d.port == 11112 && !d.debugMode && !d.acceptUnknownStorers
                && d.maxAssociations == 64 && d.duplicatePolicy == .keep)
        let n = NetworkSettings()
        #expect(n.maxOutgoingConnections == 4 && n.serviceTimeoutSeconds == 30 && !n.openReceivedStudies)
        let h = HTTPSettings()
        #expect(h.institution == "" && h.department == "" && h.publicAddress == "" && h.port == 3000 && !h.sslEnabled
                && h.zipContent == .original && h.lossyQuality == 80)
        let w = WorklistSettings()
        #expect(w.aeTitle == "SWIFTPACS_WL" && w.port == 0)
        #expect(Settings().validate().isEmpty)
        #expect(SettingsError.Code.allCases.map(\.rawValue).sorted() == [
            "certificate_missing", "invalid_ae_title", "invalid_certificate", "invalid_choice", "invalid_json", "invalid_port", "invalid_text", "invalid_type",
            "out_of_range", "port_conflict", "port_unavailable", "storage_failed", "unknown_field"])
    }

    @Test(arguments: ["", "ABCDEFGHIJKLMNOPQ", "MY PACS", "A\\B", "A\tB", "TAB\u{7F}", "ÉCOLE", "PACS\u{0}"])
    func dicomAETitleRule(_ ae: String) {
        expectOne(DICOMSettings(aeTitle: ae).validate(), .invalidAETitle, "aeTitle")
        expectOne(WorklistSettings(aeTitle: ae).validate(), .invalidAETitle, "aeTitle")
    }

    @Test func aeTitlesThatAreFine() {
        for ae in ["A", "ABCDEFGHIJKLMNOP", "pacs_1", "CT-2.x", "lower"] {
            #expect(DICOMSettings(aeTitle: ae).validate().isEmpty, "\(ae)")
        }
    }

    @Test func peerHosts() {
        for good in ["127.0.0.1", "pacs", "ct-1.example.org", "::1", "fe80::1", "2001:db8::8:800:200c:417a", "::ffff:192.0.2.1"] {
            #expect(Validation.hostProblem(good) == nil, "\(good)")
        }
        for bad in ["", "-pacs", "a..b", "ct 1", "é.org", "::g", "1:2:3", "fe80::1%eth0", ":", "a:b c"] {
            #expect(Validation.hostProblem(bad) != nil, "\(bad)")
        }
    }

    @Test func portRules() {
        for p in [-1, 65536, 70000, Int.max] {
            expectOne(DICOMSettings(port: p).validate(), .invalidPort, "port")
            expectOne(HTTPSettings(port: p).validate(), .invalidPort, "port")
            expectOne(WorklistSettings(port: p).validate(), .invalidPort, "port")
        }
        for p in [0, 1, 104, 65535] {
            #expect(DICOMSettings(port: p).validate().isEmpty)
            #expect(HTTPSettings(port: p).validate().isEmpty)
            #expect(WorklistSettings(port: p).validate().isEmpty)
        }
    }

    @Test func rangeRules() {
        for v in [0, 1025, -5] { expectOne(DICOMSettings(maxAssociations: v).validate(), .outOfRange, "maxAssociations") }
        for v in [1, 64, 1024] { #expect(DICOMSettings(maxAssociations: v).validate().isEmpty) }
        for v in [0, 33] { expectOne(NetworkSettings(maxOutgoingConnections: v).validate(), .outOfRange, "maxOutgoingConnections") }
        for v in [1, 32] { #expect(NetworkSettings(maxOutgoingConnections: v).validate().isEmpty) }
        for v in [0, 3601] { expectOne(NetworkSettings(serviceTimeoutSeconds: v).validate(), .outOfRange, "serviceTimeoutSeconds") }
        for v in [1, 3600] { #expect(NetworkSettings(serviceTimeoutSeconds: v).validate().isEmpty) }
        for v in [0, 101, -1] { expectOne(HTTPSettings(lossyQuality: v).validate(), .outOfRange, "lossyQuality") }
        for v in [1, 100] { #expect(HTTPSettings(lossyQuality: v).validate().isEmpty) }
        #expect(NetworkSettings(maxOutgoingConnections: 0, serviceTimeoutSeconds: 0).validate().count == 2)
    }

    @Test(arguments: ["institution", "department", "publicAddress"])
    func textRules(_ field: String) throws {
        func with(_ text: String) -> HTTPSettings {
            var h = HTTPSettings()
            try? h.set(field, .string(text))
            return h
        }
        for bad in ["line\nbreak", "tab\there", "nul\u{0}x", "del\u{7F}", "c1\u{85}", "sep\u{2028}", "esc\u{1B}[31m"] {
            expectOne(with(bad).validate(), .invalidText, field)
        }
        let limit = field == "publicAddress" ? HTTPSettings.addressMaxLength : HTTPSettings.nameMaxLength
        expectOne(with(String(repeating: "x", count: limit + 1)).validate(), .invalidText, field)
        // Unicode is kept: the limit counts characters, not bytes.
        #expect(with(String(repeating: "é", count: limit)).validate().isEmpty)
        #expect(with(String(repeating: "🏥", count: limit)).validate().isEmpty)
        if field != "publicAddress" {
            #expect(with("Hôpital Saint-Éloi — Radiologie 放射線科").validate().isEmpty)
        } else {
            #expect(with("https://pacs.example.org:3000/").validate().isEmpty)
            expectOne(with("pacs example org").validate(), .invalidText, field)
        }
    }

    @Test func choicesAreCheckedWhenDecoded() throws {
        func code(_ json: String, _ type: any SettingsSection.Type) -> (SettingsError.Code?, String?) {
            do throws(SettingsError) {
                _ = try decodeAny(type, json)
                return (nil, nil)
            } catch { return (error.code, error.field) }
        }
        #expect(code(#"{"duplicatePolicy":"drop"}"#, DICOMSettings.self) == (.invalidChoice, "duplicatePolicy"))
        #expect(code(#"{"zipContent":"png"}"#, HTTPSettings.self) == (.invalidChoice, "zipContent"))
        #expect(code(#"{"zipContent":"jpeg2000-lossy"}"#, HTTPSettings.self) == (nil, nil))
        let h = try HTTPSettings.decode(json: #"{"zipContent":"jpeg2000-lossless","lossyQuality":55}"#)
        #expect(h.zipContent == .jpeg2000Lossless && h.lossyQuality == 55)
        let d = try DICOMSettings.decode(json: #"{"duplicatePolicy":"replace"}"#)
        #expect(d.duplicatePolicy == .replace)
        do throws(SettingsError) {
            _ = try DICOMSettings.decode(json: #"{"duplicatePolicy":"drop"}"#)
            Issue.record("an unknown choice was taken")
        } catch {
            #expect(error.message.contains("keep, replace"), "the message lists the choices: \(error.message)")
        }
    }

    func decodeAny(_ type: any SettingsSection.Type, _ json: String) throws(SettingsError) -> any SettingsSection {
        func open<S: SettingsSection>(_: S.Type) throws(SettingsError) -> any SettingsSection { try S.decode(json: json) }
        return try open(type)
    }

    @Test func decodingChecksTypesFieldsAndJSON() throws {
        func failure(_ json: String, ignoring: Set<String> = []) -> SettingsError? {
            do throws(SettingsError) { _ = try DICOMSettings.decode(json: json, ignoring: ignoring); return nil } catch { return error }
        }
        #expect(failure(#"{"port":"11112"}"#)?.code == .invalidType)
        #expect(failure(#"{"port":"11112"}"#)?.field == "port")
        #expect(failure(#"{"port":11112.5}"#)?.code == .invalidType)
        #expect(failure(#"{"port":1e3}"#)?.code == .invalidType)
        #expect(failure(#"{"port":null}"#)?.code == .invalidType)
        #expect(failure(#"{"debugMode":"yes"}"#)?.field == "debugMode")
        #expect(failure(#"{"aeTitle":["A"]}"#)?.code == .invalidType)
        #expect(failure(#"{"aeTitle":{"x":1}}"#)?.code == .invalidType)
        #expect(failure(#"{"port":123456789012345678901234567890}"#)?.code == .invalidType)
        #expect(failure(#"{"colour":"blue"}"#)?.code == .unknownField)
        #expect(failure(#"{"colour":"blue"}"#)?.field == "colour")
        for bad in ["", "[1]", "{", #"{"port":1,}"#, #"{"port":1}x"#, #"{"port":01}"#, #"{"a":"\x"}"#, #"{"a":"\ud800"}"#,
                    #"{"port":1,"port":2}"#, "{'port':1}", String(repeating: "[", count: 40)] {
            #expect(failure(bad)?.code == .invalidJSON, "\(bad)")
            #expect(failure(bad)?.field == nil)
        }
        let deep = "{\"aeTitle\":" + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}"
        #expect(failure(deep)?.code == .invalidJSON)
        // Read-only fields echoed back from a GET are skipped when asked.
        #expect(failure(#"{"listening":"listening on 0.0.0.0:11112","ipAddresses":["10.0.0.1"]}"#, ignoring: ["listening", "ipAddresses"]) == nil)

        // Members not given keep the base's values; escapes and Unicode come through.
        let base = DICOMSettings(aeTitle: "BASE", port: 104)
        let d = try DICOMSettings.decode(json: #" { "debugMode" : true , "aeTitle" : "A\u0042C" } "#, over: base)
        #expect(d == DICOMSettings(aeTitle: "ABC", port: 104, debugMode: true))
        let h = try HTTPSettings.decode(json: #"{"institution":"H\u00f4pital \ud83c\udfe5 \"Nord\"","department":"放射線科"}"#)
        #expect(h.institution == "Hôpital 🏥 \"Nord\"" && h.department == "放射線科")
    }

    @Test func jsonRoundTrip() throws {
        let h = HTTPSettings(institution: "Hôpital \"Nord\" \\ 🏥", department: "tab\tline\nnul\u{0}", publicAddress: "https://x.example",
                             port: 8443, sslEnabled: true, zipContent: .jpeg, lossyQuality: 12)
        #expect(try HTTPSettings.decode(json: h.json) == h)
        let d = DICOMSettings(aeTitle: "X", port: 0, debugMode: true, acceptUnknownStorers: true, maxAssociations: 1, duplicatePolicy: .replace)
        #expect(try DICOMSettings.decode(json: d.json) == d)
        #expect(d.json == #"{"aeTitle":"X","port":0,"debugMode":true,"acceptUnknownStorers":true,"maxAssociations":1,"duplicatePolicy":"replace"}"#)
        let n = NetworkSettings(maxOutgoingConnections: 9, serviceTimeoutSeconds: 99, openReceivedStudies: true)
        #expect(try NetworkSettings.decode(json: n.json) == n)
        let w = WorklistSettings(aeTitle: "WL", port: 11113)
        #expect(try WorklistSettings.decode(json: w.json) == w)
    }

    @Test func portConflicts() {
        var s = Settings()
        s.http.port = 11112
        let all = s.validate()
        #expect(all.count == 1 && all[0].code == .portConflict && all[0].field == "port")
        #expect(all[0].message.contains("11112") && all[0].message.contains("DICOM") && all[0].message.contains("web"))
        let focused = s.portConflicts(focus: DICOMSettings.section)
        #expect(focused.count == 1 && focused[0].message.contains("web server"))
        #expect(s.portConflicts(focus: WorklistSettings.section).isEmpty)

        s.worklist.port = 11112
        #expect(s.portConflicts().count == 3)
        #expect(s.portConflicts(focus: WorklistSettings.section).count == 2)

        // 0 disables: any number of listeners may be off.
        s = Settings()
        s.dicom.port = 0
        s.http.port = 0
        s.worklist.port = 0
        #expect(s.validate().isEmpty)
        s.worklist.port = 3000
        s.http.port = 3000
        #expect(s.portConflicts(focus: HTTPSettings.section).first?.message.contains("worklist") == true)
    }

    @Test func everyMessageSaysWhatToDo() {
        let errors = DICOMSettings(aeTitle: "", port: -1, maxAssociations: 0).validate()
            + NetworkSettings(maxOutgoingConnections: 0, serviceTimeoutSeconds: 0).validate()
            + HTTPSettings(institution: "\n", department: String(repeating: "d", count: 65), publicAddress: "a b", port: 99999, lossyQuality: 0).validate()
        #expect(errors.count == 10)
        for e in errors {
            #expect(e.field.map { e.message.contains($0) } == true, "\(e)")
            let actionable = ["give", "use", "remove", "shorten", "choose", "may not", "needs", "at most", "only"].contains { e.message.contains($0) }
            #expect(actionable, "\(e.message)")
        }
    }
}
