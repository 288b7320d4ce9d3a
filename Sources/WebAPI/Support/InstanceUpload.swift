import Foundation
import Archive
import DICOM
import HTTPServer

/// `POST /api/instances`: one DICOM Part 10 file (PS3.10 §7) as the body, stored through the
/// same `Archive.store` as a C-STORE (same durability and duplicate policy). The body is spooled
/// to the data directory's tmp/ (never held in memory; start-up empties that folder) and read
/// from a mapping; everything about it is checked before anything is stored.
enum InstanceUpload {
    /// The largest file accepted (413 beyond).
    static let maxSize = 2 << 30

    struct Stored {
        let outcome: Archive.StoreOutcome
        let sopInstanceUID: String
    }

    /// The request's media type must be application/dicom (415 otherwise).
    static func checkMediaType(_ request: HTTPRequest) throws {
        let type = (request.headers["Content-Type"] ?? "").split(separator: ";").first
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard type == "application/dicom" else {
            throw HTTPError(.unsupportedMediaType, code: "unsupported_media_type",
                            message: "send one DICOM Part 10 file as the body, with Content-Type: application/dicom")
        }
    }

    /// Reads the spooled file at `path` and stores it.
    static func store(path: String, archive: Archive, duplicates: Archive.DuplicatePolicy) throws -> Stored {
        let view = try ByteStorage.mapFile(path: path).view
        guard view.count >= 132, view.slice(128, 4).array == Array("DICM".utf8) else {
            throw HTTPError(.unprocessableContent, code: "not_dicom",
                            message: "the body is not a DICOM Part 10 file: no \"DICM\" after a 128-byte preamble (PS3.10 §7.1)")
        }
        let file: DICOMFile
        do {
            // A deflated data set inflates into memory, at most to Deflate.maximumInflatedSize.
            file = try DICOMFile(view)
        } catch {
            throw HTTPError(.unprocessableContent, code: "invalid_dicom", message: "the DICOM file cannot be read: \(error)")
        }
        guard !file.transferSyntaxWasGuessed else {
            throw HTTPError(.unprocessableContent, code: "invalid_dicom",
                            message: "the file meta information has no Transfer Syntax UID (0002,0010)")
        }
        guard TransferSyntax.isKnown(file.transferSyntax.uid) else {
            throw HTTPError(.unprocessableContent, code: "unsupported_transfer_syntax",
                            message: "the transfer syntax \(file.transferSyntax.uid) is not one this server knows")
        }
        let offset = file.dataSetOffset - view.start
        do {
            let outcome = try archive.store(dataSet: view.slice(offset, view.count - offset), transferSyntax: file.transferSyntax,
                                            duplicates: duplicates)
            return Stored(outcome: outcome, sopInstanceUID: file.dataSet.string(Tag(0x0008, 0x0018)) ?? "")
        } catch let e as ArchiveError {
            switch e {
            case .invalidInstance, .uidMismatch:
                throw HTTPError(.unprocessableContent, code: "invalid_instance", message: e.description)
            default:
                throw HTTPError(.serviceUnavailable, code: "storage_failed", message: e.description)
            }
        }
    }

    /// The outcome as the answer names it.
    static func name(_ o: Archive.StoreOutcome) -> String {
        switch o {
        case .stored: return "stored"
        case .storedWithDerivedUIDs: return "storedWithDerivedUIDs"
        case .duplicateKept: return "duplicateKept"
        case .replaced: return "replaced"
        }
    }
}
