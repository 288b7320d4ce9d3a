import DICOM

/// A study search as the portal and scripts make it (`GET /api/studies`): the matching people
/// expect of a search box, which is not C-FIND's (PS3.4 C.2.2.2 is in `Archive+Query`).
///
/// - `patientName`: case-insensitive (Unicode upper-casing, as the index's copy); with `*` or `?`
///   a DICOM wildcard pattern over the whole value, otherwise a prefix (`smi` finds `Smith^John`).
///   The name is matched as stored, family name first (`Smith^John`).
/// - `patientID`, `accessionNumber`: exact and case-sensitive; with `*` or `?` a wildcard pattern.
/// - `studyDescription`: contains the text, case-insensitive (Unicode upper-casing, as the
///   index's copy); with `*` or `?` a wildcard pattern over the whole value, with the same rule.
/// - `dateFrom`, `dateTo`: StudyDate within the range, both ends included; a study without a
///   date is in no range.
/// - `modalities`: a series of the study has one of them (ModalitiesInStudy).
///
/// Every value is bound as an SQL parameter; none becomes SQL text.
public struct StudySearch: Sendable, Equatable {
    /// What the page is ordered by; ties are broken by the order studies arrived in.
    public enum Sort: String, Sendable, CaseIterable {
        /// StudyDate, then StudyTime.
        case studyDate
        case patientName, patientID = "patientId", patientBirthDate, accessionNumber, studyDescription
        /// When the study's first instance was stored here.
        case receivedAt

        /// Dates go newest first unless told otherwise, text A to Z.
        public var descendingByDefault: Bool { self == .studyDate || self == .receivedAt }
    }

    public var patientName: String?
    public var patientID: String?
    public var accessionNumber: String?
    public var studyDescription: String?
    public var dateFrom: DICOMDate?
    public var dateTo: DICOMDate?
    public var modalities: [String] = []
    public var limit = 100
    public var offset = 0
    public var sort = Sort.studyDate
    public var descending = true

    /// The largest page a search answers.
    public static let maxLimit = 1000

    public init() {}
}

/// One page of a study search, with how many studies match in all.
public struct StudyPage: Sendable, Equatable {
    public var total: Int
    public var offset: Int
    public var limit: Int
    public var studies: [StudySummary]

    public init(total: Int, offset: Int, limit: Int, studies: [StudySummary]) {
        self.total = total
        self.offset = offset
        self.limit = limit
        self.studies = studies
    }
}
