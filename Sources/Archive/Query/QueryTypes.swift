import DICOM

/// A level of the Query/Retrieve information models (PS3.4 C.6): the value of
/// Query/Retrieve Level (0008,0052).
public enum QueryLevel: String, Sendable, CaseIterable, Comparable {
    case patient = "PATIENT", study = "STUDY", series = "SERIES", image = "IMAGE"

    /// 0 for the patient level down to 3 for the image level.
    var depth: Int {
        switch self {
        case .patient: return 0
        case .study: return 1
        case .series: return 2
        case .image: return 3
        }
    }

    /// Higher levels compare smaller: `.patient < .study`.
    public static func < (a: QueryLevel, b: QueryLevel) -> Bool { a.depth < b.depth }

    /// The level an identifier names in (0008,0052). Throws 0xA900 when it is missing, empty or
    /// none of the four levels (as dcm4che does; the comparison ignores case and padding).
    public init(identifier: DataSet) throws(QueryError) {
        guard let text = identifier.string(QueryTags.queryRetrieveLevel), !text.isEmpty else {
            throw QueryError(.identifierDoesNotMatchSOPClass, "the identifier has no Query/Retrieve Level (0008,0052)")
        }
        guard let level = QueryLevel(rawValue: text.uppercased()) else {
            throw QueryError(.identifierDoesNotMatchSOPClass, "Query/Retrieve Level (0008,0052) \"\(text)\" is not PATIENT, STUDY, SERIES or IMAGE")
        }
        self = level
    }
}

/// The information model of a C-FIND, C-MOVE or C-GET SOP class (PS3.4 C.6.1, C.6.2).
public enum InformationModel: Sendable {
    case patientRoot, studyRoot

    /// The levels of the model, from the top.
    public var levels: [QueryLevel] {
        switch self {
        case .patientRoot: return [.patient, .study, .series, .image]
        case .studyRoot: return [.study, .series, .image]
        }
    }

    /// The unique key of `level` in this model: Patient ID, Study, Series or SOP Instance UID.
    /// The study root model has no patient level, hence no patient unique key.
    public func uniqueKey(_ level: QueryLevel) -> Tag? {
        guard levels.contains(level) else { return nil }
        switch level {
        case .patient: return QueryTags.patientID
        case .study: return QueryTags.studyInstanceUID
        case .series: return QueryTags.seriesInstanceUID
        case .image: return QueryTags.sopInstanceUID
        }
    }

    /// The unique keys of `level` and every level above it, top first.
    public func uniqueKeys(through level: QueryLevel) -> [Tag] {
        levels.filter { $0 <= level }.compactMap(uniqueKey)
    }
}

/// Why a query or retrieve cannot be answered, with the DIMSE status to send (PS3.4 C.4.1.1.4,
/// C.4.2.1.5): 0xA900 when the identifier does not match the SOP class, 0xC000 when the
/// archive cannot process it.
public struct QueryError: Error, Sendable, Equatable, CustomStringConvertible {
    public let status: UInt16
    public let message: String

    public static let identifierDoesNotMatchSOPClass: UInt16 = 0xA900
    public static let unableToProcess: UInt16 = 0xC000

    public init(status: UInt16, message: String) {
        self.status = status
        self.message = message
    }

    enum Kind { case identifierDoesNotMatchSOPClass, unableToProcess }

    init(_ kind: Kind, _ message: String) {
        self.init(status: kind == .identifierDoesNotMatchSOPClass ? Self.identifierDoesNotMatchSOPClass : Self.unableToProcess,
                  message: message)
    }

    public var description: String { "query status 0x\(String(status, radix: 16, uppercase: true)): \(message)" }
}

/// One stored instance a C-MOVE or C-GET sends.
public struct StoredInstance: Sendable, Hashable {
    public let sopClassUID: String
    public let sopInstanceUID: String
    public let transferSyntaxUID: String
    /// The absolute path of the Part 10 file.
    public let path: String
    /// The file's size in bytes.
    public let size: Int

    public init(sopClassUID: String, sopInstanceUID: String, transferSyntaxUID: String, path: String, size: Int) {
        self.sopClassUID = sopClassUID
        self.sopInstanceUID = sopInstanceUID
        self.transferSyntaxUID = transferSyntaxUID
        self.path = path
        self.size = size
    }
}

/// The tags the query engine names.
enum QueryTags {
    static let specificCharacterSet = Tag(0x0008, 0x0005)
    static let queryRetrieveLevel = Tag(0x0008, 0x0052)
    static let timezoneOffsetFromUTC = Tag(0x0008, 0x0201)
    static let patientID = Tag(0x0010, 0x0020)
    static let studyInstanceUID = Tag(0x0020, 0x000D)
    static let seriesInstanceUID = Tag(0x0020, 0x000E)
    static let sopInstanceUID = Tag(0x0008, 0x0018)
    static let pixelData = Tag(0x7FE0, 0x0010)
}
