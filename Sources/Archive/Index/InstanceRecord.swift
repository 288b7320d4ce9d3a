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
    /// The study or series UID was missing and derived (see `extract`).
    public var syntheticUIDs = false

    public init() {}

    /// Extracts the record. The SOP Class and Instance UIDs come from the data set or, when it
    /// lacks them, from the C-STORE command; a data set without Study or Series Instance UID
    /// is placed under UIDs derived from its SOP Instance UID (`syntheticUIDs` says so), so
    /// that no image sent to us is refused for a missing identifier.
    public static func extract(from ds: DataSet, sopClass fallbackClass: String? = nil, sopInstance fallbackInstance: String? = nil) throws -> InstanceRecord {
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
        if r.sopInstanceUID.isEmpty { r.sopInstanceUID = fallbackInstance ?? "" }
        if r.sopClassUID.isEmpty { r.sopClassUID = fallbackClass ?? "" }
        var missing: [String] = []
        if r.sopInstanceUID.isEmpty { missing.append("SOP Instance UID (0008,0018)") }
        if r.sopClassUID.isEmpty { missing.append("SOP Class UID (0008,0016)") }
        guard missing.isEmpty else {
            throw ArchiveError.invalidInstance("the data set has no " + missing.joined(separator: " and "))
        }
        if r.studyUID.isEmpty {
            r.studyUID = SyntheticUID.derived(from: r.sopInstanceUID, kind: 1)
            r.syntheticUIDs = true
        }
        if r.seriesUID.isEmpty {
            r.seriesUID = SyntheticUID.derived(from: r.sopInstanceUID, kind: 2)
            r.syntheticUIDs = true
        }
        return r
    }
}

/// Person names match case-insensitively (PS3.4 C.2.2.2.1 allows it; users expect it):
/// the index keeps an upper-cased copy.
public enum NameNormalizer {
    public static func normalize(_ s: String) -> String { s.uppercased() }
}

/// UIDs under the 2.25 root (PS3.5 §B.2) derived deterministically from another UID, for
/// instances that arrive without a Study or Series Instance UID.
enum SyntheticUID {
    static func derived(from uid: String, kind: UInt64) -> String {
        var h1: UInt64 = 0xcbf29ce484222325 ^ kind, h2: UInt64 = 0x84222325cbf29ce4 &+ kind
        for b in uid.utf8 {
            h1 = (h1 ^ UInt64(b)) &* 0x100000001b3
            h2 = (h2 &+ UInt64(b)) &* 0x9E3779B97F4A7C15
        }
        // 2.25.<decimal of a 127-bit number>: two halves printed as one decimal would need
        // 128-bit arithmetic; printing both halves keeps it unique enough and under 64 chars.
        return "2.25.\(h1 >> 1)\(h2 % 1_000_000_000_000)"
    }
}
