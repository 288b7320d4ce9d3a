import Testing
import DICOM
@testable import Archive

/// One key of a query identifier: its text (empty for universal matching / return key).
struct Key: Sendable {
    let tag: Tag, vr: VR, value: String
}

func key(_ group: UInt16, _ element: UInt16, _ vr: VR, _ value: String = "") -> Key { Key(tag: Tag(group, element), vr: vr, value: value) }

/// A check of one response against the entity it stands for.
struct Check: Sendable {
    let what: String
    let test: @Sendable (DataSet, Ref) -> Bool

    /// The returned text values, joined by a backslash, are `expected`.
    static func value(_ tag: Tag, _ expected: @escaping @Sendable (Ref) -> String) -> Check {
        Check(what: "value of \(tag)") { r, ref in r.strings(tag).joined(separator: "\\") == expected(ref) }
    }
}

/// A row of the query table: the identifier, and the matching entities computed independently
/// from the generated world by a plain Swift filter.
struct QueryCase: Sendable, CustomTestStringConvertible {
    let name: String
    var model: InformationModel = .patientRoot
    let level: QueryLevel
    /// The identifier's Specific Character Set (its text is encoded in it).
    var charset = "ISO_IR 192"
    var keys: [Key] = []
    /// Sequence keys: one item (nil for a sequence without items).
    var sequences: [(tag: Tag, item: DataSet?)] = []
    /// The reference: which entities of the level must match.
    let select: @Sendable (Ref) -> Bool
    var checks: [Check] = []
    /// The query is meant to match nothing.
    var expectNone = false

    var testDescription: String { name }

    func identifier() throws -> DataSet {
        var ds = DataSet()
        try ds.set(Tag(0x0008, 0x0005), vr: .CS, string: charset)
        try ds.set(Tag(0x0008, 0x0052), vr: .CS, string: level.rawValue)
        for k in keys {
            if k.vr.isString { try ds.set(k.tag, vr: k.vr, string: k.value) } else { ds[k.tag] = DataElement(tag: k.tag, vr: k.vr, bytes: [UInt8]()) }
        }
        for s in sequences { ds.setSequence(s.tag, items: s.item.map { [$0] } ?? []) }
        return ds
    }
}

/// A TM value in seconds since midnight, parsed here independently of the archive's code.
func seconds(_ tm: String) -> Double? {
    guard !tm.isEmpty else { return nil }
    let parts = tm.split(separator: ".", maxSplits: 1)
    let d = Array(parts[0]).compactMap { $0.wholeNumberValue }
    guard [2, 4, 6].contains(d.count) else { return nil }
    let h = d[0] * 10 + d[1], m = d.count >= 4 ? d[2] * 10 + d[3] : 0, s = d.count >= 6 ? d[4] * 10 + d[5] : 0
    let fraction = parts.count > 1 ? Double("0." + parts[1]) ?? 0 : 0
    return Double(h * 3600 + m * 60 + s) + fraction
}

/// Whether any text affected by the character set holds a byte outside ASCII.
func hasNonASCII(_ ds: DataSet) -> Bool {
    let textVRs: Set<VR> = [.LO, .LT, .PN, .SH, .ST, .UC, .UT]
    return ds.contains { e in
        if e.vr == .SQ { return e.items.contains(where: hasNonASCII) }
        return textVRs.contains(e.vr) && e.bytes.contains { $0 >= 0x80 }
    }
}

func item(_ keys: [Key]) -> DataSet {
    var ds = DataSet()
    for k in keys { try? ds.set(k.tag, vr: k.vr, string: k.value, inheriting: .utf8) }
    return ds
}

enum QueryTable {
    static let pid = key(0x0010, 0x0020, .LO), name = key(0x0010, 0x0010, .PN)
    static let mr = "1.2.840.10008.5.1.4.1.1.4"

    static func cases(_ w: World) -> [QueryCase] {
        let studies = w.studies
        let seriesWithTwo = studies.flatMap(\.series).first { $0.instances.count == 2 }!
        let seriesStudy = studies.first { $0.series.contains { $0.uid == seriesWithTwo.uid } }!
        let seriesPatient = w.patients.first { $0.studies.contains { $0.uid == seriesStudy.uid } }!
        let referenced = studies.first { $0.referencedStudy != nil }!.referencedStudy!
        let referencedPatient = w.patients.first { $0.studies.contains { $0.referencedStudy != nil } && $0.studies.contains { $0.referencedStudy == nil } }!
        let someAccession = studies.first { !$0.accession.isEmpty }!.accession
        let someDate = studies[17].date
        let studyUIDs = [studies[2].uid, studies[40].uid, studies[111].uid]
        let seriesUIDs = [studies[5].series[0].uid, studies[9].series[0].uid, studies[77].series.last!.uid, "9.9.9.9"]
        let instanceUIDs = [studies[3].series[0].instances[0].uid, studies[150].series.last!.instances.last!.uid, studies[200].series[0].instances[0].uid]
        let injectionID = w.patients[10].id

        return [
            // MARK: PATIENT level, patient root
            QueryCase(name: "patient: PatientID single value", level: .patient, keys: [key(0x0010, 0x0020, .LO, "PID0007"), name],
                      select: { $0.p.id == "PID0007" }, checks: [.value(Tag(0x0010, 0x0010)) { $0.p.name }]),
            QueryCase(name: "patient: PN single value is case-insensitive", level: .patient, keys: [key(0x0010, 0x0010, .PN, "müller^jürgen")],
                      select: { $0.p.name.uppercased() == "MÜLLER^JÜRGEN" }, checks: [.value(Tag(0x0010, 0x0010)) { $0.p.name }]),
            QueryCase(name: "patient: PN prefix wildcard", level: .patient, keys: [key(0x0010, 0x0010, .PN, "smith*")],
                      select: { $0.p.name.uppercased().hasPrefix("SMITH") }),
            QueryCase(name: "patient: PN ? wildcard in the middle", level: .patient, keys: [key(0x0010, 0x0010, .PN, "M?LLER^*")],
                      select: {
                          let family = Array($0.p.name.uppercased().split(separator: "^", omittingEmptySubsequences: false)[0])
                          return family.count == 6 && family[0] == "M" && String(family[2...]) == "LLER"
                      }),
            QueryCase(name: "patient: PN * inside non-ASCII text", level: .patient, keys: [key(0x0010, 0x0010, .PN, "*öm*")],
                      select: { $0.p.name.uppercased().contains("ÖM") }),
            QueryCase(name: "patient: PN ideographic single value", level: .patient, keys: [key(0x0010, 0x0010, .PN, "山田^太郎"), pid],
                      select: { $0.p.name == "山田^太郎" }, checks: [.value(Tag(0x0010, 0x0010)) { $0.p.name }]),
            QueryCase(name: "patient: PN Cyrillic case-insensitive", level: .patient, keys: [key(0x0010, 0x0010, .PN, "иванов^иван")],
                      select: { $0.p.name.uppercased() == "ИВАНОВ^ИВАН" }),
            QueryCase(name: "patient: * alone is universal", level: .patient, keys: [key(0x0010, 0x0010, .PN, "*")], select: { _ in true }),
            QueryCase(name: "patient: universal keys return stored values", level: .patient, keys: [name, key(0x0010, 0x0030, .DA), key(0x0010, 0x0040, .CS)],
                      select: { _ in true },
                      checks: [.value(Tag(0x0010, 0x0030)) { $0.p.birthDate }, .value(Tag(0x0010, 0x0040)) { $0.p.sex },
                               .value(Tag(0x0010, 0x0010)) { $0.p.name }]),
            QueryCase(name: "patient: birth date closed range", level: .patient, keys: [key(0x0010, 0x0030, .DA, "19500101-19691231")],
                      select: { !$0.p.birthDate.isEmpty && $0.p.birthDate >= "19500101" && $0.p.birthDate <= "19691231" }),
            QueryCase(name: "patient: sex and PN wildcard combined", level: .patient, keys: [key(0x0010, 0x0040, .CS, "F"), key(0x0010, 0x0010, .PN, "*a*")],
                      select: { $0.p.sex == "F" && $0.p.name.uppercased().contains("A") }),
            QueryCase(name: "patient: computed patient-related counts", level: .patient,
                      keys: [key(0x0010, 0x0010, .PN, "S*"), key(0x0020, 0x1200, .IS), key(0x0020, 0x1202, .IS), key(0x0020, 0x1204, .IS)],
                      select: { $0.p.name.uppercased().hasPrefix("S") },
                      checks: [.value(Tag(0x0020, 0x1200)) { String($0.p.studies.count) },
                               .value(Tag(0x0020, 0x1202)) { String($0.p.studies.reduce(0) { $0 + $1.series.count }) },
                               .value(Tag(0x0020, 0x1204)) { String($0.p.studies.reduce(0) { $0 + $1.instanceCount }) }]),
            QueryCase(name: "patient: multi-valued stored OtherPatientIDs", level: .patient, keys: [key(0x0010, 0x1000, .LO, "ALT-14")],
                      select: { $0.p.otherIDs.contains("ALT-14") }, checks: [.value(Tag(0x0010, 0x1000)) { $0.p.otherIDs.joined(separator: "\\") }]),
            QueryCase(name: "patient: SQL injection attempt is a literal value", level: .patient, keys: [key(0x0010, 0x0020, .LO, "' OR '1'='1")],
                      select: { _ in false }, expectNone: true),
            QueryCase(name: "patient: stored ID with quotes and SQL matched literally", level: .patient, keys: [key(0x0010, 0x0020, .LO, injectionID)],
                      select: { $0.p.id == injectionID }),
            QueryCase(name: "patient: identifier in ISO_IR 100", level: .patient, charset: "ISO_IR 100", keys: [key(0x0010, 0x0010, .PN, "Müller*")],
                      select: { $0.p.name.uppercased().hasPrefix("MÜLLER") }, checks: [.value(Tag(0x0010, 0x0010)) { $0.p.name }]),
            QueryCase(name: "patient: empty value matching", level: .patient, keys: [key(0x0010, 0x0030, .DA, "\"\"")],
                      select: { $0.p.birthDate.isEmpty }),

            // MARK: STUDY level, patient root
            QueryCase(name: "study: PatientID of the level above", level: .study, keys: [key(0x0010, 0x0020, .LO, w.patients[3].id)],
                      select: { $0.p.id == w.patients[3].id }),
            QueryCase(name: "study: date closed range", level: .study, keys: [key(0x0008, 0x0020, .DA, "20150101-20161231")],
                      select: { $0.study.date >= "20150101" && $0.study.date <= "20161231" },
                      checks: [.value(Tag(0x0008, 0x0020)) { $0.study.date }]),
            QueryCase(name: "study: date open lower bound", level: .study, keys: [key(0x0008, 0x0020, .DA, "-20101231")],
                      select: { $0.study.date <= "20101231" }),
            QueryCase(name: "study: date open upper bound", level: .study, keys: [key(0x0008, 0x0020, .DA, "20230601-")],
                      select: { $0.study.date >= "20230601" }),
            QueryCase(name: "study: single date", level: .study, keys: [key(0x0008, 0x0020, .DA, someDate)],
                      select: { $0.study.date == someDate }),
            QueryCase(name: "study: time range over mixed precisions", level: .study, keys: [key(0x0008, 0x0030, .TM, "080000-115959")],
                      select: { seconds($0.study.time).map { $0 >= 28_800 && $0 <= 43_199 } ?? false },
                      checks: [.value(Tag(0x0008, 0x0030)) { $0.study.time }]),
            QueryCase(name: "study: time open lower bound", level: .study, keys: [key(0x0008, 0x0030, .TM, "-0930")],
                      select: { seconds($0.study.time).map { $0 <= 34_200 } ?? false }),
            QueryCase(name: "study: single time matches the same instant at any precision", level: .study, keys: [key(0x0008, 0x0030, .TM, "1015")],
                      select: { seconds($0.study.time) == 36_900 }),
            QueryCase(name: "study: accession number single value", level: .study, keys: [key(0x0008, 0x0050, .SH, someAccession)],
                      select: { $0.study.accession == someAccession }),
            QueryCase(name: "study: accession number with ? in the middle", level: .study, keys: [key(0x0008, 0x0050, .SH, "ACC000?5")],
                      select: { $0.study.accession.count == 8 && $0.study.accession.hasPrefix("ACC000") && $0.study.accession.hasSuffix("5") }),
            QueryCase(name: "study: list of UID matching", level: .study, keys: [key(0x0020, 0x000D, .UI, studyUIDs.joined(separator: "\\"))],
                      select: { studyUIDs.contains($0.study.uid) }),
            QueryCase(name: "study: description wildcard is case-sensitive", level: .study, keys: [key(0x0008, 0x1030, .LO, "*BRAIN*")],
                      select: { $0.study.description.contains("BRAIN") }, checks: [.value(Tag(0x0008, 0x1030)) { $0.study.description }]),
            QueryCase(name: "study: wildcard with a literal [", level: .study, keys: [key(0x0008, 0x1030, .LO, "[R]*")],
                      select: { $0.study.description.hasPrefix("[R]") }),
            QueryCase(name: "study: referring physician PN wildcard, case-insensitive", level: .study, keys: [key(0x0008, 0x0090, .PN, "ébert*")],
                      select: { $0.study.referring.uppercased().hasPrefix("ÉBERT") }, checks: [.value(Tag(0x0008, 0x0090)) { $0.study.referring }]),
            QueryCase(name: "study: ModalitiesInStudy single value", level: .study, keys: [key(0x0008, 0x0061, .CS, "MR")],
                      select: { $0.study.modalities.contains("MR") },
                      checks: [.value(Tag(0x0008, 0x0061)) { $0.study.modalities.joined(separator: "\\") }]),
            QueryCase(name: "study: ModalitiesInStudy list means either", level: .study, keys: [key(0x0008, 0x0061, .CS, "PT\\SR")],
                      select: { $0.study.modalities.contains("PT") || $0.study.modalities.contains("SR") }),
            QueryCase(name: "study: ModalitiesInStudy with date range and PN", level: .study,
                      keys: [key(0x0008, 0x0061, .CS, "CT"), key(0x0008, 0x0020, .DA, "20120101-20181231"), key(0x0010, 0x0010, .PN, "*e*")],
                      select: { $0.study.modalities.contains("CT") && $0.study.date >= "20120101" && $0.study.date <= "20181231" && $0.p.name.uppercased().contains("E") }),
            QueryCase(name: "study: computed study-related counts and SOP classes", level: .study,
                      keys: [key(0x0010, 0x0020, .LO, w.patients[4].id), key(0x0020, 0x1206, .IS), key(0x0020, 0x1208, .IS), key(0x0008, 0x0062, .UI)],
                      select: { $0.p.id == w.patients[4].id },
                      checks: [.value(Tag(0x0020, 0x1206)) { String($0.study.series.count) }, .value(Tag(0x0020, 0x1208)) { String($0.study.instanceCount) },
                               .value(Tag(0x0008, 0x0062)) { $0.study.sopClasses.joined(separator: "\\") }]),
            QueryCase(name: "study: sequence matching on an item key", level: .study,
                      sequences: [(Tag(0x0008, 0x1032), item([key(0x0008, 0x0100, .SH, "P-0002"), key(0x0008, 0x0102, .SH)]))],
                      select: { $0.study.codes.contains { $0.value == "P-0002" } },
                      checks: [Check(what: "only the matching item, with the item's keys") { r, _ in
                          let items = r.items(Tag(0x0008, 0x1032))
                          return items.count == 1 && items[0].string(Tag(0x0008, 0x0100)) == "P-0002"
                              && items[0].string(Tag(0x0008, 0x0102)) == "99LOCAL" && items[0][Tag(0x0008, 0x0104)] == nil
                      }]),
            QueryCase(name: "study: sequence matching returns non-ASCII item text from a Latin-1 file", level: .study,
                      sequences: [(Tag(0x0008, 0x1032), item([key(0x0008, 0x0100, .SH, "P-0003"), key(0x0008, 0x0104, .LO)]))],
                      select: { $0.study.codes.contains { $0.value == "P-0003" } },
                      checks: [Check(what: "code meaning decoded") { r, _ in
                          r.items(Tag(0x0008, 0x1032)).first?.string(Tag(0x0008, 0x0104), inheriting: r.specificCharacterSet) == "Échographie"
                      }]),
            QueryCase(name: "study: ReferencedStudySequence matched by UID", level: .study,
                      sequences: [(Tag(0x0008, 0x1110), item([key(0x0008, 0x1155, .UI, referenced)]))],
                      select: { $0.study.referencedStudy == referenced }),
            QueryCase(name: "study: sequence item of universal keys returns every item", level: .study,
                      keys: [key(0x0008, 0x0020, .DA, "20100101-20111231")],
                      sequences: [(Tag(0x0008, 0x1032), item([key(0x0008, 0x0100, .SH)]))],
                      select: { $0.study.date >= "20100101" && $0.study.date <= "20111231" },
                      checks: [Check(what: "all stored items") { r, ref in
                          r.items(Tag(0x0008, 0x1032)).map { $0.string(Tag(0x0008, 0x0100)) ?? "" } == ref.study.codes.map(\.value)
                      }]),
            QueryCase(name: "study: sequence key without an item returns the whole sequence", level: .study,
                      keys: [key(0x0010, 0x0020, .LO, referencedPatient.id)], sequences: [(Tag(0x0008, 0x1110), nil)],
                      select: { $0.p.id == referencedPatient.id },
                      checks: [Check(what: "stored items, complete") { r, ref in
                          let items = r.items(Tag(0x0008, 0x1110))
                          guard let uid = ref.study.referencedStudy else { return items.isEmpty }
                          return items.count == 1 && items[0].string(Tag(0x0008, 0x1155)) == uid
                              && items[0].string(Tag(0x0008, 0x1150)) == "1.2.840.10008.3.1.2.3.1"
                      }]),
            QueryCase(name: "study: PN of the patient level with an apostrophe", level: .study, keys: [key(0x0010, 0x0010, .PN, "o'brien*"), pid],
                      select: { $0.p.name.uppercased().hasPrefix("O'BRIEN") }, checks: [.value(Tag(0x0010, 0x0020)) { $0.p.id }]),
            QueryCase(name: "study: keys without a stored value come back empty", level: .study,
                      keys: [key(0x0010, 0x0020, .LO, w.patients[0].id), key(0x0008, 0x0050, .SH), key(0x0008, 0x1080, .LO), key(0x0010, 0x0032, .TM)],
                      select: { $0.p.id == w.patients[0].id },
                      checks: [.value(Tag(0x0008, 0x0050)) { $0.study.accession },
                               Check(what: "absent attributes have zero length") { r, _ in
                                   r[Tag(0x0008, 0x1080)]?.valueLength == 0 && r[Tag(0x0010, 0x0032)]?.valueLength == 0
                               }]),
            QueryCase(name: "study: non-ASCII patient name and description", level: .study, keys: [key(0x0010, 0x0010, .PN, "山田*"), key(0x0008, 0x1030, .LO)],
                      select: { $0.p.name.hasPrefix("山田") },
                      checks: [.value(Tag(0x0010, 0x0010)) { $0.p.name }, .value(Tag(0x0008, 0x1030)) { $0.study.description }]),
            QueryCase(name: "study: stored SQL-like description matched literally", level: .study, keys: [key(0x0008, 0x1030, .LO, "x' OR '1'='1")],
                      select: { $0.study.description == "x' OR '1'='1" }),
            QueryCase(name: "study: SQL injection attempt in a value matches nothing", level: .study,
                      keys: [key(0x0008, 0x1030, .LO, "' OR ''='"), key(0x0008, 0x0050, .SH, "x'); DELETE FROM studies; --")],
                      select: { _ in false }, expectNone: true),
            QueryCase(name: "study root: patient keys at the study level", model: .studyRoot, level: .study,
                      keys: [key(0x0010, 0x0010, .PN, "*smith*"), key(0x0008, 0x0020, .DA, "20120101-")],
                      select: { $0.p.name.uppercased().contains("SMITH") && $0.study.date >= "20120101" }),
            QueryCase(name: "study root: PatientID is returned only when asked", model: .studyRoot, level: .study,
                      keys: [key(0x0008, 0x0050, .SH, someAccession)], select: { $0.study.accession == someAccession },
                      checks: [Check(what: "no PatientID") { r, _ in r[Tag(0x0010, 0x0020)] == nil }]),

            // MARK: SERIES level
            QueryCase(name: "series: study UID above and modality", level: .series,
                      keys: [key(0x0020, 0x000D, .UI, studies[3].uid), key(0x0008, 0x0060, .CS, studies[3].series[0].modality)],
                      select: { $0.study.uid == studies[3].uid && $0.series.modality == studies[3].series[0].modality }),
            QueryCase(name: "study root series: modality, body part and a study date range", model: .studyRoot, level: .series,
                      keys: [key(0x0008, 0x0060, .CS, "MR"), key(0x0018, 0x0015, .CS, "HEAD"), key(0x0008, 0x0020, .DA, "20120101-20201231")],
                      select: { $0.series.modality == "MR" && $0.series.bodyPart == "HEAD" && $0.study.date >= "20120101" && $0.study.date <= "20201231" }),
            QueryCase(name: "series: description wildcard and instance count", level: .series,
                      keys: [key(0x0008, 0x103E, .LO, "AX*"), key(0x0020, 0x1209, .IS)],
                      select: { $0.series.description.hasPrefix("AX") },
                      checks: [.value(Tag(0x0020, 0x1209)) { String($0.series.instances.count) }]),
            QueryCase(name: "series: key from the file with a ? wildcard", level: .series,
                      keys: [key(0x0018, 0x1030, .LO, "T? *"), key(0x0008, 0x0060, .CS)],
                      select: { let c = Array($0.series.protocolName); return c.count >= 3 && c[0] == "T" && c[2] == " " },
                      checks: [.value(Tag(0x0018, 0x1030)) { $0.series.protocolName }, .value(Tag(0x0008, 0x0060)) { $0.series.modality }]),
            QueryCase(name: "series: list of series UIDs", level: .series, keys: [key(0x0020, 0x000E, .UI, seriesUIDs.joined(separator: "\\"))],
                      select: { seriesUIDs.contains($0.series.uid) }),
            QueryCase(name: "series: universal modality returns every series of the study", level: .series,
                      keys: [key(0x0020, 0x000D, .UI, studies[77].uid), key(0x0008, 0x0060, .CS), key(0x0020, 0x0011, .IS)],
                      select: { $0.study.uid == studies[77].uid },
                      checks: [.value(Tag(0x0008, 0x0060)) { $0.series.modality }, .value(Tag(0x0020, 0x0011)) { String($0.series.number) }]),
            QueryCase(name: "series: multi-valued PN, case-insensitive wildcard", level: .series, keys: [key(0x0008, 0x1050, .PN, "doe^*")],
                      select: { $0.series.performing.contains { $0.uppercased().hasPrefix("DOE^") } },
                      checks: [.value(Tag(0x0008, 0x1050)) { $0.series.performing.joined(separator: "\\") }]),
            QueryCase(name: "series: non-ASCII value from the file, PN of the patient", level: .series,
                      keys: [key(0x0018, 0x1030, .LO, "Protocol Ü"), name],
                      select: { $0.series.protocolName == "Protocol Ü" }, checks: [.value(Tag(0x0010, 0x0010)) { $0.p.name }]),
            QueryCase(name: "series: patient PN two levels up", level: .series, keys: [key(0x0010, 0x0010, .PN, "Ångström*"), key(0x0008, 0x0060, .CS, "CT")],
                      select: { $0.p.name.uppercased().hasPrefix("ÅNGSTRÖM") && $0.series.modality == "CT" }),

            // MARK: IMAGE level
            QueryCase(name: "image: every instance of a series, hierarchical keys", level: .image,
                      keys: [key(0x0010, 0x0020, .LO, seriesPatient.id), key(0x0020, 0x000D, .UI, seriesStudy.uid),
                             key(0x0020, 0x000E, .UI, seriesWithTwo.uid), key(0x0020, 0x0013, .IS)],
                      select: { $0.series.uid == seriesWithTwo.uid }, checks: [.value(Tag(0x0020, 0x0013)) { String($0.instance.number) }]),
            QueryCase(name: "study root image: list of SOP Instance UIDs", model: .studyRoot, level: .image,
                      keys: [key(0x0008, 0x0018, .UI, instanceUIDs.joined(separator: "\\"))], select: { instanceUIDs.contains($0.instance.uid) }),
            QueryCase(name: "image: instance number with the modality above", level: .image,
                      keys: [key(0x0020, 0x0013, .IS, "1"), key(0x0008, 0x0060, .CS, "CT")],
                      select: { $0.instance.number == 1 && $0.series.modality == "CT" }),
            QueryCase(name: "image: SOP class and study date range", level: .image,
                      keys: [key(0x0008, 0x0016, .UI, mr), key(0x0008, 0x0020, .DA, "20150101-20191231")],
                      select: { $0.instance.sopClass == mr && $0.study.date >= "20150101" && $0.study.date <= "20191231" }),
            QueryCase(name: "image: DT range on a file attribute", level: .image,
                      keys: [key(0x0008, 0x002A, .DT, "20150101000000-20161231235959")],
                      select: { !$0.instance.acquisition.isEmpty && $0.instance.acquisition >= "20150101000000" && $0.instance.acquisition <= "20161231235959" },
                      checks: [.value(Tag(0x0008, 0x002A)) { $0.instance.acquisition }]),
            QueryCase(name: "image: binary Rows and Columns returned", level: .image,
                      keys: [key(0x0020, 0x000D, .UI, studies[12].uid), key(0x0028, 0x0010, .US), key(0x0028, 0x0011, .US)],
                      select: { $0.study.uid == studies[12].uid },
                      checks: [Check(what: "rows and columns") { r, ref in
                          r.uint16(Tag(0x0028, 0x0010)) == UInt16(ref.instance.rows) && r.uint16(Tag(0x0028, 0x0011)) == UInt16(ref.instance.columns)
                      }]),
            QueryCase(name: "image: content date open range, empty NumberOfFrames", level: .image,
                      keys: [key(0x0008, 0x0023, .DA, "20240101-"), key(0x0028, 0x0008, .IS)],
                      select: { $0.study.date >= "20240101" },
                      checks: [Check(what: "zero-length frames") { r, _ in r[Tag(0x0028, 0x0008)]?.valueLength == 0 }]),
        ]
    }
}

@Suite struct QueryTableTests {
    @Test(arguments: QueryTable.cases(QueryFixture.world))
    func query(_ c: QueryCase) throws {
        let fixture = QueryFixture.shared
        let expected = fixture.world.entities(c.level).filter(c.select)
        #expect(expected.isEmpty == c.expectNone, "the case should \(c.expectNone ? "match nothing" : "match something") in the generated data")
        let unique = try #require(c.model.uniqueKey(c.level))
        var byUID: [String: Ref] = [:]
        for ref in expected { byUID[ref.uid(c.level)] = ref }

        var responses: [DataSet] = []
        try fixture.archive.find(model: c.model, level: c.level, identifier: c.identifier()) { responses.append($0); return true }

        let got = responses.map { $0.string(unique) ?? "" }
        #expect(got.count == Set(got).count, "one response per entity")
        let missing = Set(byUID.keys).subtracting(got), extra = Set(got).subtracting(byUID.keys)
        #expect(missing.isEmpty && extra.isEmpty, "missing \(missing.sorted().prefix(5)), unexpected \(extra.sorted().prefix(5)) (expected \(byUID.count), got \(got.count))")

        let requested = c.keys.map(\.tag) + c.sequences.map(\.tag)
        for r in responses {
            #expect(r.string(Tag(0x0008, 0x0052)) == c.level.rawValue)
            for tag in requested { #expect(r[tag] != nil, "requested key \(tag) is returned") }
            for tag in c.model.uniqueKeys(through: c.level) { #expect(!(r.string(tag) ?? "").isEmpty, "unique key \(tag) is returned") }
            #expect(r.string(Tag(0x0008, 0x0005)) == (hasNonASCII(r) ? "ISO_IR 192" : nil), "Specific Character Set only for non-ASCII text")
            guard let ref = byUID[r.string(unique) ?? ""] else { continue }
            for check in c.checks { #expect(check.test(r, ref), "\(check.what) for \(ref.uid(c.level))") }
        }
    }
}
