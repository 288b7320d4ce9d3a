import Foundation
import Archive

/// The JSON shapes of the archive's studies, series and instances (`openapi/openapi.yaml`:
/// StudySummary, SeriesSummary, InstanceSummary). Text the data set did not have is "";
/// IS values (numbers) are integers, or null when absent or not an integer.
enum ArchiveJSON {
    static func study(_ s: StudySummary) -> [String: Any] {
        ["studyInstanceUID": s.studyInstanceUID, "patientName": s.patientName, "patientId": s.patientID,
         "patientBirthDate": s.patientBirthDate, "patientSex": s.patientSex, "studyDate": s.studyDate, "studyTime": s.studyTime,
         "accessionNumber": s.accessionNumber, "studyDescription": s.studyDescription, "studyId": s.studyID,
         "referringPhysicianName": s.referringPhysicianName, "modalities": s.modalities, "seriesCount": s.seriesCount,
         "instanceCount": s.instanceCount, "bytes": s.bytes, "receivedAt": s.receivedAt]
    }

    static func series(_ s: SeriesSummary) -> [String: Any] {
        ["seriesInstanceUID": s.seriesInstanceUID, "studyInstanceUID": s.studyInstanceUID, "modality": s.modality,
         "seriesNumber": integer(s.seriesNumber), "seriesDescription": s.seriesDescription, "bodyPartExamined": s.bodyPartExamined,
         "seriesDate": s.seriesDate, "seriesTime": s.seriesTime, "instanceCount": s.instanceCount, "bytes": s.bytes,
         "receivedAt": s.receivedAt]
    }

    static func instance(_ i: InstanceSummary) -> [String: Any] {
        ["sopInstanceUID": i.sopInstanceUID, "sopClassUID": i.sopClassUID, "seriesInstanceUID": i.seriesInstanceUID,
         "studyInstanceUID": i.studyInstanceUID, "instanceNumber": integer(i.instanceNumber),
         "numberOfFrames": integer(i.numberOfFrames), "rows": i.rows ?? NSNull(), "columns": i.columns ?? NSNull(),
         "transferSyntaxUID": i.transferSyntaxUID, "size": i.size, "sourceAETitle": i.sourceAETitle, "receivedAt": i.receivedAt]
    }

    static func page(_ p: StudyPage) -> [String: Any] {
        ["total": p.total, "offset": p.offset, "limit": p.limit, "studies": p.studies.map(study)]
    }

    /// An IS value as an integer; null when empty or not an integer (JSON numbers beyond 2^53
    /// lose precision, so larger values are null too).
    static func integer(_ text: String) -> Any {
        guard let n = Int(text.trimmingCharacters(in: .whitespaces)), abs(n) < 1 << 53 else { return NSNull() }
        return n
    }
}
