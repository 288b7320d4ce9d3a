import DICOM

/// A DIMSE message: a command and, when the command says so, a data set (PS3.7 §6.3).
/// The data set stays as the bytes received, in the presentation context's transfer syntax,
/// so that a C-STORE can be kept exactly as sent.
public struct DIMSEMessage: Sendable {
    public var contextID: UInt8
    public var command: DIMSECommand
    public var dataSet: [UInt8]?

    public init(contextID: UInt8, command: DIMSECommand, dataSet: [UInt8]? = nil) {
        self.contextID = contextID
        self.command = command
        self.dataSet = dataSet
    }

    /// Splits the message into P-DATA-TF PDUs whose bodies fit `maxPDULength` (the peer's
    /// Maximum Length Received; 0 means unlimited). One PDV per PDU, command first (PS3.8 Annex E).
    public func forEachPDU(maxPDULength: UInt32, _ body: (PDataTF) throws -> Void) rethrows {
        let limit = maxPDULength == 0 ? 1 << 20 : max(Int(maxPDULength) - 6, 1)
        func fragments(_ bytes: [UInt8], isCommand: Bool) throws {
            var at = 0
            repeat {
                let n = min(limit, bytes.count - at)
                let last = at + n >= bytes.count
                try body(PDataTF(values: [PDV(contextID: contextID, isCommand: isCommand, isLast: last, data: bytes[at..<(at + n)])]))
                at += n
            } while at < bytes.count
        }
        try fragments(command.encoded(), isCommand: true)
        if let d = dataSet { try fragments(d, isCommand: false) }
    }
}

/// Reassembles DIMSE messages from the PDVs of successive P-DATA-TF PDUs (PS3.8 Annex E).
public struct DIMSEAssembler {
    private var contextID: UInt8?
    private var commandBytes: [UInt8] = []
    private var command: DIMSECommand?
    private var dataBytes: [UInt8] = []
    /// Largest data set accepted in memory.
    public var maxDataSetLength: Int

    public init(maxDataSetLength: Int = 4 << 30) { self.maxDataSetLength = maxDataSetLength }

    public enum AssemblyError: Error, CustomStringConvertible, Sendable {
        case protocolViolation(String)
        public var description: String {
            switch self { case let .protocolViolation(s): return s }
        }
    }

    /// Feeds one PDV; returns a message when one is complete.
    public mutating func add(_ pdv: PDV) throws -> DIMSEMessage? {
        if let id = contextID, id != pdv.contextID {
            throw AssemblyError.protocolViolation("PDV for presentation context \(pdv.contextID) in the middle of a message on context \(id)")
        }
        contextID = pdv.contextID
        if pdv.isCommand {
            guard command == nil else { throw AssemblyError.protocolViolation("command fragment after the command was complete") }
            guard commandBytes.count + pdv.data.count <= 1 << 20 else { throw AssemblyError.protocolViolation("command set larger than 1 MiB") }
            commandBytes.append(contentsOf: pdv.data)
            guard pdv.isLast else { return nil }
            let c = try DIMSECommand.decode(commandBytes)
            commandBytes = []
            if c.hasDataSet {
                command = c
                return nil
            }
            defer { reset() }
            return DIMSEMessage(contextID: pdv.contextID, command: c)
        }
        guard let c = command else { throw AssemblyError.protocolViolation("data set fragment before its command") }
        guard dataBytes.count + pdv.data.count <= maxDataSetLength else {
            throw AssemblyError.protocolViolation("data set larger than \(maxDataSetLength) bytes")
        }
        if dataBytes.isEmpty, !pdv.isLast {
            // Room for a typical image at once (a CT slice is 4 of DCMTK's 128 KiB PDVs), so
            // that growing the buffer does not copy it again and again.
            dataBytes.reserveCapacity(min(max(pdv.data.count * 8, 256 * 1024), maxDataSetLength))
        }
        dataBytes.append(contentsOf: pdv.data)
        guard pdv.isLast else { return nil }
        defer { reset() }
        return DIMSEMessage(contextID: pdv.contextID, command: c, dataSet: dataBytes)
    }

    public var isIdle: Bool { contextID == nil }

    private mutating func reset() {
        contextID = nil
        command = nil
        commandBytes = []
        dataBytes = []
    }
}
