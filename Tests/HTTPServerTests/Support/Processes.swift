#if canImport(Glibc)
import Glibc
#endif

/// Runs a shell command line and returns its exit status and combined output.
func shell(_ command: String) -> (status: Int32, output: String) {
    guard let pipe = popen(command + " 2>&1", "r") else { return (-1, "popen failed") }
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&buf, 1, buf.count, pipe)
        if n <= 0 { break }
        out += buf[0..<n]
    }
    let rc = pclose(pipe)
    return ((rc >> 8) & 0xff, String(decoding: out, as: UTF8.self))
}

/// The process's resident set size in KiB (VmRSS in /proc/self/status).
func residentKiB() -> Int {
    guard let f = fopen("/proc/self/status", "r") else { return -1 }
    defer { fclose(f) }
    var line = [CChar](repeating: 0, count: 512)
    while fgets(&line, Int32(line.count), f) != nil {
        let s = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if s.hasPrefix("VmRSS:") {
            return Int(s.dropFirst(6).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "") ?? -1
        }
    }
    return -1
}

/// A temporary folder, removed with its content at deinit.
final class TemporaryFolder {
    let path: String
    init() {
        var template = Array("/tmp/httpserver-test-XXXXXX".utf8CString)
        let p = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        path = String(cString: p!)
    }
    func write(_ name: String, _ bytes: [UInt8]) {
        let f = fopen(path + "/" + name, "wb")!
        _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
        fclose(f)
    }
    func write(_ name: String, _ text: String) { write(name, Array(text.utf8)) }
    func mkdir(_ name: String) { _ = Glibc.mkdir(path + "/" + name, 0o755) }
    deinit { _ = shell("rm -rf '\(path)'") }
}

/// Raises the soft limit on open files (for tests holding many connections).
func raiseOpenFileLimit(to wanted: UInt) {
    var rl = rlimit()
    getrlimit(Int32(RLIMIT_NOFILE.rawValue), &rl)
    if rl.rlim_cur < wanted {
        rl.rlim_cur = min(wanted, rl.rlim_max)
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &rl)
    }
}

/// A small seeded generator (SplitMix64) so that fuzz runs are reproducible.
struct SeededRNG: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
