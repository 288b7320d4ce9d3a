import DICOM

/// The attributes of one instance that the index keeps, at each level (PS3.4 C.6.1.1,
/// C.6.2.1: the required, unique and common optional keys). Text is decoded to Unicode.
public struct InstanceRecord: Sendable, Equatable {
    public var patientID = "", issuer = "", patientName = "", birthDate = "", birthTime = "", sex = "", otherPatientIDs = ""
    public var studyUID = "", studyDate = "", studyTime = "", accession = "", studyID = "", studyDescription = ""
    public var referringName = "", patientAge = "", patientSize = "", patientWeight = "", institution = ""
    public var seriesUID = "", modality = "", seriesNumber = "", seriesDescription = "", bodyPart = ""
    public var seriesDate = "", seriesTime = "", stationName = "", manufacturer = "", performingName = ""
    public var sopClassUID = "", sopInstanceUID = "", instanceNumber = "", contentDate = "", contentTime = ""
    public var numberOfFrames = "", rows: Int?, columns: Int?
    public var characterSet = ""

    public init() {}

    /// Extracts the record; throws when a UID needed to place the instance is missing.
    public static func extract(from ds: DataSet) throws -> InstanceRecord {
        var r = InstanceRecord()
        func s(_ t: Tag) -> String { ds.string(t) ?? "" }
        func all(_ t: Tag) -> String { ds.strings(t).joined(separator: "\\") }
        r.characterSet = all(Tag(0x0008, 0x0005))
        r.patientID = s(Tag(0x0010, 0x0020))
        r.issuer = s(Tag(0x0010, 0x0021))
        r.patientName = all(Tag(0x0010, 0x0010))
        r.birthDate = s(Tag(0x0010, 0x0030))
        r.birthTime = s(Tag(0x0010, 0x0032))
        r.sex = s(Tag(0x0010, 0x0040))
        r.otherPatientIDs = all(Tag(0x0010, 0x1000))
        r.studyUID = s(Tag(0x0020, 0x000D))
        r.studyDate = s(Tag(0x0008, 0x0020))
        r.studyTime = s(Tag(0x0008, 0x0030))
        r.accession = s(Tag(0x0008, 0x0050))
        r.studyID = s(Tag(0x0020, 0x0010))
        r.studyDescription = s(Tag(0x0008, 0x1030))
        r.referringName = all(Tag(0x0008, 0x0090))
        r.patientAge = s(Tag(0x0010, 0x1010))
        r.patientSize = s(Tag(0x0010, 0x1020))
        r.patientWeight = s(Tag(0x0010, 0x1030))
        r.institution = s(Tag(0x0008, 0x0080))
        r.seriesUID = s(Tag(0x0020, 0x000E))
        r.modality = s(Tag(0x0008, 0x0060))
        r.seriesNumber = s(Tag(0x0020, 0x0011))
        r.seriesDescription = s(Tag(0x0008, 0x103E))
        r.bodyPart = s(Tag(0x0018, 0x0015))
        r.seriesDate = s(Tag(0x0008, 0x0021))
        r.seriesTime = s(Tag(0x0008, 0x0031))
        r.stationName = s(Tag(0x0008, 0x1010))
        r.manufacturer = s(Tag(0x0008, 0x0070))
        r.performingName = all(Tag(0x0008, 0x1050))
        r.sopClassUID = s(Tag(0x0008, 0x0016))
        r.sopInstanceUID = s(Tag(0x0008, 0x0018))
        r.instanceNumber = s(Tag(0x0020, 0x0013))
        r.contentDate = s(Tag(0x0008, 0x0023))
        r.contentTime = s(Tag(0x0008, 0x0033))
        r.numberOfFrames = s(Tag(0x0028, 0x0008))
        r.rows = ds.uint16(Tag(0x0028, 0x0010)).map(Int.init)
        r.columns = ds.uint16(Tag(0x0028, 0x0011)).map(Int.init)
        var missing: [String] = []
        if r.sopInstanceUID.isEmpty { missing.append("SOP Instance UID (0008,0018)") }
        if r.sopClassUID.isEmpty { missing.append("SOP Class UID (0008,0016)") }
        if r.studyUID.isEmpty { missing.append("Study Instance UID (0020,000D)") }
        if r.seriesUID.isEmpty { missing.append("Series Instance UID (0020,000E)") }
        guard missing.isEmpty else {
            throw ArchiveError.invalidInstance("the data set has no " + missing.joined(separator: ", "))
        }
        return r
    }
}

/// Person names match case-insensitively (PS3.4 C.2.2.2.1 allows it; users expect it):
/// the index keeps an upper-cased copy.
public enum NameNormalizer {
    public static func normalize(_ s: String) -> String { s.uppercased() }
}
