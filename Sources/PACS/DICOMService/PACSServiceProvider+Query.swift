import DICOM
import DICOMNetwork
import Archive
import enum Archive.QueryLevel
import enum Archive.InformationModel
import struct Archive.QueryError

/// C-FIND, C-MOVE and C-GET against the archive (PS3.4 Annex C).
extension PACSServiceProvider {
    static func model(for sopClass: String) -> InformationModel? {
        switch sopClass {
        case SOPClass.patientRootFind, SOPClass.patientRootMove, SOPClass.patientRootGet: return .patientRoot
        case SOPClass.studyRootFind, SOPClass.studyRootMove, SOPClass.studyRootGet: return .studyRoot
        default: return nil
        }
    }

    func target(_ request: QueryRequest) -> Result<(InformationModel, QueryLevel), RetrieveFailure> {
        guard let model = Self.model(for: request.sopClassUID) else {
            return .failure(RetrieveFailure(.sopClassNotSupported, comment: "information model \(request.sopClassUID) is not served"))
        }
        guard let level = request.level.flatMap({ QueryLevel(rawValue: $0.rawValue) }) else {
            return .failure(RetrieveFailure(.identifierDoesNotMatchSOPClass, comment: "the identifier needs a valid QueryRetrieveLevel (0008,0052)"))
        }
        return .success((model, level))
    }

    public func find(_ request: QueryRequest, _ ctx: ServiceContext, emit: (DataSet) -> Bool) -> ServiceResult {
        switch target(request) {
        case let .failure(f): return f.result
        case let .success((model, level)):
            do {
                try archive.find(model: model, level: level, identifier: request.identifier, emit: emit)
                return .success
            } catch {
                log.record(.warning, "C-FIND from \(ctx.callingAETitle) refused: \(error.message)", peer: ctx.callingAETitle)
                return ServiceResult(DIMSEStatus(error.status), comment: error.message)
            }
        }
    }

    public func retrieve(_ request: QueryRequest, _ ctx: ServiceContext) -> Result<[RetrieveItem], RetrieveFailure> {
        switch target(request) {
        case let .failure(f): return .failure(f)
        case let .success((model, level)):
            do {
                let list = try archive.retrieveList(model: model, level: level, identifier: request.identifier)
                return .success(list.map { inst in
                    RetrieveItem(sopClassUID: inst.sopClassUID, sopInstanceUID: inst.sopInstanceUID,
                                 transferSyntax: TransferSyntax.forUID(inst.transferSyntaxUID)) {
                        let (view, offset, _) = try Part10Header.locateDataSet(path: inst.path)
                        return view.slice(offset, view.count - offset).array
                    }
                })
            } catch {
                log.record(.warning, "retrieve for \(ctx.callingAETitle) refused: \(error.message)", peer: ctx.callingAETitle)
                return .failure(RetrieveFailure(DIMSEStatus(error.status), comment: error.message))
            }
        }
    }
}
