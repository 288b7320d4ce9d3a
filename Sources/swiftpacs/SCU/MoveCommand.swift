import DICOM
import DICOMNetwork

/// `swiftpacs move HOST PORT --dest AET -k …`: C-MOVE, like DCMTK's movescu.
enum MoveCommand {
    static let help = """
    usage: swiftpacs move [options] --dest AET HOST PORT -k KEY=VALUE...

    Asks a peer to send the matches of a query to the AE title AET (C-MOVE), which the peer
    must know, and reports the sub-operations.
    Example: swiftpacs move --aec PACS --dest MYSCP host 104 --level STUDY -k StudyInstanceUID=1.2.3

    options:
    \(SCUOptions.commonHelp)
    \(SCUOptions.queryHelp)
      --dest AET       where the peer sends the matches (required)

    Exit status: 0 when every sub-operation succeeded, 1 otherwise, 2 for a usage error.
    """

    @Sendable static func run(_ args: [String]) -> Int32 {
        runSCU("move", help: help) {
            let o = try SCUOptions.parse(args, command: "move", allowed: ["-k", "--dest"])
            guard let dest = o.destination else { throw UsageError("--dest AET is required") }
            guard o.positional.isEmpty else { throw UsageError("unexpected argument '\(o.positional[0])'") }
            let identifier = try o.identifier()
            let a = try o.associate([PresentationContextRQ(id: 1, abstractSyntax: o.moveSOPClass, transferSyntaxes: [TransferSyntaxUIDs.explicitLE, TransferSyntaxUIDs.implicitLE])])
            let r = try a.move(sopClass: o.moveSOPClass, identifier: identifier, destination: dest) { s in
                if o.verbose { print("pending: \(s.completed) completed, \(s.failed) failed, \(s.warning) warnings, \(s.remaining.map(String.init) ?? "?") remaining") }
                return true
            }
            try a.release()
            return SubOperationReport.print(r, verb: "moved to \(dest)")
        }
    }
}

enum SubOperationReport {
    /// Prints the outcome of a C-MOVE/C-GET; exit status 0 only for full success.
    static func print(_ r: DIMSEResponse, verb: String) -> Int32 {
        let s = r.subOperations
        Swift.print("\(verb): \(s.completed) completed, \(s.failed) failed, \(s.warning) warnings; \(r.status)")
        if !r.status.isSuccess {
            Console.error("swiftpacs: \(r.status)\(r.errorComment.map { " — \($0)" } ?? "")")
            return 1
        }
        return s.failed == 0 ? 0 : 1
    }
}
