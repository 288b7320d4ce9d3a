import DICOM
import DICOMNetwork
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// An acceptor with in-memory handlers, for the interoperability tests and benchmarks of the
/// network layer (no archive): stores instances in memory (or discards them), answers C-FIND
/// from them with simple matching, and sends them back for C-MOVE and C-GET.
final class MemoryProvider: DICOMServiceProvider {
    struct Instance: Sendable {
        var sopClass: String
        var sopInstance: String
        var transferSyntax: TransferSyntax
        var bytes: [UInt8]
        var header: DataSet
    }

    let discard: Bool
    let knownPeers: [String: MoveDestination]
    let requireKnownCaller: Bool
    let storage = Mutex<[Instance]>([])
    let stored = Atomic<Int>(0)
    let verbose: Bool

    init(discard: Bool, knownPeers: [String: MoveDestination], requireKnownCaller: Bool, verbose: Bool) {
        self.discard = discard
        self.knownPeers = knownPeers
        self.requireKnownCaller = requireKnownCaller
        self.verbose = verbose
    }

    func negotiate(_ rq: AssociateRQ, peerAddress: String, ourAETitle: String) -> AssociationDecision {
        if requireKnownCaller, knownPeers[rq.callingAETitle] == nil, rq.calledAETitle == ourAETitle {
            return .reject(AssociateRJ(result: .permanent, reason: .callingAETitleNotRecognized))
        }
        return StandardNegotiation(aeTitle: ourAETitle, supports: { [self] in supports(abstractSyntax: $0) }).decide(rq)
    }

    func store(_ request: StoreRequest, _ ctx: ServiceContext) -> ServiceResult {
        stored.add(1, ordering: .relaxed)
        if discard { return .success }
        var view = ByteView(request.dataSet)
        do {
            if request.transferSyntax.isDeflated { view = ByteView(try Deflate.inflate(view)) }
            let header = try DataSetReader(view, transferSyntax: request.transferSyntax, options: ReadOptions(stopBefore: Tag(0x7FE0, 0x0010))).readDataSet(view)
            let inst = Instance(sopClass: request.sopClassUID, sopInstance: request.sopInstanceUID, transferSyntax: request.transferSyntax, bytes: request.dataSet, header: header)
            storage.withLock { list in
                list.removeAll { $0.sopInstance == inst.sopInstance }
                list.append(inst)
            }
            return .success
        } catch {
            return ServiceResult(.cannotUnderstand, comment: "unreadable data set: \(error)")
        }
    }

    static let levelKeys: [QueryLevel: Tag] = [.patient: Tag(0x0010, 0x0020), .study: Tag(0x0020, 0x000D), .series: Tag(0x0020, 0x000E), .image: Tag(0x0008, 0x0018)]

    func matches(_ identifier: DataSet) -> [Instance] {
        storage.withLock { $0 }.filter { inst in
            identifier.elements.allSatisfy { key in
                if key.tag == Tag(0x0008, 0x0052) || key.tag == Tag(0x0008, 0x0005) || key.vr == .SQ { return true }
                let wanted = String(decoding: key.bytes.array, as: UTF8.self).trimmingDICOMPadding()
                if wanted.isEmpty || wanted == "*" { return true }
                let have = inst.header[key.tag].map { String(decoding: $0.bytes.array, as: UTF8.self).trimmingDICOMPadding() } ?? ""
                return wanted.split(separator: "\\").contains { Wildcard.matches(String($0), have) }
            }
        }
    }

    func find(_ request: QueryRequest, _ ctx: ServiceContext, emit: (DataSet) -> Bool) -> ServiceResult {
        guard let level = request.level, let key = Self.levelKeys[level] else {
            return ServiceResult(.identifierDoesNotMatchSOPClass, comment: "missing or unknown QueryRetrieveLevel")
        }
        var seen = Set<String>()
        for inst in matches(request.identifier) {
            let id = inst.header[key].map { String(decoding: $0.bytes.array, as: UTF8.self) } ?? ""
            guard !seen.contains(id) else { continue }
            seen.insert(id)
            var answer = DataSet()
            for k in request.identifier.elements {
                answer[k.tag] = inst.header[k.tag] ?? DataElement(tag: k.tag, vr: k.vr, bytes: [UInt8]())
            }
            answer[Tag(0x0008, 0x0052)] = request.identifier[Tag(0x0008, 0x0052)]
            if !emit(answer) { break }
        }
        return .success
    }

    func retrieve(_ request: QueryRequest, _ ctx: ServiceContext) -> Result<[RetrieveItem], RetrieveFailure> {
        .success(matches(request.identifier).map { inst in
            RetrieveItem(sopClassUID: inst.sopClass, sopInstanceUID: inst.sopInstance, transferSyntax: inst.transferSyntax, load: { inst.bytes })
        })
    }

    func moveDestination(_ aeTitle: String, _ ctx: ServiceContext) -> MoveDestination? { knownPeers[aeTitle] }

    func event(_ event: ServerEvent) {
        guard verbose else { return }
        let line = Array("event: \(event)\n".utf8)
        _ = line.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
    }
}

/// `*` and `?` matching (PS3.4 C.2.2.2.4), case-sensitive as for most VRs.
enum Wildcard {
    static func matches(_ pattern: String, _ value: String) -> Bool {
        let p = Array(pattern), v = Array(value)
        var pi = 0, vi = 0, star = -1, mark = 0
        while vi < v.count {
            if pi < p.count, p[pi] == "?" || p[pi] == v[vi] { pi += 1; vi += 1 }
            else if pi < p.count, p[pi] == "*" { star = pi; mark = vi; pi += 1 }
            else if star >= 0 { pi = star + 1; mark += 1; vi = mark }
            else { return false }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}

/// `scp --port N [--aet AE] [--discard] [--peer AE=HOST:PORT]... [--known-only] [--max-associations N] [--max-pdu N]`
func runTestSCP(_ args: [String]) -> Int32 {
    var aet = "TESTSCP", port = 0, discard = false, knownOnly = false, verbose = false
    var maxAssoc = 64
    var maxPDU: UInt32 = 256 * 1024
    var peers: [String: MoveDestination] = [:]
    var i = 0
    while i < args.count {
        let a = args[i]
        let v = i + 1 < args.count ? args[i + 1] : ""
        switch a {
        case "--aet": aet = v; i += 1
        case "--port": port = Int(v) ?? 0; i += 1
        case "--discard": discard = true
        case "--known-only": knownOnly = true
        case "--verbose": verbose = true
        case "--max-associations": maxAssoc = Int(v) ?? 64; i += 1
        case "--max-pdu": maxPDU = UInt32(v) ?? maxPDU; i += 1
        case "--peer":
            let parts = v.split(separator: "=")
            let hp = parts.count == 2 ? parts[1].split(separator: ":") : []
            guard hp.count == 2, let p = Int(hp[1]) else { print("bad --peer \(v)"); return 2 }
            peers[String(parts[0])] = MoveDestination(aeTitle: String(parts[0]), host: String(hp[0]), port: p)
            i += 1
        default: print("unknown option \(a)"); return 2
        }
        i += 1
    }
    let provider = MemoryProvider(discard: discard, knownPeers: peers, requireKnownCaller: knownOnly, verbose: verbose)
    do {
        let server = try DICOMServer(configuration: ServerConfiguration(aeTitle: aet, host: "127.0.0.1", port: port, maxAssociations: maxAssoc, maxPDULength: maxPDU, idleTimeout: 30), provider: provider)
        server.start()
        let line = Array("listening on 127.0.0.1:\(server.port) as \(aet)\n".utf8)
        _ = line.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
        while true { pause() }
    } catch {
        print("cannot listen: \(error)")
        return 1
    }
}
