// swiftpacs-bench: measurement drivers for `make bench` (scripts/bench_*.py run them and
// print the figures beside those of other tools), and an in-memory SCP for the network
// layer's interoperability tests, and the HTTP server serving the routes bench_http.py
// measures. Not part of the product.
#if canImport(Glibc)
import Glibc
#endif
import DICOM

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func listFiles(_ dir: String) -> [String] {
    guard let d = opendir(dir) else { return [] }
    defer { closedir(d) }
    var out: [String] = []
    while let e = readdir(d) {
        let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
        if name.hasSuffix(".dcm") { out.append(dir + "/" + name) }
    }
    return out.sorted()
}

/// `read DIR MODE`: reads every .dcm file in DIR; MODE `header` stops before Pixel Data,
/// `full` reads and touches every pixel byte. Prints `files seconds bytes` as JSON.
func benchRead(_ dir: String, full: Bool) -> Int32 {
    let files = listFiles(dir)
    var bytes = 0
    var checksum = 0
    let options = full ? ReadOptions() : ReadOptions(stopBefore: Tag(0x7FE0, 0x0010))
    let t0 = now()
    for path in files {
        do {
            let f = try DICOMFile.read(path: path, options: options)
            // What an indexer needs: the UIDs and a few names.
            checksum &+= f.dataSet[Tag(0x0008, 0x0018)]?.bytes.count ?? 0
            checksum &+= f.dataSet[Tag(0x0010, 0x0010)]?.bytes.count ?? 0
            if full, let px = f.dataSet[Tag(0x7FE0, 0x0010)] {
                checksum &+= px.bytes.withUnsafeBytes { raw in
                    var s = 0
                    for w in raw.bindMemory(to: UInt64.self) { s &+= Int(truncatingIfNeeded: w) }
                    return s
                }
            }
            var st = stat()
            if stat(path, &st) == 0 { bytes += Int(st.st_size) }
        } catch {
            print("{\"error\": \"\(path): \(error)\"}")
            return 1
        }
    }
    let dt = now() - t0
    print("{\"files\": \(files.count), \"seconds\": \(dt), \"bytes\": \(bytes), \"checksum\": \(checksum & 0xFFFF)}")
    return 0
}

let args = Array(CommandLine.arguments.dropFirst())
switch args.first {
case "read" where args.count == 3:
    exit(benchRead(args[1], full: args[2] == "full"))
case "scp":
    exit(runTestSCP(Array(args.dropFirst())))
case "http":
    exit(runHTTPBench(Array(args.dropFirst())))
default:
    print("usage: swiftpacs-bench read DIR header|full\n       swiftpacs-bench scp --port N [--aet AE] [--discard] [--peer AE=HOST:PORT]... [--known-only]\n"
          + "       swiftpacs-bench http --port N [--host H] [--static DIR] [--max-connections N]")
    exit(2)
}
