import DICOM

/// The data set of a stored instance as `GET /api/instances/{uid}` shows it: DICOM JSON
/// (PS3.18 F.2) without bulk data. Encapsulated pixel data and binary values (OB, OD, OF, OL,
/// OV, OW, UN) longer than `maxInlineBinary` bytes are left out, at every nesting level, and
/// listed in `omitted` with their path, VR and length: a BulkDataURI would have to name a
/// resource this API does not serve (the whole file is at `/api/instances/{uid}/file`).
enum InstanceDataSet {
    static let maxInlineBinary = 1024
    static let binaryVRs: Set<VR> = [.OB, .OD, .OF, .OL, .OV, .OW, .UN]

    struct Omitted {
        /// `AttributePath` text: `7FE00010`, or `00540016/0/00181072` inside a sequence item.
        let path: String
        let vr: String
        /// Bytes of the value; nil for encapsulated pixel data (fragments).
        let length: Int?
    }

    /// Reads the file and answers its data set as DICOM JSON and what was left out.
    static func read(path: String) throws -> (json: [UInt8], omitted: [Omitted]) {
        let file = try DICOMFile.read(path: path)
        var omitted: [Omitted] = []
        let kept = filter(file.dataSet, steps: [], &omitted)
        return (DICOMJSONEncoder().encode(kept), omitted)
    }

    static func filter(_ ds: DataSet, steps: [AttributePath.Step], _ omitted: inout [Omitted]) -> DataSet {
        var out = DataSet()
        for e in ds {
            let path = AttributePath(e.tag, steps: steps).description
            switch e.value {
            case .encapsulated:
                omitted.append(Omitted(path: path, vr: e.vr.rawValue, length: nil))
            case let .bytes(b) where b.count > maxInlineBinary && (binaryVRs.contains(e.vr) || e.vr == .SQ):
                omitted.append(Omitted(path: path, vr: e.vr == .SQ ? "UN" : e.vr.rawValue, length: b.count))
            case let .sequence(items):
                let filtered = items.enumerated().map { i, item in
                    filter(item, steps: steps + [AttributePath.Step(sequence: e.tag, item: i)], &omitted)
                }
                out.append(DataElement(tag: e.tag, items: filtered, undefinedLength: e.undefinedLength))
            case .bytes:
                out.append(e)
            }
        }
        return out
    }
}
