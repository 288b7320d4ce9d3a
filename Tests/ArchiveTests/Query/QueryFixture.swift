import Foundation
import DICOM
@testable import Archive

/// A small deterministic generator (SplitMix64), so that the generated archive is the same on
/// every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

struct GenCode: Sendable, Hashable {
    let value: String, scheme: String, meaning: String
}

struct GenInstance: Sendable {
    let uid: String, sopClass: String, number: Int, rows: Int, columns: Int
    /// AcquisitionDateTime (DT, in the file only); empty for reports.
    let acquisition: String
}

struct GenSeries: Sendable {
    let uid: String, modality: String, number: Int, description: String, bodyPart: String
    /// ProtocolName (in the file only).
    let protocolName: String
    let performing: [String]
    var instances: [GenInstance] = []
}

struct GenStudy: Sendable {
    let uid: String, date: String, time: String, accession: String, studyID: String, description: String, referring: String
    /// ProcedureCodeSequence items and the ReferencedStudySequence item's SOP Instance UID (file only).
    let codes: [GenCode]
    let referencedStudy: String?
    var series: [GenSeries] = []

    var modalities: [String] { Array(Set(series.map(\.modality))).sorted() }
    var sopClasses: [String] { Array(Set(series.flatMap { $0.instances.map(\.sopClass) })).sorted() }
    var instanceCount: Int { series.reduce(0) { $0 + $1.instances.count } }
}

struct GenPatient: Sendable {
    let id: String, name: String, birthDate: String, sex: String, otherIDs: [String]
    /// The Specific Character Set its files are written in.
    let charset: String
    var studies: [GenStudy] = []
}

/// One entity of a level with the entities above it.
struct Ref: Sendable {
    let p: GenPatient
    let st: GenStudy?
    let se: GenSeries?
    let i: GenInstance?
    var study: GenStudy { st! }
    var series: GenSeries { se! }
    var instance: GenInstance { i! }

    /// The value of the level's unique key.
    func uid(_ level: QueryLevel) -> String {
        switch level {
        case .patient: return p.id
        case .study: return study.uid
        case .series: return series.uid
        case .image: return instance.uid
        }
    }
}

/// The generated archive contents, kept in memory as the reference the query results are
/// checked against.
struct World: Sendable {
    var patients: [GenPatient] = []

    static let sopClasses = ["CT": "1.2.840.10008.5.1.4.1.1.2", "MR": "1.2.840.10008.5.1.4.1.1.4", "US": "1.2.840.10008.5.1.4.1.1.6.1",
                             "CR": "1.2.840.10008.5.1.4.1.1.1", "DX": "1.2.840.10008.5.1.4.1.1.1.1", "PT": "1.2.840.10008.5.1.4.1.1.128",
                             "SR": "1.2.840.10008.5.1.4.1.1.88.11"]
    static let codes = [GenCode(value: "P-0001", scheme: "99LOCAL", meaning: "Chest CT"),
                        GenCode(value: "P-0002", scheme: "99LOCAL", meaning: "Brain MR"),
                        GenCode(value: "P-0003", scheme: "99LOCAL", meaning: "Échographie"),
                        GenCode(value: "RPID5", scheme: "RADLEX", meaning: "CT head")]

    static func generate(seed: UInt64 = 0x5EED_1234) -> World {
        var g = SeededGenerator(seed: seed)
        func pick<T>(_ a: [T]) -> T { a[Int.random(in: 0..<a.count, using: &g)] }
        func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &g) < p }
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

        let fixedNames = ["Müller^Jürgen", "Ångström^Åsa", "O'Brien^Seán", "山田^太郎", "Smith^John", "SMITH^Jane", "smithson^anna",
                          "Иванов^Иван", "Παπαδόπουλος^Νίκος", "Miller^Ann", "Moller^Søren", "Müller^Chloë"]
        let families = ["Müller", "Ångström", "Smith", "Doe", "Dupont", "Nuñez", "Ørsted", "Brown", "Miller", "García", "Lefèvre",
                        "Kowalski", "Nakamura", "Schmidt", "Łukasiewicz", "Jensen", "Novák", "Rossi", "O'Neil", "Ivanova"]
        let givens = ["Jürgen", "Åsa", "Seán", "John", "Jane", "Anna", "Zoé", "José", "Hans", "Ann", "Émile", "Piotr", "Yuki", "Ines", "Marco"]
        let descriptions = ["CT CHEST", "CT ABDOMEN", "MR BRAIN", "mr brain follow-up", "BRAIN PERFUSION", "[R] follow-up", "Knee left",
                            "Thorax ÉCHO", "胸部CT", "x' OR '1'='1"]
        let referrings = ["Ébert^Émile", "House^Gregory", "Who^Doctor", "", "Grey^Meredith", "ébert^anne"]
        let modalities = ["CT", "MR", "US", "CR", "DX", "PT", "SR"]
        let seriesDescriptions = ["AX T1", "SAG T2", "COR PD", "Scout", "AX CT 5mm", "Report"]
        let bodyParts = ["HEAD", "CHEST", "ABDOMEN", "KNEE", ""]
        let protocols = ["T1 SE", "T2 TSE", "CT Routine", "Ultrasound abdomen", "Protocol Ü"]
        let performings: [[String]] = [[], ["Doe^Jane"], ["Roe^Richard", "doe^john"], ["Müller^Jürgen"]]

        var world = World()
        var accession = 0
        for pn in 0..<100 {
            let name = pn < fixedNames.count ? fixedNames[pn] : pick(families) + "^" + pick(givens)
            let latin1 = name.unicodeScalars.allSatisfy { $0.value <= 0xFF }
            let id = pn == 10 ? "X'; DROP TABLE patients; --" : "PID" + String(format: "%04d", pn)
            let birth = pn % 9 == 8 ? "" : "\(Int.random(in: 1930...2010, using: &g))\(two(Int.random(in: 1...12, using: &g)))\(two(Int.random(in: 1...28, using: &g)))"
            var patient = GenPatient(id: id, name: name, birthDate: birth, sex: pick(["M", "F", "O"]),
                                     otherIDs: pn % 7 == 0 ? ["OLD-\(pn)", "ALT-\(pn)"] : [],
                                     charset: latin1 && pn % 2 == 0 ? "ISO_IR 100" : "ISO_IR 192")
            // A file in ISO_IR 100 holds Latin-1 text only.
            func fitting(_ text: String) -> String {
                patient.charset == "ISO_IR 100" && !text.unicodeScalars.allSatisfy({ $0.value <= 0xFF }) ? "CT CHEST" : text
            }
            for sn in 0..<Int.random(in: 1...5, using: &g) {
                accession += 1
                let date = "\(Int.random(in: 2008...2024, using: &g))\(two(Int.random(in: 1...12, using: &g)))\(two(Int.random(in: 1...28, using: &g)))"
                let hh = two(Int.random(in: 6...19, using: &g)), mm = two(Int.random(in: 0...59, using: &g)), ss = two(Int.random(in: 0...59, using: &g))
                let time: String
                switch accession % 9 {
                case 0: time = hh
                case 1: time = hh + mm
                case 2: time = hh + mm + ss + ".5"
                case 3: time = ""
                case 4: time = ["1015", "101500", "101500.000", "101500.5"][(accession / 9) % 4]
                default: time = hh + mm + ss
                }
                let codes = chance(0.4) ? Array(Set((0..<Int.random(in: 1...2, using: &g)).map { _ in pick(World.codes) })).sorted { $0.value < $1.value } : []
                var study = GenStudy(uid: "1.2.826.0.1.3680043.10.543.\(pn).\(sn + 1)", date: date, time: time,
                                     accession: accession % 6 == 0 ? "" : "ACC" + String(format: "%05d", accession),
                                     studyID: "S\(accession)", description: fitting(pick(descriptions)), referring: pick(referrings),
                                     codes: codes, referencedStudy: chance(0.25) ? "1.2.3.999.\(accession)" : nil)
                for rn in 0..<Int.random(in: 1...4, using: &g) {
                    let modality = pick(modalities)
                    var series = GenSeries(uid: study.uid + ".\(rn + 1)", modality: modality, number: rn + 1,
                                           description: modality == "SR" ? "Report" : pick(seriesDescriptions),
                                           bodyPart: pick(bodyParts), protocolName: pick(protocols), performing: pick(performings))
                    for k in 0..<Int.random(in: 1...2, using: &g) {
                        let size = modality == "MR" ? 256 : 512
                        let acquisition = modality == "SR" ? "" : date + two(Int.random(in: 6...19, using: &g)) + two(Int.random(in: 0...59, using: &g)) + "00"
                        series.instances.append(GenInstance(uid: series.uid + ".\(k + 1)", sopClass: World.sopClasses[modality]!,
                                                            number: k + 1, rows: size, columns: size + k, acquisition: acquisition))
                    }
                    study.series.append(series)
                }
                patient.studies.append(study)
            }
            world.patients.append(patient)
        }
        return world
    }

    var studies: [GenStudy] { patients.flatMap(\.studies) }

    /// The entities of a level.
    func entities(_ level: QueryLevel) -> [Ref] {
        var out: [Ref] = []
        for p in patients {
            if level == .patient { out.append(Ref(p: p, st: nil, se: nil, i: nil)); continue }
            for st in p.studies {
                if level == .study { out.append(Ref(p: p, st: st, se: nil, i: nil)); continue }
                for se in st.series {
                    if level == .series { out.append(Ref(p: p, st: st, se: se, i: nil)); continue }
                    for i in se.instances { out.append(Ref(p: p, st: st, se: se, i: i)) }
                }
            }
        }
        return out
    }

    /// The data set of one instance, text encoded in the patient's character set.
    func dataSet(_ p: GenPatient, _ st: GenStudy, _ se: GenSeries, _ i: GenInstance) throws -> DataSet {
        var ds = DataSet()
        try ds.set(Tag(0x0008, 0x0005), vr: .CS, string: p.charset)
        func put(_ t: Tag, _ vr: VR, _ s: String) throws { if !s.isEmpty { try ds.set(t, vr: vr, string: s) } }
        try put(Tag(0x0008, 0x0016), .UI, i.sopClass)
        try put(Tag(0x0008, 0x0018), .UI, i.uid)
        try put(Tag(0x0008, 0x0020), .DA, st.date)
        try put(Tag(0x0008, 0x0021), .DA, st.date)
        try put(Tag(0x0008, 0x0023), .DA, st.date)
        try put(Tag(0x0008, 0x002A), .DT, i.acquisition)
        try put(Tag(0x0008, 0x0030), .TM, st.time)
        try put(Tag(0x0008, 0x0050), .SH, st.accession)
        try put(Tag(0x0008, 0x0060), .CS, se.modality)
        try put(Tag(0x0008, 0x0090), .PN, st.referring)
        try put(Tag(0x0008, 0x1030), .LO, st.description)
        try put(Tag(0x0008, 0x103E), .LO, se.description)
        try put(Tag(0x0008, 0x1050), .PN, se.performing.joined(separator: "\\"))
        if !st.codes.isEmpty {
            ds.setSequence(Tag(0x0008, 0x1032), items: try st.codes.map { c in
                var item = DataSet()
                try item.set(Tag(0x0008, 0x0100), vr: .SH, string: c.value)
                try item.set(Tag(0x0008, 0x0102), vr: .SH, string: c.scheme)
                try item.set(Tag(0x0008, 0x0104), vr: .LO, string: c.meaning, inheriting: ds.specificCharacterSet)
                return item
            })
        }
        if let r = st.referencedStudy {
            var item = DataSet()
            try item.set(Tag(0x0008, 0x1150), vr: .UI, string: "1.2.840.10008.3.1.2.3.1")
            try item.set(Tag(0x0008, 0x1155), vr: .UI, string: r)
            ds.setSequence(Tag(0x0008, 0x1110), items: [item])
        }
        try put(Tag(0x0010, 0x0010), .PN, p.name)
        try put(Tag(0x0010, 0x0020), .LO, p.id)
        try put(Tag(0x0010, 0x0030), .DA, p.birthDate)
        try put(Tag(0x0010, 0x0040), .CS, p.sex)
        try put(Tag(0x0010, 0x1000), .LO, p.otherIDs.joined(separator: "\\"))
        try put(Tag(0x0018, 0x0015), .CS, se.bodyPart)
        try put(Tag(0x0018, 0x1030), .LO, se.protocolName)
        try put(Tag(0x0020, 0x000D), .UI, st.uid)
        try put(Tag(0x0020, 0x000E), .UI, se.uid)
        try put(Tag(0x0020, 0x0010), .SH, st.studyID)
        try put(Tag(0x0020, 0x0011), .IS, String(se.number))
        try put(Tag(0x0020, 0x0013), .IS, String(i.number))
        ds.set(Tag(0x0028, 0x0010), vr: .US, uint16: UInt16(i.rows))
        ds.set(Tag(0x0028, 0x0011), vr: .US, uint16: UInt16(i.columns))
        return ds
    }
}

/// The generated world stored in an archive once, shared by the query tests (read-only).
final class QueryFixture: Sendable {
    static let world = World.generate()
    static let shared: QueryFixture = {
        do { return try QueryFixture(world: world) } catch { fatalError("cannot build the query fixture: \(error)") }
    }()
    static let directory = NSTemporaryDirectory() + "swiftpacs-query-" + UUID().uuidString

    let world: World
    let archive: Archive
    let instanceCount: Int

    init(world: World) throws {
        self.world = world
        try? FileManager.default.createDirectory(atPath: Self.directory, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: QueryFixture.directory) }
        archive = try Archive(dataDirectory: Self.directory)
        var n = 0
        for p in world.patients {
            for st in p.studies {
                for se in st.series {
                    for i in se.instances {
                        let bytes = try Synthetic.encoded(try world.dataSet(p, st, se, i))
                        _ = try archive.store(dataSet: bytes, transferSyntax: .explicitVRLittleEndian, callingAE: "GEN")
                        n += 1
                    }
                }
            }
        }
        instanceCount = n
    }
}
