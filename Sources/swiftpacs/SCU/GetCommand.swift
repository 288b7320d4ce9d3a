import DICOM
import DICOMNetwork

/// `swiftpacs get HOST PORT --out DIR -k …`: C-GET, like DCMTK's getscu.
enum GetCommand {
    static let help = """
    usage: swiftpacs get [options] HOST PORT -k KEY=VALUE...

    Retrieves the matches of a query over the same association (C-GET) and writes each as a
    DICOM file into the output folder, named by its SOP Instance UID.
    Example: swiftpacs get --aec PACS --out ./in host 104 --level SERIES -k SeriesInstanceUID=1.2.3

    options:
    \(SCUOptions.commonHelp)
    \(SCUOptions.queryHelp)
      --out DIR        folder for the received files (default: the current folder)

    The storage SOP classes proposed are the standard's current ones (uncompressed transfer
    syntaxes, with SCP role selection).

    Exit status: 0 when every sub-operation succeeded, 1 otherwise, 2 for a usage error.
    """

    @Sendable static func run(_ args: [String]) -> Int32 {
        runSCU("get", help: help) {
            let o = try SCUOptions.parse(args, command: "get", allowed: ["-k", "--out"])
            guard o.positional.isEmpty else { throw UsageError("unexpected argument '\(o.positional[0])'") }
            let out = o.outDir ?? "."
            guard FileSystem.makeDirectory(out) else { throw UsageError("--out '\(out)' is not a writable folder") }
            let identifier = try o.identifier()
            var contexts = [PresentationContextRQ(id: 1, abstractSyntax: o.getSOPClass, transferSyntaxes: [TransferSyntaxUIDs.explicitLE, TransferSyntaxUIDs.implicitLE])]
            var roles: [UserInformation.RoleSelection] = []
            for (i, cls) in storageClassesForGet.enumerated() {
                contexts.append(PresentationContextRQ(id: UInt8(3 + 2 * i), abstractSyntax: cls,
                                                      transferSyntaxes: [TransferSyntaxUIDs.explicitLE, TransferSyntaxUIDs.implicitLE]))
                roles.append(.init(sopClassUID: cls, scuRole: false, scpRole: true))
            }
            let a = try o.associate(contexts, roles: roles)
            var writeFailures = 0
            let r = try a.get(sopClass: o.getSOPClass, identifier: identifier, onProgress: { s in
                if o.verbose { print("pending: \(s.completed) completed, \(s.failed) failed, \(s.remaining.map(String.init) ?? "?") remaining") }
                return true
            }) { message, context in
                do {
                    let path = try ReceivedFile.write(message, context: context, into: out)
                    if o.verbose { print("received \(path)") }
                    return .success
                } catch {
                    writeFailures += 1
                    Console.error("swiftpacs get: cannot write \(message.command.affectedSOPInstanceUID ?? "?"): \(error)")
                    return .refusedOutOfResources
                }
            }
            try a.release()
            let status = SubOperationReport.print(r, verb: "retrieved into \(out)")
            return writeFailures == 0 ? status : 1
        }
    }

    /// At most 126 storage classes fit beside the C-GET context: the current (non-retired)
    /// ones, the most used first.
    static let storageClassesForGet: [String] = {
        let common = ["1.2.840.10008.5.1.4.1.1.2", "1.2.840.10008.5.1.4.1.1.4", "1.2.840.10008.5.1.4.1.1.1", "1.2.840.10008.5.1.4.1.1.1.1",
                      "1.2.840.10008.5.1.4.1.1.7", "1.2.840.10008.5.1.4.1.1.6.1", "1.2.840.10008.5.1.4.1.1.12.1", "1.2.840.10008.5.1.4.1.1.1.2",
                      "1.2.840.10008.5.1.4.1.1.20", "1.2.840.10008.5.1.4.1.1.128", "1.2.840.10008.5.1.4.1.1.481.1", "1.2.840.10008.5.1.4.1.1.481.2",
                      "1.2.840.10008.5.1.4.1.1.481.3", "1.2.840.10008.5.1.4.1.1.481.5", "1.2.840.10008.5.1.4.1.1.88.11", "1.2.840.10008.5.1.4.1.1.88.22",
                      "1.2.840.10008.5.1.4.1.1.88.33", "1.2.840.10008.5.1.4.1.1.104.1", "1.2.840.10008.5.1.4.1.1.2.1", "1.2.840.10008.5.1.4.1.1.4.1",
                      "1.2.840.10008.5.1.4.1.1.3.1", "1.2.840.10008.5.1.4.1.1.12.2", "1.2.840.10008.5.1.4.1.1.9.1.1", "1.2.840.10008.5.1.4.1.1.66.4"]
        let current = UIDDictionary.storageSOPClasses.filter { !$0.isRetired }.map(\.uid)
        var list = common.filter(current.contains)
        for u in current where !list.contains(u) { list.append(u) }
        return Array(list.prefix(126))
    }()
}
