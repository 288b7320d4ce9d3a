import Testing
import Synchronization
#if canImport(Glibc)
import Glibc
#endif
import DICOM
@testable import DICOMNetwork

/// A provider that keeps what it is sent, for loopback tests over real sockets.
final class RecordingProvider: DICOMServiceProvider {
    let stored = Mutex<[StoreRequest]>([])
    let events = Mutex<[String]>([])

    func store(_ request: StoreRequest, _ ctx: ServiceContext) -> ServiceResult {
        stored.withLock { $0.append(request) }
        return .success
    }

    func find(_ request: QueryRequest, _ ctx: ServiceContext, emit: (DataSet) -> Bool) -> ServiceResult {
        for i in 0..<50 {
            var ds = DataSet()
            let text = Array("P\(i)".utf8) + (i < 10 ? [0x20] : [])
            ds[Tag(0x0010, 0x0020)] = DataElement(tag: Tag(0x0010, 0x0020), vr: .LO, bytes: text.count % 2 == 0 ? text : text + [0x20])
            if !emit(ds) { return ServiceResult(.cancel) }
            usleep(20_000)  // a slow archive: the SCU's C-CANCEL arrives while matches remain
        }
        return .success
    }

    func retrieve(_ request: QueryRequest, _ ctx: ServiceContext) -> Result<[RetrieveItem], RetrieveFailure> {
        let items = stored.withLock { $0 }.map { s in
            RetrieveItem(sopClassUID: s.sopClassUID, sopInstanceUID: s.sopInstanceUID, transferSyntax: s.transferSyntax, load: { s.dataSet })
        }
        return .success(items)
    }

    func event(_ event: ServerEvent) { events.withLock { $0.append("\(event)") } }
}

@Suite(.serialized) struct LoopbackTests {
    func server(_ provider: RecordingProvider, maxAssociations: Int = 8) throws -> DICOMServer {
        let s = try DICOMServer(configuration: ServerConfiguration(aeTitle: "LOOP", host: "127.0.0.1", port: 0, maxAssociations: maxAssociations), provider: provider)
        s.start()
        return s
    }

    func request(_ port: Int, called: String = "LOOP", contexts: [PresentationContextRQ], roles: [UserInformation.RoleSelection] = []) throws -> Association {
        var info = UserInformation()
        info.roleSelections = roles
        return try Association.request(host: "127.0.0.1", port: port,
                                       request: AssociateRQ(calledAETitle: called, callingAETitle: "TESTER", presentationContexts: contexts, userInformation: info),
                                       maxPDULength: 16384, connectTimeout: 5, dimseTimeout: 10)
    }

    static let ct = "1.2.840.10008.5.1.4.1.1.2"

    @Test func echoStoreFindGetOverRealSockets() throws {
        let provider = RecordingProvider()
        let s = try server(provider)
        defer { s.stop() }
        let a = try request(s.port, contexts: [
            PresentationContextRQ(id: 1, abstractSyntax: SOPClass.verification, transferSyntaxes: [TransferSyntax.implicitVRLittleEndian.uid]),
            PresentationContextRQ(id: 3, abstractSyntax: Self.ct, transferSyntaxes: [TransferSyntax.explicitVRLittleEndian.uid]),
            PresentationContextRQ(id: 5, abstractSyntax: SOPClass.studyRootFind, transferSyntaxes: [TransferSyntax.explicitVRLittleEndian.uid]),
            PresentationContextRQ(id: 7, abstractSyntax: SOPClass.studyRootGet, transferSyntaxes: [TransferSyntax.explicitVRLittleEndian.uid]),
        ], roles: [.init(sopClassUID: Self.ct, scuRole: false, scpRole: true)])
        #expect(try a.echo().status == .success)

        let payload = (0..<100_000).map { UInt8(truncatingIfNeeded: $0) }
        let r = try a.store(dataSet: payload, transferSyntax: .explicitVRLittleEndian, sopClassUID: Self.ct, sopInstanceUID: "1.2.3.4")
        #expect(r.status == .success)
        #expect(provider.stored.withLock { $0.first?.dataSet } == payload)

        var ids: [String] = []
        let f = try a.find(sopClass: SOPClass.studyRootFind, identifier: DataSet()) { ds in
            ids.append(String(decoding: ds[Tag(0x0010, 0x0020)]!.bytes.array, as: UTF8.self))
            return ids.count < 5
        }
        #expect(f.status == .cancel)
        #expect(ids.count == 5)

        var received: [[UInt8]] = []
        let g = try a.get(sopClass: SOPClass.studyRootGet, identifier: DataSet()) { m, _ in
            received.append(m.dataSet ?? [])
            return .success
        }
        #expect(g.status == .success)
        #expect(g.subOperations.completed == 1)
        #expect(received == [payload])
        try a.release()
        #expect(a.state == .sta1)
    }

    @Test func wrongCalledAETitleIsRejected() throws {
        let s = try server(RecordingProvider())
        defer { s.stop() }
        #expect {
            _ = try request(s.port, called: "NOT-ME", contexts: [PresentationContextRQ(id: 1, abstractSyntax: SOPClass.verification, transferSyntaxes: [TransferSyntax.implicitVRLittleEndian.uid])])
        } throws: { e in
            guard case let .rejected(rj) = e as? AssociationError else { return false }
            return rj.result == .permanent && rj.reason == .calledAETitleNotRecognized && rj.reason.source == 1 && rj.reason.code == 7
        }
    }

    @Test func overTheCapIsRejectedTransient() throws {
        let s = try server(RecordingProvider(), maxAssociations: 1)
        defer { s.stop() }
        let ctx = [PresentationContextRQ(id: 1, abstractSyntax: SOPClass.verification, transferSyntaxes: [TransferSyntax.implicitVRLittleEndian.uid])]
        let first = try request(s.port, contexts: ctx)
        #expect {
            _ = try request(s.port, contexts: ctx)
        } throws: { e in
            guard case let .rejected(rj) = e as? AssociationError else { return false }
            return rj.result == .transient && rj.reason.source == 3 && rj.reason.code == 2
        }
        try first.release()
    }

    @Test func unsupportedContextIsRefusedButAssociationAccepted() throws {
        let s = try server(RecordingProvider())
        defer { s.stop() }
        let a = try request(s.port, contexts: [PresentationContextRQ(id: 1, abstractSyntax: SOPClass.modalityWorklistFind, transferSyntaxes: [TransferSyntax.implicitVRLittleEndian.uid])])
        #expect(a.contexts.isEmpty)
        #expect(a.acceptance?.presentationContexts.first?.result == .abstractSyntaxNotSupported)
        #expect(throws: AssociationError.self) { try a.echo() }
        try a.release()
    }
}
