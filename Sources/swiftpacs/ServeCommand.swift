#if canImport(Glibc)
import Glibc
#endif
import DICOM
import DICOMNetwork
import Archive
import PACS

/// `swiftpacs serve`: settings from flags, then environment, then defaults (SPEC §1).
enum ServeCommand {
    static let help = """
    usage: swiftpacs serve [--data DIR] [--aet AET] [--dicom-port N] [--http-port N] [--host ADDR]
                           [--ssl on|off] [--accept-unknown-storers on|off] [--debug]

    Runs the PACS server. Each flag may also be given as an environment variable; a flag wins
    over the variable, and both override the stored settings for this run only (settings
    changed through the API are stored in the data directory).

      --data DIR        data directory: index, files, settings   (SWIFTPACS_DATA, default ./data)
      --aet AET         DICOM AE title, 1-16 characters            (SWIFTPACS_AET, stored or SWIFTPACS)
      --dicom-port N    DICOM port, 0 disables                     (SWIFTPACS_DICOM_PORT, stored or 11112)
      --http-port N     HTTP port, 0 disables                      (SWIFTPACS_HTTP_PORT, stored or 3000)
      --host ADDR       address to listen on                       (SWIFTPACS_HOST, default 0.0.0.0)
      --ssl on|off      HTTPS for the web server, with the certificate uploaded through
                        the API                                    (SWIFTPACS_SSL, stored or off)
      --accept-unknown-storers on|off
                        whether callers that are not known peers may C-STORE (for this
                        run; otherwise the stored setting, default off)
      --debug           log every PDU and DIMSE message (the DICOM log's debug mode) for
                        this run
      -h, --help        show this help

    On the first start (no users yet) it creates the user admin with the password in
    SWIFTPACS_ADMIN_PASSWORD, or with a random password that it prints once.

    Stops cleanly on SIGTERM or SIGINT.
    """

    struct Options {
        var data = "./data"
        var aet: String?
        var dicomPort: Int?
        var httpPort: Int?
        var host = "0.0.0.0"
        var acceptUnknownStorers: Bool?
        var ssl: Bool?
        var debug = false

        /// What the flags and variables set, over the stored settings, for this run.
        var overrides: SettingsOverrides {
            SettingsOverrides(dicomAETitle: aet, dicomPort: dicomPort, debugMode: debug ? true : nil,
                              acceptUnknownStorers: acceptUnknownStorers, httpPort: httpPort, httpSSL: ssl)
        }
    }

    @Sendable static func run(_ args: [String]) -> Int32 {
        var o = Options()
        let env = { (name: String) -> String? in getenv(name).map { String(cString: $0) } }
        if let v = env("SWIFTPACS_DATA") { o.data = v }
        if let v = env("SWIFTPACS_AET") { o.aet = v }
        if let v = env("SWIFTPACS_HOST") { o.host = v }
        /// on/off values, parsed in one place: (flag or variable, text).
        func onOff(_ name: String, _ v: String) -> Bool? {
            guard v == "on" || v == "off" else {
                Console.error("swiftpacs serve: \(name) takes on or off, not '\(v)'")
                return nil
            }
            return v == "on"
        }
        if let v = env("SWIFTPACS_SSL") {
            guard let b = onOff("SWIFTPACS_SSL", v) else { return 2 }
            o.ssl = b
        }
        var portTexts: [(String, String)] = []
        if let v = env("SWIFTPACS_DICOM_PORT") { portTexts.append(("SWIFTPACS_DICOM_PORT", v)) }
        if let v = env("SWIFTPACS_HTTP_PORT") { portTexts.append(("SWIFTPACS_HTTP_PORT", v)) }
        var i = 0
        while i < args.count {
            let a = args[i]
            if a == "-h" || a == "--help" { print(help); return 0 }
            if a == "--debug" { o.debug = true; i += 1; continue }
            guard ["--data", "--aet", "--dicom-port", "--http-port", "--host", "--accept-unknown-storers", "--ssl"].contains(a) else {
                Console.error("swiftpacs serve: unknown option '\(a)'. Run 'swiftpacs serve --help'.")
                return 2
            }
            guard i + 1 < args.count else {
                Console.error("swiftpacs serve: \(a) needs a value. Run 'swiftpacs serve --help'.")
                return 2
            }
            let v = args[i + 1]
            switch a {
            case "--data": o.data = v
            case "--aet": o.aet = v
            case "--host": o.host = v
            case "--accept-unknown-storers":
                guard let b = onOff(a, v) else { return 2 }
                o.acceptUnknownStorers = b
            case "--ssl":
                guard let b = onOff(a, v) else { return 2 }
                o.ssl = b
            default: portTexts.append((a, v))
            }
            i += 2
        }
        for (name, text) in portTexts {
            guard let p = Int(text), (0...65535).contains(p) else {
                Console.error("swiftpacs serve: \(name) '\(text)' is not a port number: use 0-65535 (0 disables)")
                return 2
            }
            if name.contains("DICOM") || name == "--dicom-port" { o.dicomPort = p } else { o.httpPort = p }
        }
        if let aet = o.aet, let problem = Validation.aeTitleProblem(aet) {
            Console.error("swiftpacs serve: AE title '\(aet)' is invalid: \(problem) (--aet or SWIFTPACS_AET)")
            return 2
        }
        if mkdir(o.data, 0o755) != 0 && errno != EEXIST {
            Console.error("swiftpacs serve: data directory '\(o.data)' cannot be created: \(String(cString: strerror(errno))) (set --data or SWIFTPACS_DATA to a writable directory)")
            return 1
        }
        guard access(o.data, W_OK) == 0 else {
            Console.error("swiftpacs serve: data directory '\(o.data)' is not writable (set --data or SWIFTPACS_DATA to a writable directory)")
            return 1
        }
        return Server.run(o)
    }
}
