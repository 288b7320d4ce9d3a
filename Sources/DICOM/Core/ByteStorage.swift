#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Immutable bytes shared by every value read from one buffer or file: the reader hands out
/// `ByteView`s into it instead of copying, so a 500 MB pixel data element costs no copy.
public final class ByteStorage: @unchecked Sendable {
    // Immutable after init; the memory is either an owned array or a read-only mapping.
    let base: UnsafeRawPointer?
    public let count: Int
    private let owned: UnsafeMutableRawPointer?
    private let mapping: (UnsafeMutableRawPointer, Int)?

    /// Copies `bytes` once into memory this storage owns.
    public init(_ bytes: some Collection<UInt8>) {
        count = bytes.count
        mapping = nil
        let p = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: 16)
        UnsafeMutableRawBufferPointer(start: p, count: count).copyBytes(from: bytes)
        owned = p
        base = UnsafeRawPointer(p)
    }

    private init(mapped: UnsafeMutableRawPointer, count: Int) {
        owned = nil
        mapping = (mapped, count)
        self.count = count
        base = UnsafeRawPointer(mapped)
    }

    /// Maps a file read-only. Pages are read only when a value is touched, so reading a header
    /// leaves the pixel data on disk.
    public static func mapFile(path: String) throws -> ByteStorage {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw DICOMError.io(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw DICOMError.io(path: path, reason: String(cString: strerror(errno))) }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw DICOMError.io(path: path, reason: "not a regular file") }
        let size = Int(st.st_size)
        if size == 0 { return ByteStorage([UInt8]()) }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw DICOMError.io(path: path, reason: String(cString: strerror(errno)))
        }
        return ByteStorage(mapped: p, count: size)
    }

    deinit {
        if let (p, n) = mapping { munmap(p, n) }
        owned?.deallocate()
    }

    public var view: ByteView { ByteView(storage: self, start: 0, count: count) }
}

/// A window into a `ByteStorage`: zero-based, cheap to copy and to slice.
public struct ByteView: RandomAccessCollection, Sendable, Hashable, CustomStringConvertible {
    public let storage: ByteStorage
    public let start: Int
    public let count: Int

    public init(storage: ByteStorage, start: Int, count: Int) {
        precondition(start >= 0 && count >= 0 && start + count <= storage.count, "ByteView out of range")
        self.storage = storage
        self.start = start
        self.count = count
    }

    public init(_ bytes: some Collection<UInt8>) { self.init(storage: ByteStorage(bytes), start: 0, count: bytes.count) }
    public static let empty = ByteView([UInt8]())

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }
    public subscript(i: Int) -> UInt8 {
        precondition(i >= 0 && i < count, "ByteView index out of range")
        return storage.base!.load(fromByteOffset: start + i, as: UInt8.self)
    }

    /// A sub-range, sharing the storage.
    public func slice(_ offset: Int, _ length: Int) -> ByteView {
        ByteView(storage: storage, start: start + offset, count: length)
    }

    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        guard count > 0, let base = storage.base else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        return try body(UnsafeRawBufferPointer(start: base + start, count: count))
    }

    public var array: [UInt8] { withUnsafeBytes { Array($0) } }

    public static func == (a: ByteView, b: ByteView) -> Bool {
        guard a.count == b.count else { return false }
        if a.count == 0 { return true }
        return a.withUnsafeBytes { pa in b.withUnsafeBytes { pb in memcmp(pa.baseAddress!, pb.baseAddress!, a.count) == 0 } }
    }
    public func hash(into h: inout Hasher) { withUnsafeBytes { h.combine(bytes: $0) } }
    public var description: String { "\(count) bytes" }
}
