import DICOM
import DICOMNetwork

/// `swiftpacs find HOST PORT -k …`: C-FIND, like DCMTK's findscu.
enum FindCommand {
    static let help = """
    usage: swiftpacs find [options] HOST PORT -k KEY=VALUE...

    Queries a peer (C-FIND) and prints each match's keys, one element per line.
    Example: swiftpacs find --aec PACS host 104 -k PatientName='DOE*' -k StudyDate= -k StudyInstanceUID=

    options:
    \(SCUOptions.commonHelp)
    \(SCUOptions.queryHelp)
      --limit N        cancel (C-CANCEL) after N matches

    Exit status: 0 when the query completed with success, 1 otherwise, 2 for a usage error.
    """

    @Sendable static func run(_ args: [String]) -> Int32 {
        runSCU("find", help: help) {
            var args = args
            var limit = Int.max
            if let i = args.firstIndex(of: "--limit") {
                guard i + 1 < args.count, let n = Int(args[i + 1]), n > 0 else { throw UsageError("--limit needs a positive number") }
                limit = n
                args.removeSubrange(i...(i + 1))
            }
            let o = try SCUOptions.parse(args, command: "find", allowed: ["-k"])
            guard o.positional.isEmpty else { throw UsageError("unexpected argument '\(o.positional[0])'") }
            let identifier = try o.identifier()
            let a = try o.associate([PresentationContextRQ(id: 1, abstractSyntax: o.findSOPClass, transferSyntaxes: [TransferSyntaxUIDs.explicitLE, TransferSyntaxUIDs.implicitLE])])
            var n = 0
            let dumper = DataSetDumper()
            let r = try a.find(sopClass: o.findSOPClass, identifier: identifier) { match in
                n += 1
                var text = "# match \(n)\n"
                dumper.dump(match, into: &text, depth: 0, charset: .default)
                Console.write(text)
                return n < limit
            }
            try a.release()
            print("\(n) match\(n == 1 ? "" : "es"); \(r.status)")
            return r.status.isSuccess || (r.status == .cancel && n >= limit) ? 0 : 1
        }
    }
}
