import DICOM
import DICOMNetwork

/// Options shared by the SCU commands, shaped like DCMTK's tools.
struct SCUOptions {
    var callingAE = "SWIFTPACS"
    var calledAE = "ANY-SCP"
    var maxPDU: UInt32 = 1 << 20
    var timeout: Double = 30
    var host = ""
    var port = 0
    var keys: [(Tag, String)] = []
    var destination: String?
    var outDir: String?
    var level: String?
    var model = "study"
    var verbose = false
    var positional: [String] = []

    static let commonHelp = """
      --aet AET        our AE title (calling), default SWIFTPACS
      --aec AET        the peer's AE title (called), default ANY-SCP
      --max-pdu N      largest PDU we receive, 4096-1048576 (default 1048576)
      --timeout S      seconds to wait for connection and answers (default 30)
      -v, --verbose    print each operation
      -h, --help       show this help
    """

    static let queryHelp = """
      -k KEY=VALUE     a query key: keyword or gggg,eeee; an empty value asks for the key back
      --level L        PATIENT, STUDY, SERIES or IMAGE (default STUDY, or from -k QueryRetrieveLevel)
      --model M        patient or study root information model (default study)
    """

    /// Parses `args`; `allowed` names the extra options the command takes.
    static func parse(_ args: [String], command: String, allowed: Set<String>) throws(UsageError) -> SCUOptions {
        var o = SCUOptions()
        var i = 0
        func value(_ name: String) throws(UsageError) -> String {
            guard i + 1 < args.count else { throw UsageError("\(name) needs a value") }
            i += 1
            return args[i]
        }
        while i < args.count {
            let a = args[i]
            switch a {
            case "-h", "--help": throw UsageError.help
            case "-v", "--verbose": o.verbose = true
            case "--aet":
                o.callingAE = try value(a)
                try checkAE(o.callingAE, a)
            case "--aec":
                o.calledAE = try value(a)
                try checkAE(o.calledAE, a)
            case "--max-pdu":
                let v = try value(a)
                guard let n = UInt32(v), (4096...(1 << 20)).contains(n) else { throw UsageError("--max-pdu '\(v)' must be a number from 4096 to 1048576") }
                o.maxPDU = n
            case "--timeout":
                let v = try value(a)
                guard let t = Double(v), t > 0, t <= 3600 else { throw UsageError("--timeout '\(v)' must be seconds from 1 to 3600") }
                o.timeout = t
            case "-k" where allowed.contains("-k"), "--key" where allowed.contains("-k"):
                o.keys.append(try parseKey(try value(a)))
            case "--dest" where allowed.contains("--dest"):
                o.destination = try value(a)
                try checkAE(o.destination!, a)
            case "--out" where allowed.contains("--out"):
                o.outDir = try value(a)
            case "--level" where allowed.contains("-k"):
                let v = try value(a).uppercased()
                guard QueryLevel(rawValue: v) != nil else { throw UsageError("--level '\(v)' must be PATIENT, STUDY, SERIES or IMAGE") }
                o.level = v
            case "--model" where allowed.contains("-k"):
                let v = try value(a).lowercased()
                guard v == "patient" || v == "study" else { throw UsageError("--model '\(v)' must be patient or study") }
                o.model = v
            default:
                if a.hasPrefix("-") && a.count > 1 && Int(a) == nil { throw UsageError("unknown option '\(a)'") }
                o.positional.append(a)
            }
            i += 1
        }
        guard o.positional.count >= 2 else { throw UsageError("give the peer's HOST and PORT") }
        o.host = o.positional[0]
        guard let p = Int(o.positional[1]), (1...65535).contains(p) else {
            throw UsageError("PORT '\(o.positional[1])' must be a number from 1 to 65535")
        }
        o.port = p
        o.positional.removeFirst(2)
        return o
    }

    static func checkAE(_ ae: String, _ option: String) throws(UsageError) {
        guard (1...16).contains(ae.count), !ae.contains(where: { $0 == "\\" || $0.isWhitespace || ($0.asciiValue ?? 0x20) < 0x20 }) else {
            throw UsageError("\(option) '\(ae)' is not an AE title: 1-16 characters, no spaces or backslash")
        }
    }

    /// `Keyword=value`, `gggg,eeee=value`, or without `=` (asks for the key back).
    static func parseKey(_ text: String) throws(UsageError) -> (Tag, String) {
        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        let name = String(parts[0]).trimmingCharacters(in: " ")
        let value = parts.count > 1 ? String(parts[1]) : ""
        if let t = Tag(hex: name) { return (t, value) }
        guard let e = DataDictionary.entry(forKeyword: name) else {
            throw UsageError("-k '\(name)' is not a DICOM keyword or a gggg,eeee tag")
        }
        return (e.tag, value)
    }

    /// The query identifier from `-k` keys, with the level.
    func identifier(defaultLevel: String = "STUDY") throws(UsageError) -> DataSet {
        var ds = DataSet()
        for (tag, value) in keys {
            let vr = DataDictionary.entry(for: tag)?.vr ?? .UN
            guard let e = try? QueryValue.element(tag: tag, vr: vr, text: value) else {
                throw UsageError("-k \(tag)=\(value): not a valid \(vr.rawValue) value")
            }
            ds[tag] = e
        }
        let levelTag = Tag(0x0008, 0x0052)
        if ds[levelTag] == nil || ds[levelTag]!.bytes.isEmpty {
            ds[levelTag] = try? QueryValue.element(tag: levelTag, vr: .CS, text: level ?? defaultLevel)
        }
        return ds
    }

    var findSOPClass: String { model == "patient" ? SOPClass.patientRootFind : SOPClass.studyRootFind }
    var moveSOPClass: String { model == "patient" ? SOPClass.patientRootMove : SOPClass.studyRootMove }
    var getSOPClass: String { model == "patient" ? SOPClass.patientRootGet : SOPClass.studyRootGet }

    /// Opens the association with the given contexts.
    func associate(_ contexts: [PresentationContextRQ], roles: [UserInformation.RoleSelection] = []) throws(AssociationError) -> Association {
        var info = UserInformation()
        info.roleSelections = roles
        let rq = AssociateRQ(calledAETitle: calledAE, callingAETitle: callingAE, presentationContexts: contexts, userInformation: info)
        return try Association.request(host: host, port: port, request: rq, maxPDULength: maxPDU, connectTimeout: timeout, dimseTimeout: timeout)
    }
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s = s.dropFirst() }
        while s.last == set { s = s.dropLast() }
        return String(s)
    }
}

/// A command-line mistake: printed with the command's name, exit status 2.
struct UsageError: Error {
    let message: String
    init(_ m: String) { message = m }
    static let help = UsageError("")
    var isHelp: Bool { message.isEmpty }
}

/// Encodes a query key value typed on the command line.
enum QueryValue {
    static func element(tag: Tag, vr: VR, text: String) throws -> DataElement {
        if text.isEmpty { return DataElement(tag: tag, vr: vr, bytes: [UInt8]()) }
        switch vr {
        case .US, .SS:
            guard let v = Int(text), let u = UInt16(exactly: v < 0 ? v + 65536 : v) else { throw DICOMError.encoding(text) }
            return DataElement(tag: tag, vr: vr, bytes: [UInt8(u & 0xFF), UInt8(u >> 8)])
        case .UL, .SL:
            guard let v = Int64(text), let u = UInt32(exactly: v < 0 ? v + (1 << 32) : v) else { throw DICOMError.encoding(text) }
            return DataElement(tag: tag, vr: vr, bytes: (0..<4).map { UInt8((u >> (8 * UInt32($0))) & 0xFF) })
        case .SQ: throw DICOMError.encoding("sequence keys need an empty value")
        default:
            var b = Array(text.utf8)
            if b.count % 2 == 1 { b.append(vr == .UI ? 0 : 0x20) }
            return DataElement(tag: tag, vr: vr, bytes: b)
        }
    }
}

/// Runs a command body, mapping usage errors to the help text and exit statuses.
func runSCU(_ name: String, help: String, _ body: () throws -> Int32) -> Int32 {
    do {
        return try body()
    } catch let u as UsageError {
        if u.isHelp { print(help); return 0 }
        Console.error("swiftpacs \(name): \(u.message). Run 'swiftpacs \(name) --help'.")
        return 2
    } catch {
        Console.error("swiftpacs \(name): \(error)")
        return 1
    }
}
