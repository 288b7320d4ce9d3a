#if canImport(Glibc)
import Glibc
#endif
import DICOM

/// Files of the archive under `<data>/files`, named by random identifiers — never by DICOM
/// values, so no UID can reach a path. Writes go to `<data>/tmp` first.
public struct FileStore: Sendable {
    public let root: String
    var filesDir: String { root + "/files" }
    var tmpDir: String { root + "/tmp" }
    /// Where writes in progress go (uploads spooled to disk too): emptied at every start.
    public var temporaryDirectory: String { tmpDir }

    public init(root: String) throws {
        self.root = root
        for d in [root, filesDir, tmpDir] {
            if mkdir(d, 0o755) != 0 && errno != EEXIST {
                throw ArchiveError.dataDirectory("cannot create \(d): \(String(cString: strerror(errno))) (set --data or SWIFTPACS_DATA to a writable directory)")
            }
        }
        guard access(root, W_OK) == 0, access(filesDir, W_OK) == 0 else {
            throw ArchiveError.dataDirectory("the data directory \(root) is not writable (set --data or SWIFTPACS_DATA to a writable directory)")
        }
        var made = false
        for d in Self.fanout where access(filesDir + "/" + d, F_OK) != 0 {
            if mkdir(filesDir + "/" + d, 0o755) != 0 && errno != EEXIST {
                throw ArchiveError.dataDirectory("cannot create \(filesDir)/\(d): \(String(cString: strerror(errno)))")
            }
            made = true
        }
        if made {
            Self.syncDirectory(filesDir)
            Self.syncDirectory(root)
        }
    }

    /// `ab/<32 hex digits>.dcm`, from 128 random bits: 256 folders, made (and made durable)
    /// once at start, so that a store creates no directory.
    public func newRelativePath() -> String {
        var g = SystemRandomNumberGenerator()
        let hex = (0..<2).map { _ in
            let s = String(g.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - s.count) + s
        }.joined()
        return "\(hex.prefix(2))/\(hex).dcm"
    }

    static let hexDigits = Array("0123456789abcdef")
    static var fanout: [String] { hexDigits.flatMap { a in hexDigits.map { b in String([a, b]) } } }

    public func absolutePath(_ relative: String) -> String { filesDir + "/" + relative }

    /// Writes `parts` to `relative`: temporary file, fsync, rename, fsync of the directory.
    /// When this returns the file is durable; when it throws nothing is left behind.
    public func write(_ parts: [[UInt8]], to relative: String) throws {
        try write(parts: parts.map { p in { p.withUnsafeBytes($0) } }, to: relative)
    }

    /// Writes `parts` (views into received buffers or mapped files, written without a copy) to
    /// `relative`, as `write(_:to:)` does.
    public func write(_ parts: [ByteView], to relative: String) throws {
        try write(parts: parts.map { p in { p.withUnsafeBytes($0) } }, to: relative)
    }

    /// The pieces of a file, each lending its bytes to the writer.
    typealias Piece = ((UnsafeRawBufferPointer) -> Void) -> Void

    private func write(parts: [Piece], to relative: String) throws {
        let comps = relative.split(separator: "/")
        var dir = filesDir
        for c in comps.dropLast() { dir += "/" + c }
        if access(dir, F_OK) != 0 {
            // A folder outside the fan-out made at start: create it, and make its entry durable.
            var path = filesDir
            for c in comps.dropLast() {
                path += "/" + c
                if mkdir(path, 0o755) == 0 {
                    Self.syncDirectory(String(path[..<path.lastIndex(of: "/")!]))
                } else if errno != EEXIST {
                    throw ArchiveError.storage("cannot create \(path): \(String(cString: strerror(errno)))")
                }
            }
        }
        let tmp = tmpDir + "/" + String(comps.last!) + ".part"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ArchiveError.storage("cannot create \(tmp): \(String(cString: strerror(errno)))") }
        var failure: String?
        for p in parts where failure == nil {
            p { raw in
                var off = 0
                while off < raw.count {
                    let n = Glibc.write(fd, raw.baseAddress! + off, raw.count - off)
                    if n < 0 {
                        if errno == EINTR { continue }
                        failure = String(cString: strerror(errno))
                        return
                    }
                    off += n
                }
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = String(cString: strerror(errno)) }
        close(fd)
        if failure == nil, rename(tmp, absolutePath(relative)) != 0 { failure = String(cString: strerror(errno)) }
        if let f = failure {
            unlink(tmp)
            throw ArchiveError.storage("cannot write \(relative): \(f) (is the disk full?)")
        }
        Self.syncDirectory(dir)
    }

    static func syncDirectory(_ path: String) {
        let d = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if d >= 0 { fsync(d); close(d) }
    }

    /// Removes a file (after its index row is gone).
    public func remove(_ relative: String) {
        unlink(absolutePath(relative))
    }

    public func size(_ relative: String) -> Int? {
        var st = stat()
        return stat(absolutePath(relative), &st) == 0 ? Int(st.st_size) : nil
    }

    /// Start-up recovery: removes interrupted writes in tmp/, and (when `known` is given)
    /// files that no index row names — written before a crash that came before the commit.
    public func sweep(known: Set<String>?) -> (temporary: Int, orphans: Int) {
        var temporary = 0, orphans = 0
        for name in Self.list(tmpDir) where !name.hasPrefix(".") {
            unlink(tmpDir + "/" + name)
            temporary += 1
        }
        guard let known else { return (temporary, 0) }
        for a in Self.list(filesDir) where a.count == 2 {
            for f in Self.list(filesDir + "/" + a) {
                let rel = a + "/" + f
                if !known.contains(rel) {
                    unlink(absolutePath(rel))
                    orphans += 1
                }
            }
        }
        return (temporary, orphans)
    }

    static func list(_ dir: String) -> [String] {
        guard let d = opendir(dir) else { return [] }
        defer { closedir(d) }
        var out: [String] = []
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            if name != "." && name != ".." { out.append(name) }
        }
        return out
    }

    /// Bytes used by the file system holding the data directory, and bytes free there.
    public func diskSpace() -> (total: Int, free: Int) {
        var s = statvfs()
        guard statvfs(root, &s) == 0 else { return (0, 0) }
        return (Int(s.f_blocks) * Int(s.f_frsize), Int(s.f_bavail) * Int(s.f_frsize))
    }
}
