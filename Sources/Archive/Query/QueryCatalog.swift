import DICOM

/// An attribute the index keeps in a column (see `InstanceRecord`).
struct IndexedColumn: Sendable {
    let tag: Tag
    let vr: VR
    let level: QueryLevel
    /// The column, qualified by its table's alias: `p.patient_id`.
    let column: String
    /// The upper-cased copy that case-insensitive PN matching uses, if any.
    let normalized: String?
    /// The column holds several values joined by a backslash (matched value by value in Swift).
    let multiValued: Bool
    /// The column holds an integer (Rows, Columns), returned as a binary US value.
    let integer: Bool

    init(_ tag: Tag, _ vr: VR, _ level: QueryLevel, _ column: String, normalized: String? = nil,
         multiValued: Bool = false, integer: Bool = false) {
        self.tag = tag
        self.vr = vr
        self.level = level
        self.column = column
        self.normalized = normalized
        self.multiValued = multiValued
        self.integer = integer
    }
}

/// An attribute computed from the index rather than stored (PS3.4 C.6.1.1.x, C.6.2.1.x).
enum ComputedKey: Sendable, CaseIterable {
    case patientStudies, patientSeries, patientInstances
    case studySeries, studyInstances, seriesInstances
    case modalitiesInStudy, sopClassesInStudy
    case instanceAvailability

    var tag: Tag {
        switch self {
        case .patientStudies: return Tag(0x0020, 0x1200)
        case .patientSeries: return Tag(0x0020, 0x1202)
        case .patientInstances: return Tag(0x0020, 0x1204)
        case .studySeries: return Tag(0x0020, 0x1206)
        case .studyInstances: return Tag(0x0020, 0x1208)
        case .seriesInstances: return Tag(0x0020, 0x1209)
        case .modalitiesInStudy: return Tag(0x0008, 0x0061)
        case .sopClassesInStudy: return Tag(0x0008, 0x0062)
        case .instanceAvailability: return Tag(0x0008, 0x0056)
        }
    }

    var vr: VR {
        switch self {
        case .modalitiesInStudy, .instanceAvailability: return .CS
        case .sopClassesInStudy: return .UI
        default: return .IS
        }
    }

    /// The level the attribute describes; nil for one that every level has (Instance
    /// Availability).
    var level: QueryLevel? {
        switch self {
        case .patientStudies, .patientSeries, .patientInstances: return .patient
        case .studySeries, .studyInstances, .modalitiesInStudy, .sopClassesInStudy: return .study
        case .seriesInstances: return .series
        case .instanceAvailability: return nil
        }
    }

    /// The statement that computes the value for one entity (bound to its row id); each row it
    /// returns is one value.
    var sql: String {
        switch self {
        case .patientStudies: return "SELECT count(*) FROM studies WHERE patient_fk = ?"
        case .patientSeries:
            return "SELECT count(*) FROM series x JOIN studies y ON y.id = x.study_fk WHERE y.patient_fk = ?"
        case .patientInstances:
            return "SELECT count(*) FROM instances z JOIN series x ON x.id = z.series_fk JOIN studies y ON y.id = x.study_fk WHERE y.patient_fk = ?"
        case .studySeries: return "SELECT count(*) FROM series WHERE study_fk = ?"
        case .studyInstances: return "SELECT count(*) FROM instances z JOIN series x ON x.id = z.series_fk WHERE x.study_fk = ?"
        case .seriesInstances: return "SELECT count(*) FROM instances WHERE series_fk = ?"
        case .modalitiesInStudy:
            return "SELECT DISTINCT modality FROM series WHERE study_fk = ? AND modality <> '' ORDER BY modality"
        case .sopClassesInStudy:
            return "SELECT DISTINCT z.sop_class FROM instances z JOIN series x ON x.id = z.series_fk WHERE x.study_fk = ? ORDER BY z.sop_class"
        case .instanceAvailability: return ""
        }
    }
}

/// Where the value of a key comes from.
enum KeySource: Sendable {
    case indexed(IndexedColumn)
    case computed(ComputedKey)
    /// The representative instance's file: the entity's first stored instance.
    case file
}

/// The attributes the index answers, by level, and the SQL shape of each level.
enum QueryCatalog {
    static let columns: [IndexedColumn] = [
        IndexedColumn(Tag(0x0010, 0x0020), .LO, .patient, "p.patient_id"),
        IndexedColumn(Tag(0x0010, 0x0021), .LO, .patient, "p.issuer"),
        IndexedColumn(Tag(0x0010, 0x0010), .PN, .patient, "p.patient_name", normalized: "p.patient_name_norm"),
        IndexedColumn(Tag(0x0010, 0x0030), .DA, .patient, "p.birth_date"),
        IndexedColumn(Tag(0x0010, 0x0032), .TM, .patient, "p.birth_time"),
        IndexedColumn(Tag(0x0010, 0x0040), .CS, .patient, "p.sex"),
        IndexedColumn(Tag(0x0010, 0x1000), .LO, .patient, "p.other_ids", multiValued: true),

        IndexedColumn(Tag(0x0020, 0x000D), .UI, .study, "st.study_uid"),
        IndexedColumn(Tag(0x0008, 0x0020), .DA, .study, "st.study_date"),
        IndexedColumn(Tag(0x0008, 0x0030), .TM, .study, "st.study_time"),
        IndexedColumn(Tag(0x0008, 0x0050), .SH, .study, "st.accession"),
        IndexedColumn(Tag(0x0020, 0x0010), .SH, .study, "st.study_id"),
        IndexedColumn(Tag(0x0008, 0x1030), .LO, .study, "st.description"),
        IndexedColumn(Tag(0x0008, 0x0090), .PN, .study, "st.referring_name", normalized: "st.referring_name_norm"),
        IndexedColumn(Tag(0x0010, 0x1010), .AS, .study, "st.patient_age"),
        IndexedColumn(Tag(0x0010, 0x1020), .DS, .study, "st.patient_size"),
        IndexedColumn(Tag(0x0010, 0x1030), .DS, .study, "st.patient_weight"),
        IndexedColumn(Tag(0x0008, 0x0080), .LO, .study, "st.institution"),

        IndexedColumn(Tag(0x0020, 0x000E), .UI, .series, "se.series_uid"),
        IndexedColumn(Tag(0x0008, 0x0060), .CS, .series, "se.modality"),
        IndexedColumn(Tag(0x0020, 0x0011), .IS, .series, "se.series_number"),
        IndexedColumn(Tag(0x0008, 0x103E), .LO, .series, "se.description"),
        IndexedColumn(Tag(0x0018, 0x0015), .CS, .series, "se.body_part"),
        IndexedColumn(Tag(0x0008, 0x0021), .DA, .series, "se.series_date"),
        IndexedColumn(Tag(0x0008, 0x0031), .TM, .series, "se.series_time"),
        IndexedColumn(Tag(0x0008, 0x1010), .SH, .series, "se.station_name"),
        IndexedColumn(Tag(0x0008, 0x0070), .LO, .series, "se.manufacturer"),
        IndexedColumn(Tag(0x0008, 0x1050), .PN, .series, "se.performing_name", multiValued: true),

        IndexedColumn(Tag(0x0008, 0x0018), .UI, .image, "i.sop_uid"),
        IndexedColumn(Tag(0x0008, 0x0016), .UI, .image, "i.sop_class"),
        IndexedColumn(Tag(0x0020, 0x0013), .IS, .image, "i.instance_number"),
        IndexedColumn(Tag(0x0008, 0x0023), .DA, .image, "i.content_date"),
        IndexedColumn(Tag(0x0008, 0x0033), .TM, .image, "i.content_time"),
        IndexedColumn(Tag(0x0028, 0x0008), .IS, .image, "i.number_of_frames"),
        IndexedColumn(Tag(0x0028, 0x0010), .US, .image, "i.rows", integer: true),
        IndexedColumn(Tag(0x0028, 0x0011), .US, .image, "i.columns", integer: true),
    ]

    static let columnsByTag: [Tag: IndexedColumn] = Dictionary(uniqueKeysWithValues: columns.map { ($0.tag, $0) })
    static let computedByTag: [Tag: ComputedKey] = Dictionary(uniqueKeysWithValues: ComputedKey.allCases.map { ($0.tag, $0) })

    /// Where `tag`'s value comes from, and the level it belongs to (nil: the query's level).
    static func source(of tag: Tag) -> (source: KeySource, level: QueryLevel?) {
        if let c = columnsByTag[tag] { return (.indexed(c), c.level) }
        if let k = computedByTag[tag] { return (.computed(k), k.level) }
        return (.file, nil)
    }

    /// The alias of a level's table.
    static func alias(_ level: QueryLevel) -> String {
        switch level {
        case .patient: return "p"
        case .study: return "st"
        case .series: return "se"
        case .image: return "i"
        }
    }

    /// The tables a query at `level` reads: the level's own joined to every level above.
    static func from(_ level: QueryLevel) -> String {
        switch level {
        case .patient: return "patients p"
        case .study: return "studies st JOIN patients p ON p.id = st.patient_fk"
        case .series:
            return "series se JOIN studies st ON st.id = se.study_fk JOIN patients p ON p.id = st.patient_fk"
        case .image:
            return "instances i JOIN series se ON se.id = i.series_fk JOIN studies st ON st.id = se.study_fk JOIN patients p ON p.id = st.patient_fk"
        }
    }

    /// The first stored instance under an entity (bound to its row id): its representative,
    /// whose file answers the keys the index lacks.
    static func representativeSQL(_ level: QueryLevel) -> String {
        switch level {
        case .patient:
            return "SELECT z.file FROM studies y JOIN series x ON x.study_fk = y.id JOIN instances z ON z.series_fk = x.id WHERE y.patient_fk = ? ORDER BY z.id LIMIT 1"
        case .study:
            return "SELECT z.file FROM series x JOIN instances z ON z.series_fk = x.id WHERE x.study_fk = ? ORDER BY z.id LIMIT 1"
        case .series: return "SELECT file FROM instances WHERE series_fk = ? ORDER BY id LIMIT 1"
        case .image: return "SELECT file FROM instances WHERE id = ?"
        }
    }
}
