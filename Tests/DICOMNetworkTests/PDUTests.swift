import Testing
@testable import DICOMNetwork

@Suite struct PDUTests {
    static func sampleRQ() -> AssociateRQ {
        var info = UserInformation()
        info.maximumLength = 16384
        info.implementationClassUID = "1.2.3.4"
        info.implementationVersionName = "TEST_1"
        info.asynchronousOperationsWindow = (1, 1)
        info.roleSelections = [.init(sopClassUID: "1.2.840.10008.5.1.4.1.1.2", scuRole: false, scpRole: true)]
        info.extendedNegotiations = [.init(sopClassUID: "1.2.840.10008.5.1.4.1.2.2.1", applicationInformation: [1, 1, 0])]
        info.commonExtendedNegotiations = [.init(sopClassUID: "1.2.3", serviceClassUID: "1.2.840.10008.4.2", relatedGeneralSOPClassUIDs: ["1.2.4", "1.2.5"])]
        info.userIdentityRQ = .init(type: 2, positiveResponseRequested: true, primaryField: Array("user".utf8), secondaryField: Array("pass".utf8))
        return AssociateRQ(calledAETitle: "SWIFTPACS", callingAETitle: "STORESCU",
                           presentationContexts: [
                            PresentationContextRQ(id: 1, abstractSyntax: "1.2.840.10008.1.1", transferSyntaxes: ["1.2.840.10008.1.2"]),
                            PresentationContextRQ(id: 3, abstractSyntax: "1.2.840.10008.5.1.4.1.1.2", transferSyntaxes: ["1.2.840.10008.1.2.1", "1.2.840.10008.1.2"]),
                           ], userInformation: info)
    }

    func roundTrip(_ pdu: PDU) throws -> PDU {
        let bytes = pdu.encoded()
        let (type, length) = try PDU.header(Array(bytes.prefix(6)), maxPDataLength: 0)
        #expect(length == bytes.count - 6)
        return try PDU.decode(type: type, body: Array(bytes.dropFirst(6)))
    }

    @Test func everyPDURoundTrips() throws {
        let rq = Self.sampleRQ()
        var acInfo = UserInformation()
        acInfo.maximumLength = 32768
        acInfo.implementationClassUID = "1.2.3.4.5"
        acInfo.userIdentityAC = [9, 9]
        let ac = AssociateAC(calledAETitle: "SWIFTPACS", callingAETitle: "STORESCU",
                             presentationContexts: [.init(id: 1, result: .acceptance, transferSyntax: "1.2.840.10008.1.2"),
                                                    .init(id: 3, result: .abstractSyntaxNotSupported, transferSyntax: "")],
                             userInformation: acInfo)
        let pdus: [PDU] = [
            .associateRQ(rq), .associateAC(ac),
            .associateRJ(AssociateRJ(result: .permanent, reason: .calledAETitleNotRecognized)),
            .pData(PDataTF(values: [PDV(contextID: 1, isCommand: true, isLast: true, data: [1, 2, 3, 4][...])])),
            .releaseRQ, .releaseRP, .abort(AAbort(source: .serviceProvider, reason: .unexpectedPDU)),
        ]
        for p in pdus { #expect(try roundTrip(p) == p) }
    }

    @Test func associateRQLayoutMatchesPS38() {
        let bytes = PDU.associateRQ(Self.sampleRQ()).encoded()
        #expect(bytes[0] == 0x01)
        #expect(bytes[6] == 0 && bytes[7] == 1)  // protocol version
        #expect(String(decoding: bytes[10..<26], as: UTF8.self) == "SWIFTPACS       ")
        #expect(String(decoding: bytes[26..<42], as: UTF8.self) == "STORESCU        ")
        #expect(bytes[74] == 0x10)  // application context item first
    }

    @Test func rejectsOversizedAndUnknownPDUs() {
        #expect(throws: PDUError.self) { try PDU.header([0x01, 0, 0x00, 0x20, 0, 1], maxPDataLength: 0) }  // 2 MiB RQ
        #expect(throws: PDUError.self) { try PDU.header([0x04, 0, 0, 1, 0, 0], maxPDataLength: 16384) }  // 64 KiB > 16 KiB
        #expect(throws: PDUError.self) { try PDU.header([0x09, 0, 0, 0, 0, 4], maxPDataLength: 0) }
    }

    @Test func truncatedBodiesAreErrorsNotCrashes() {
        let full = PDU.associateRQ(Self.sampleRQ()).encoded()
        for cut in 6..<full.count {
            _ = try? PDU.decode(type: 1, body: Array(full[6..<cut]))
        }
        #expect(throws: PDUError.self) { try PDU.decode(type: 4, body: [0, 0, 0, 1, 1]) }
        #expect(throws: PDUError.self) { try PDU.decode(type: 4, body: [0xFF, 0xFF, 0xFF, 0xFF, 1, 3]) }
    }
}
