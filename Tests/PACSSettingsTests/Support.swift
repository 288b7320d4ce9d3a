import Foundation
import Synchronization
import DICOM
import DICOMNetwork
import Archive
import PACS

/// A directory removed when the value goes away.
final class TempDir {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "swiftpacs-settings-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

enum Net {
    /// A port nobody listens on right now.
    static func freePort() throws -> Int {
        let l = try TCPListener(host: "127.0.0.1", port: 0)
        defer { l.close() }
        return l.port
    }

    /// Opens an association asking for verification.
    static func associate(_ port: Int, called: String, calling: String = "TESTER") throws(AssociationError) -> Association {
        let rq = AssociateRQ(calledAETitle: called, callingAETitle: calling,
                             presentationContexts: [PresentationContextRQ(id: 1, abstractSyntax: SOPClass.verification,
                                                                          transferSyntaxes: [TransferSyntax.implicitVRLittleEndian.uid])],
                             userInformation: UserInformation())
        return try Association.request(host: "127.0.0.1", port: port, request: rq, maxPDULength: 16384, connectTimeout: 5, dimseTimeout: 10)
    }

    /// A-ASSOCIATE, C-ECHO, A-RELEASE; the echo's status.
    static func echo(_ port: Int, called: String) throws(AssociationError) -> DIMSEStatus {
        let a = try associate(port, called: called)
        let r = try a.echo()
        try a.release()
        return r.status
    }

    /// How an association attempt fails, in a word: "refused", "called-ae", "busy", "ok" or the error.
    static func outcome(_ port: Int, called: String) -> String {
        do {
            let a = try associate(port, called: called)
            let status = try a.echo().status
            try a.release()
            return status == .success ? "ok" : "status \(status)"
        } catch {
            switch error {
            case .transport(.connectionRefused): return "refused"
            case let .rejected(rj) where rj.reason == .calledAETitleNotRecognized: return "called-ae"
            case let .rejected(rj) where rj.reason == .localLimitExceeded: return "busy"
            default: return "\(error)"
            }
        }
    }
}

/// A DICOM log that keeps its records, with a debug switch like the persistent one.
final class RecordingLog: DICOMLog {
    let records = Mutex<[(LogLevel, String, Int?)]>([])
    let debug = Atomic<Bool>(false)

    func wants(_ level: LogLevel) -> Bool { level > .debug || debug.load(ordering: .relaxed) }
    func setDebug(_ on: Bool) { debug.store(on, ordering: .relaxed) }
    func record(_ level: LogLevel, _ message: String, peer: String?) { record(level, message, peer: peer, association: nil) }
    func record(_ level: LogLevel, _ message: String, peer: String?, association: Int?) {
        guard wants(level) else { return }
        records.withLock { $0.append((level, message, association)) }
    }
    var messages: [String] { records.withLock { $0.map(\.1) } }
    var debugCount: Int { records.withLock { $0.filter { $0.0 == .debug }.count } }
    func clear() { records.withLock { $0.removeAll() } }
}
