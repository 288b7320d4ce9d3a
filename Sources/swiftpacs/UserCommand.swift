import Archive
import PACS
#if canImport(Glibc)
import Glibc
#endif

/// `swiftpacs user add|passwd|list|remove`: the web server's users, kept in the data directory.
enum UserCommand {
    static let help = """
    usage: swiftpacs user add    [--data DIR] USERNAME [--role admin|user] [--can-send] [--can-upload] [--password-stdin]
           swiftpacs user passwd [--data DIR] USERNAME [--password-stdin]
           swiftpacs user list   [--data DIR]
           swiftpacs user remove [--data DIR] USERNAME

    The users who log in to the web portal and the API (admin: everything; user: search,
    view and download, plus sending to peers and uploading when granted).
    The password is typed twice at the terminal without echo, or read from standard input
    with --password-stdin (one line; for scripts: printf '%s\\n' "$PW" | swiftpacs user ...).
    Usernames take 1-64 characters of A-Z a-z 0-9 . _ @ -; passwords at least 8 characters.
    A new password ends the user's sessions. The last enabled admin cannot be removed.
    A running server sees changes at once.

      --data DIR          data directory (SWIFTPACS_DATA, default ./data)
      --role admin|user   role of a new user (default user)
      --can-send          a new user may send studies to peers
      --can-upload        a new user may upload instances
      --password-stdin    read the password from standard input
      -h, --help          show this help
    """

    struct Options {
        var verb = ""
        var data = Environment.get("SWIFTPACS_DATA") ?? "./data"
        var username: String?
        var role: UserRole = .user
        var canSend = false
        var canUpload = false
        var passwordFromStdin = false
        var given = Set<String>()
    }

    @Sendable static func run(_ args: [String]) -> Int32 {
        if args.first == "--help" || args.first == "-h" || args.contains("--help") || args.contains("-h") { print(help); return 0 }
        let o: Options
        switch parse(args) {
        case let .success(opts): o = opts
        case let .failure(usage):
            Console.error("swiftpacs user\(args.first.map { ["add", "passwd", "list", "remove"].contains($0) ? " \($0)" : "" } ?? ""): \(usage.message)")
            return 2
        }
        let name = "swiftpacs user \(o.verb)"
        if let u = o.username {
            do { try UserRules.checkUsername(u) } catch { Console.error("\(name): \(error.message)"); return 2 }
        }
        var isDir = stat()
        if stat(o.data, &isDir) != 0 {
            guard o.verb == "add", mkdir(o.data, 0o755) == 0 else {
                Console.error("\(name): no data directory '\(o.data)' (set --data or SWIFTPACS_DATA)")
                return 1
            }
        }
        let store: UserStore
        do {
            // The index alone: opening the whole archive would sweep files that a running
            // server may be writing.
            store = UserStore(index: try ArchiveIndex(path: o.data + "/index.sqlite"))
        } catch {
            Console.error("\(name): \(error)")
            return 1
        }
        do {
            switch o.verb {
            case "list": return try list(store, o)
            case "add": return try add(store, o, name)
            case "passwd": return try passwd(store, o, name)
            default: return try remove(store, o, name)
            }
        } catch let e as UserError {
            Console.error("\(name): \(e.message)")
            return e.isInvalidValue ? 2 : 1
        } catch {
            Console.error("\(name): \(error)")
            return 1
        }
    }

    struct Usage: Error { let message: String }

    static func parse(_ args: [String]) -> Result<Options, Usage> {
        var o = Options()
        guard let verb = args.first, ["add", "passwd", "list", "remove"].contains(verb) else {
            return .failure(Usage(message: "say add, passwd, list or remove. Run 'swiftpacs user --help'."))
        }
        o.verb = verb
        var i = 1
        while i < args.count {
            let a = args[i]
            switch a {
            case "--can-send": o.canSend = true
            case "--can-upload": o.canUpload = true
            case "--password-stdin": o.passwordFromStdin = true
            case "--data", "--role":
                guard i + 1 < args.count else { return .failure(Usage(message: "\(a) needs a value")) }
                let v = args[i + 1]
                if a == "--data" { o.data = v } else {
                    guard let r = UserRole(rawValue: v) else { return .failure(Usage(message: "--role takes admin or user, not '\(v)'")) }
                    o.role = r
                }
                i += 1
            default:
                if a.hasPrefix("-") { return .failure(Usage(message: "unknown option '\(a)'. Run 'swiftpacs user --help'.")) }
                guard o.username == nil else { return .failure(Usage(message: "one username only ('\(o.username!)', then '\(a)')")) }
                o.username = a
            }
            o.given.insert(a)
            i += 1
        }
        let allowed: Set<String> = switch verb {
        case "add": ["--data", "--role", "--can-send", "--can-upload", "--password-stdin"]
        case "passwd": ["--data", "--password-stdin"]
        default: ["--data"]
        }
        if let extra = o.given.filter({ $0.hasPrefix("--") }).subtracting(allowed).sorted().first {
            return .failure(Usage(message: "\(extra) does not apply to '\(verb)'. Run 'swiftpacs user --help'."))
        }
        if verb == "list" {
            if let u = o.username { return .failure(Usage(message: "list takes no username ('\(u)')")) }
        } else if o.username == nil {
            return .failure(Usage(message: "give the username. Run 'swiftpacs user --help'."))
        }
        return .success(o)
    }

    static func list(_ store: UserStore, _ o: Options) throws -> Int32 {
        let users = try store.users()
        if users.isEmpty { print("no users in \(o.data)"); return 0 }
        let width = max(8, users.map(\.username.count).max() ?? 0)
        func pad(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: max(0, w - s.count)) }
        print("\(pad("USERNAME", width))  ROLE   ENABLED  RIGHTS")
        for u in users {
            let rights = u.isAdmin ? "all" : (["portal"] + (u.canSend ? ["send"] : []) + (u.canUpload ? ["upload"] : [])).joined(separator: ",")
            print("\(pad(u.username, width))  \(pad(u.role.rawValue, 5))  \(pad(u.enabled ? "yes" : "no", 7))  \(rights)")
        }
        return 0
    }

    static func add(_ store: UserStore, _ o: Options, _ name: String) throws -> Int32 {
        let username = o.username!
        if try store.user(named: username) != nil { throw UserError(code: "user_exists", message: "a user named '\(username)' already exists") }
        let (entered, failure) = readPassword(o, name)
        guard let password = entered else { return failure }
        let u = try store.createUser(username: username, password: password, role: o.role, canSend: o.canSend, canUpload: o.canUpload)
        print("added user \(u.username) (role \(u.role.rawValue))")
        return 0
    }

    static func passwd(_ store: UserStore, _ o: Options, _ name: String) throws -> Int32 {
        guard let u = try store.user(named: o.username!) else { throw UserError(code: "not_found", message: "no user '\(o.username!)'") }
        let (entered, failure) = readPassword(o, name)
        guard let password = entered else { return failure }
        try store.setPassword(userID: u.id, to: password)
        print("changed the password of \(u.username); their sessions were ended")
        return 0
    }

    static func remove(_ store: UserStore, _ o: Options, _ name: String) throws -> Int32 {
        guard let u = try store.user(named: o.username!) else { throw UserError(code: "not_found", message: "no user '\(o.username!)'") }
        try store.deleteUser(id: u.id)
        print("removed user \(u.username)")
        return 0
    }

    /// The password from standard input or the terminal; else nil, after saying why, and
    /// the exit code.
    static func readPassword(_ o: Options, _ name: String) -> (String?, Int32) {
        do {
            return (o.passwordFromStdin ? try PasswordInput.fromStandardInput() : try PasswordInput.prompt("Password for \(o.username!)"), 0)
        } catch {
            let (code, why): (Int32, String) = switch error {
            case .noTerminal: (2, "standard input is not a terminal to type the password on: pipe it in with --password-stdin")
            case .empty: (2, "no password given")
            case .tooLong: (2, "the password is too long")
            case .mismatch: (1, "the two passwords differ; nothing changed")
            case .cancelled: (1, "cancelled; nothing changed")
            }
            Console.error("\(name): \(why)")
            return (nil, code)
        }
    }
}
