import Archive
import PACS
#if canImport(Glibc)
import Glibc
#endif

/// `swiftpacs peers add|list|remove`: the known DICOM peers, kept in the data directory.
enum PeersCommand {
    static let help = """
    usage: swiftpacs peers list   [--data DIR]
           swiftpacs peers add    [--data DIR] --aet AET --host HOST --port PORT [--description TEXT]
                                  [--no-find] [--no-move] [--no-get] [--no-store]
           swiftpacs peers remove [--data DIR] --aet AET

    Known peers may query (C-FIND), retrieve (C-MOVE, C-GET) and store here, unless one of
    the --no-... options takes that right away; they are also the only C-MOVE destinations.
    A running server sees changes at its next association.

      --data DIR    data directory (SWIFTPACS_DATA, default ./data)
    """

    @Sendable static func run(_ args: [String]) -> Int32 {
        guard let verb = args.first, ["add", "list", "remove"].contains(verb) else {
            if args.first == "--help" || args.first == "-h" { print(help); return 0 }
            Console.error("swiftpacs peers: say add, list or remove. Run 'swiftpacs peers --help'.")
            return 2
        }
        var data = Environment.get("SWIFTPACS_DATA") ?? "./data"
        var aet: String?, host: String?, port: Int?, description = ""
        var flags = Set<String>()
        var i = 1
        while i < args.count {
            let a = args[i]
            if a == "-h" || a == "--help" { print(help); return 0 }
            if ["--no-find", "--no-move", "--no-get", "--no-store"].contains(a) { flags.insert(a); i += 1; continue }
            guard i + 1 < args.count else { Console.error("swiftpacs peers: \(a) needs a value"); return 2 }
            let v = args[i + 1]
            switch a {
            case "--data": data = v
            case "--aet": aet = v
            case "--host": host = v
            case "--port":
                guard let p = Int(v), (1...65535).contains(p) else { Console.error("swiftpacs peers: --port '\(v)' must be 1-65535"); return 2 }
                port = p
            case "--description": description = v
            default: Console.error("swiftpacs peers: unknown option '\(a)'. Run 'swiftpacs peers --help'."); return 2
            }
            i += 2
        }
        let archive: Archive
        do { archive = try Archive(dataDirectory: data, role: .tool) } catch {
            Console.error("swiftpacs peers: \(error)")
            return 1
        }
        defer { archive.close() }
        do {
            switch verb {
            case "list":
                let peers = try archive.peers()
                if peers.isEmpty { print("no known peers in \(data)") }
                for p in peers {
                    let rights = [("find", p.allowFind), ("move", p.allowMove), ("get", p.allowGet), ("store", p.allowStore)].filter(\.1).map(\.0)
                    print("\(p.aeTitle)\t\(p.host):\(p.port)\t\(rights.joined(separator: ","))\t\(p.description)")
                }
            case "add":
                guard let aet, let host, let port else { Console.error("swiftpacs peers add: --aet, --host and --port are required"); return 2 }
                if let problem = Validation.aeTitleProblem(aet) { Console.error("swiftpacs peers add: --aet: \(problem)"); return 2 }
                if let problem = Validation.hostProblem(host) { Console.error("swiftpacs peers add: --host: \(problem)"); return 2 }
                try archive.addPeer(Peer(aeTitle: aet, host: host, port: port, description: description,
                                         allowFind: !flags.contains("--no-find"), allowMove: !flags.contains("--no-move"),
                                         allowGet: !flags.contains("--no-get"), allowStore: !flags.contains("--no-store")))
                print("added peer \(aet) at \(host):\(port)")
            default:
                guard let aet else { Console.error("swiftpacs peers remove: --aet is required"); return 2 }
                guard try archive.removePeer(aeTitle: aet) else { Console.error("swiftpacs peers remove: no peer '\(aet)'"); return 1 }
                print("removed peer \(aet)")
            }
            return 0
        } catch {
            Console.error("swiftpacs peers: \(error)")
            return 1
        }
    }
}

enum Environment {
    static func get(_ name: String) -> String? {
        guard let v = getenv(name) else { return nil }
        return String(cString: v)
    }
}
