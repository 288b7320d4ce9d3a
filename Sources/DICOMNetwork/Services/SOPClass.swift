import DICOM

/// SOP classes of the services this layer speaks (PS3.4 Annexes A, B, C, K; PS3.6 Annex A).
public enum SOPClass {
    public static let verification = "1.2.840.10008.1.1"
    public static let patientRootFind = "1.2.840.10008.5.1.4.1.2.1.1"
    public static let patientRootMove = "1.2.840.10008.5.1.4.1.2.1.2"
    public static let patientRootGet = "1.2.840.10008.5.1.4.1.2.1.3"
    public static let studyRootFind = "1.2.840.10008.5.1.4.1.2.2.1"
    public static let studyRootMove = "1.2.840.10008.5.1.4.1.2.2.2"
    public static let studyRootGet = "1.2.840.10008.5.1.4.1.2.2.3"
    public static let patientStudyOnlyFind = "1.2.840.10008.5.1.4.1.2.3.1"
    public static let patientStudyOnlyMove = "1.2.840.10008.5.1.4.1.2.3.2"
    public static let patientStudyOnlyGet = "1.2.840.10008.5.1.4.1.2.3.3"
    public static let modalityWorklistFind = "1.2.840.10008.5.1.4.31"

    public static let findClasses: Set<String> = [patientRootFind, studyRootFind, patientStudyOnlyFind]
    public static let moveClasses: Set<String> = [patientRootMove, studyRootMove, patientStudyOnlyMove]
    public static let getClasses: Set<String> = [patientRootGet, studyRootGet, patientStudyOnlyGet]

    /// Every storage SOP class of the standard (from the generated UID dictionary).
    public static let storageClasses: [String] = UIDDictionary.storageSOPClasses.map(\.uid)
    public static let storageClassSet: Set<String> = Set(storageClasses)

    /// A storage SOP class of ours or a private one: anything that is not a known non-storage
    /// service class is stored as received.
    public static func isStorage(_ uid: String) -> Bool {
        if storageClassSet.contains(uid) { return true }
        if let e = UIDDictionary.entry(for: uid) { return e.type == "SOP Class" && e.name.contains("Storage") && !e.name.contains("Commitment") }
        return !uid.hasPrefix("1.2.840.10008.")  // private SOP classes
    }

    /// The transfer syntaxes we can take apart (identifiers, queries, conversions).
    public static let uncompressedSyntaxes = [TransferSyntax.explicitVRLittleEndian.uid, TransferSyntax.implicitVRLittleEndian.uid, TransferSyntax.explicitVRBigEndian.uid]
}

/// The query/retrieve level of an identifier (0008,0052).
public enum QueryLevel: String, Sendable, CaseIterable {
    case patient = "PATIENT", study = "STUDY", series = "SERIES", image = "IMAGE"
}
