import DICOM
import DICOMNetwork
#if canImport(Glibc)
import Glibc
#endif

/// `swiftpacs store HOST PORT FILE|DIR…`: C-STORE, like DCMTK's storescu.
enum StoreCommand {
    static let help = """
    usage: swiftpacs store [options] HOST PORT FILE|DIR...

    Sends DICOM files (folders are searched recursively) to a peer on one association,
    each in its own transfer syntax; an uncompressed file is converted when the peer accepts
    only another uncompressed syntax.

    options:
    \(SCUOptions.commonHelp)

    Exit status: 0 when every file was stored with success, 1 otherwise, 2 for a usage error.
    """

    struct Item {
        var path: String
        var sopClass: String
        var transferSyntax: TransferSyntax
    }

    @Sendable static func run(_ args: [String]) -> Int32 {
        runSCU("store", help: help) {
            let o = try SCUOptions.parse(args, command: "store", allowed: [])
            guard !o.positional.isEmpty else { throw UsageError("give the files or folders to send") }
            var items: [Item] = []
            var unreadable = 0
            for path in FileWalker.files(under: o.positional) {
                do {
                    let f = try DICOMFile.read(path: path, options: ReadOptions(stopBefore: Tag(0x0008, 0x0019)))
                    let cls = (f.dataSet[Tag(0x0008, 0x0016)] ?? f.meta[Tag(0x0002, 0x0002)]).map { String(decoding: $0.bytes.array, as: UTF8.self).trimmingDICOMPadding() }
                    guard let c = cls, !c.isEmpty else { throw DICOMError.malformed(offset: 0, reason: "no SOP Class UID") }
                    items.append(Item(path: path, sopClass: c, transferSyntax: f.transferSyntax))
                } catch {
                    Console.error("swiftpacs store: skipping \(path): \(error)")
                    unreadable += 1
                }
            }
            guard !items.isEmpty else { Console.error("swiftpacs store: no DICOM file to send"); return 1 }
            let t0 = Clock.now()
            var stored = 0, failed = unreadable, bytes = 0
            for batch in contextBatches(items) {
                let a = try o.associate(batch.contexts)
                for item in batch.items {
                    do {
                        let f = try DICOMFile.read(path: item.path)
                        let r = try a.store(file: f)
                        var st = stat()
                        if stat(item.path, &st) == 0 { bytes += Int(st.st_size) }
                        if r.status.category == .success || r.status.category == .warning {
                            stored += 1
                            if o.verbose { print("stored \(item.path): \(r.status)") }
                        } else {
                            failed += 1
                            Console.error("swiftpacs store: \(item.path): \(r.status)\(r.errorComment.map { " — \($0)" } ?? "")")
                        }
                    } catch let e as AssociationError {
                        if case .noPresentationContext = e {
                            failed += 1
                            Console.error("swiftpacs store: \(item.path): \(e)")
                            continue
                        }
                        throw e
                    } catch {
                        failed += 1
                        Console.error("swiftpacs store: \(item.path): \(error)")
                    }
                }
                try a.release()
            }
            let dt = Clock.now() - t0
            print("stored \(stored) of \(items.count + unreadable) files to \(o.calledAE) at \(o.host):\(o.port) in \(String(format1: dt)) s (\(String(format1: Double(bytes) / 1e6 / max(dt, 1e-6))) MB/s)" + (failed > 0 ? ", \(failed) failed" : ""))
            return failed == 0 ? 0 : 1
        }
    }

    /// Groups the files so that no association proposes more than 127 presentation contexts:
    /// each SOP class with the file's own syntax, and the uncompressed ones as a fallback.
    static func contextBatches(_ items: [Item]) -> [(contexts: [PresentationContextRQ], items: [Item])] {
        var batches: [(contexts: [PresentationContextRQ], items: [Item])] = []
        var contexts: [PresentationContextRQ] = []
        var keys = Set<String>()
        var current: [Item] = []
        func add(_ cls: String, _ syntaxes: [String]) {
            let key = cls + "|" + syntaxes.joined(separator: ",")
            guard !keys.contains(key) else { return }
            keys.insert(key)
            contexts.append(PresentationContextRQ(id: UInt8(contexts.count * 2 + 1), abstractSyntax: cls, transferSyntaxes: syntaxes))
        }
        for item in items {
            let needed = 2
            if contexts.count + needed > 127 {
                batches.append((contexts, current))
                contexts = []; keys = []; current = []
            }
            add(item.sopClass, [item.transferSyntax.uid])
            if item.transferSyntax.isUncompressed || item.transferSyntax.isDeflated {
                add(item.sopClass, [TransferSyntaxUIDs.explicitLE, TransferSyntaxUIDs.implicitLE])
            }
            current.append(item)
        }
        if !current.isEmpty { batches.append((contexts, current)) }
        return batches
    }
}

/// Lists files, descending into folders (sorted, hidden entries skipped).
enum FileWalker {
    static func files(under paths: [String]) -> [String] {
        var out: [String] = []
        for p in paths { walk(p, &out) }
        return out
    }

    static func walk(_ path: String, _ out: inout [String]) {
        var st = stat()
        guard stat(path, &st) == 0 else { out.append(path); return }  // reported as unreadable later
        if (st.st_mode & S_IFMT) != S_IFDIR { out.append(path); return }
        guard let d = opendir(path) else { return }
        var names: [String] = []
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            if !name.hasPrefix(".") { names.append(name) }
        }
        closedir(d)
        for n in names.sorted() { walk(path + "/" + n, &out) }
    }
}
