/// What the archive says about a stored study, series or instance for people and scripts:
/// the index's values (text decoded to Unicode, as received otherwise) and counts. Text the
/// data set did not have is empty.

/// A study with its patient and what it holds.
public struct StudySummary: Sendable, Equatable {
    public var studyInstanceUID = ""
    public var patientName = "", patientID = "", patientBirthDate = "", patientSex = ""
    public var studyDate = "", studyTime = "", accessionNumber = "", studyDescription = "", studyID = ""
    public var referringPhysicianName = ""
    /// The distinct modalities of its series, sorted.
    public var modalities: [String] = []
    public var seriesCount = 0, instanceCount = 0
    /// The size of its stored files.
    public var bytes = 0
    /// When its first instance was stored (UTC, ISO 8601).
    public var receivedAt = ""

    public init() {}
}

/// A series with what it holds.
public struct SeriesSummary: Sendable, Equatable {
    public var seriesInstanceUID = "", studyInstanceUID = ""
    public var modality = "", seriesNumber = "", seriesDescription = "", bodyPartExamined = ""
    public var seriesDate = "", seriesTime = ""
    public var instanceCount = 0
    public var bytes = 0
    public var receivedAt = ""

    public init() {}
}

/// A stored instance and its file.
public struct InstanceSummary: Sendable, Equatable {
    public var sopInstanceUID = "", sopClassUID = ""
    public var seriesInstanceUID = "", studyInstanceUID = ""
    public var instanceNumber = "", numberOfFrames = ""
    public var rows: Int?, columns: Int?
    public var transferSyntaxUID = ""
    /// The size of the Part 10 file.
    public var size = 0
    /// The AE title that sent it (empty for an upload through the API).
    public var sourceAETitle = ""
    public var receivedAt = ""
    /// The absolute path of the Part 10 file (for the server to send it; not a value to show).
    public var path = ""

    public init() {}
}
