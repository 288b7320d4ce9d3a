import DICOMNetwork

/// `swiftpacs echo HOST PORT`: C-ECHO (verification), like DCMTK's echoscu.
enum EchoCommand {
    static let help = """
    usage: swiftpacs echo [options] HOST PORT

    Sends C-ECHO to a DICOM peer and reports whether it answered, and how fast.

    options:
    \(SCUOptions.commonHelp)
      --repeat N       send N echoes on the association (default 1)

    Exit status: 0 when the peer answered success, 1 otherwise (with the reason), 2 for a usage error.
    """

    @Sendable static func run(_ args: [String]) -> Int32 {
        runSCU("echo", help: help) {
            var args = args
            var count = 1
            if let i = args.firstIndex(of: "--repeat") {
                guard i + 1 < args.count, let n = Int(args[i + 1]), n > 0 else { throw UsageError("--repeat needs a positive number") }
                count = n
                args.removeSubrange(i...(i + 1))
            }
            let o = try SCUOptions.parse(args, command: "echo", allowed: [])
            guard o.positional.isEmpty else { throw UsageError("unexpected argument '\(o.positional[0])'") }
            let t0 = Clock.now()
            let a = try o.associate([PresentationContextRQ(id: 1, abstractSyntax: SOPClass.verification, transferSyntaxes: [TransferSyntaxUIDs.implicitLE])])
            var failures = 0
            for _ in 0..<count {
                let r = try a.echo()
                if !r.status.isSuccess {
                    failures += 1
                    Console.error("swiftpacs echo: \(o.host):\(o.port) answered \(r.status)")
                }
            }
            try a.release()
            let ms = (Clock.now() - t0) * 1000
            if failures == 0 {
                print("C-ECHO to \(o.calledAE) at \(o.host):\(o.port): success (\(count) in \(String(format1: ms)) ms)")
                return 0
            }
            return 1
        }
    }
}

enum TransferSyntaxUIDs {
    static let implicitLE = "1.2.840.10008.1.2"
    static let explicitLE = "1.2.840.10008.1.2.1"
}
