import Testing
import DICOM
@testable import DICOMNetwork

@Suite struct DIMSETests {
    @Test func commandSetHasGroupLengthAndRoundTrips() throws {
        var c = DIMSECommand(field: .cStoreRQ, messageID: 7, sopClassUID: "1.2.840.10008.5.1.4.1.1.2", hasDataSet: true)
        c.setString(CommandTag.affectedSOPInstanceUID, "1.2.3.4.5", vr: .UI)
        let bytes = c.encoded()
        // (0000,0000) UL, implicit VR little endian: tag, length 4, then the length of the rest.
        #expect(Array(bytes[0..<8]) == [0, 0, 0, 0, 4, 0, 0, 0])
        let groupLength = Int(bytes[8]) | Int(bytes[9]) << 8
        #expect(groupLength == bytes.count - 12)
        let d = try DIMSECommand.decode(bytes)
        #expect(d.field == .cStoreRQ)
        #expect(d.messageID == 7)
        #expect(d.affectedSOPInstanceUID == "1.2.3.4.5")
        #expect(d.hasDataSet)
    }

    @Test func commandWithoutDataSetUses0101() {
        let c = DIMSECommand(field: .cEchoRQ, messageID: 1, sopClassUID: SOPClass.verification, hasDataSet: false)
        #expect(c.uint16(CommandTag.commandDataSetType) == 0x0101)
        #expect(!c.hasDataSet)
    }

    @Test func statusCategories() {
        #expect(DIMSEStatus.success.category == .success)
        #expect(DIMSEStatus.pending.isPending && DIMSEStatus(0xFF01).isPending)
        #expect(DIMSEStatus.cancel.category == .cancel)
        #expect(DIMSEStatus(0xB000).category == .warning)
        #expect(DIMSEStatus.moveDestinationUnknown.category == .failure)
        #expect(DIMSEStatus(0xA700).description.contains("out of resources"))
        #expect(DIMSEStatus(0xC123).category == .failure)
    }

    @Test(arguments: [UInt32(4096), 16384, 65536, 1 << 20, 0])
    func fragmentsFitThePeerMaximumAndReassemble(maxPDU: UInt32) throws {
        let data = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var cmd = DIMSECommand(field: .cStoreRQ, messageID: 3, sopClassUID: "1.2.840.10008.5.1.4.1.1.7", hasDataSet: true)
        cmd.setString(CommandTag.affectedSOPInstanceUID, "1.2.3", vr: .UI)
        let message = DIMSEMessage(contextID: 5, command: cmd, dataSet: data)
        var assembler = DIMSEAssembler()
        var result: DIMSEMessage?
        var pdus = 0
        try message.forEachPDU(maxPDULength: maxPDU) { p in
            pdus += 1
            let body = PDU.pData(p).encoded().count - 6
            if maxPDU > 0 { #expect(body <= Int(maxPDU)) }
            for v in p.values { if let m = try assembler.add(v) { result = m } }
        }
        #expect(pdus >= (maxPDU == 0 ? 2 : 300_000 / Int(maxPDU)))
        #expect(result?.dataSet == data)
        #expect(result?.command.affectedSOPInstanceUID == "1.2.3")
        #expect(result?.contextID == 5)
    }

    @Test func assemblerRefusesDataBeforeCommandAndMixedContexts() {
        var a = DIMSEAssembler()
        #expect(throws: DIMSEAssembler.AssemblyError.self) {
            try a.add(PDV(contextID: 1, isCommand: false, isLast: true, data: [1, 2][...]))
        }
        var b = DIMSEAssembler()
        let cmd = DIMSECommand(field: .cStoreRQ, messageID: 1, sopClassUID: "1.2", hasDataSet: true).encoded()
        #expect(throws: (any Error).self) {
            _ = try b.add(PDV(contextID: 1, isCommand: true, isLast: false, data: cmd[0..<4]))
            _ = try b.add(PDV(contextID: 3, isCommand: true, isLast: true, data: cmd[4...]))
        }
    }

    @Test func garbageCommandSetsAreErrors() {
        #expect(throws: (any Error).self) { try DIMSECommand.decode([1, 2, 3]) }
        // A data set element in the command set.
        var w = DataSetWriter(explicitVR: false, bigEndian: false)
        try? w.write(DataElement(tag: Tag(0x0010, 0x0010), vr: .PN, bytes: Array("X^Y ".utf8)))
        #expect(throws: (any Error).self) { try DIMSECommand.decode(w.bytes) }
    }
}
