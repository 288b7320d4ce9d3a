#if canImport(Glibc)
import Glibc
#endif

/// Serves files under a root folder: content types, validators (ETag, Last-Modified) with
/// conditional requests (RFC 9110 §13), single byte ranges (RFC 9110 §14) and HEAD.
///
/// Nothing outside the root is reachable: segments "." and "..", segments holding "/"
/// (from %2F), "\" or NUL are refused with 400; files whose real path (symbolic links
/// resolved) lies outside the root, and dot-files, are 404.
public struct HTTPStaticFiles: Sendable {
    /// The root, with symbolic links resolved.
    public let root: String
    public let indexFile: String?
    public let cacheControl: String?

    /// Throws when `root` is not an existing folder.
    public init(root: String, indexFile: String? = "index.html", cacheControl: String? = nil) throws(HTTPError) {
        guard let real = Self.realPath(root), Self.isDirectory(real) else {
            throw HTTPError(.internalServerError, code: "bad_static_root", message: "static root \(root) is not a folder")
        }
        self.root = real
        self.indexFile = indexFile
        self.cacheControl = cacheControl
    }

    /// A handler for a route ending in `{path...}`: serves the wildcard segments.
    public var handler: HTTPHandler {
        { request in try self.serve(request, segments: request.wildcardSegments) }
    }

    /// Serves the file named by decoded path segments (relative to the root).
    public func serve(_ request: HTTPRequest, segments: [String]) throws -> HTTPResponse {
        guard request.method == "GET" || request.method == "HEAD" else {
            throw HTTPError(.methodNotAllowed, message: "static files are read-only", headers: ["Allow": "GET, HEAD"])
        }
        let path = try resolve(segments)
        let file = try OpenFile(path: path)
        return Self.respond(request, file: file, contentType: MIMETypes.type(forPath: path), headers: cacheHeaders)
    }

    /// Serves one file that the application names (not the request path): the same
    /// validators, conditional requests, ranges and HEAD as for files under a root, streamed
    /// from the open file. 404 when it cannot be opened.
    public static func serveFile(_ request: HTTPRequest, path: String, contentType: String,
                                 headers: HTTPHeaders = [:]) throws(HTTPError) -> HTTPResponse {
        respond(request, file: try OpenFile(path: path), contentType: contentType, headers: headers)
    }

    var cacheHeaders: HTTPHeaders {
        var h = HTTPHeaders()
        if let cacheControl { h.set("Cache-Control", cacheControl) }
        return h
    }

    // MARK: Path checks

    /// The real path of the file to serve, or the error that refuses it.
    func resolve(_ segments: [String]) throws(HTTPError) -> String {
        var clean: [String] = []
        for s in segments {
            if s.isEmpty { continue }
            if s == "." || s == ".." || s.contains("/") || s.contains("\\") || s.utf8.contains(0) {
                throw HTTPError(.badRequest, code: "invalid_path", message: "the path may not leave the served folder")
            }
            if s.hasPrefix(".") { throw HTTPError.notFound() }
            clean.append(s)
        }
        var path = ([root] + clean).joined(separator: "/")
        guard var real = Self.realPath(path), Self.inside(real, root) else { throw HTTPError.notFound() }
        let isDirectory = Self.isDirectory(real)
        // "name/" names a folder; a file under that name is not there (as with open(2)).
        if segments.last == "" && !isDirectory { throw HTTPError.notFound() }
        if isDirectory {
            guard let indexFile else { throw HTTPError.notFound() }
            path = real + "/" + indexFile
            guard let r = Self.realPath(path), Self.inside(r, root) else { throw HTTPError.notFound() }
            real = r
        }
        return real
    }

    static func inside(_ path: String, _ root: String) -> Bool {
        path == root || path.hasPrefix(root == "/" ? "/" : root + "/")
    }

    static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    // MARK: Responses

    /// The answer for an open file: `extra` fields go on every answer (304 and 412 included).
    static func respond(_ request: HTTPRequest, file: OpenFile, contentType: String, headers extra: HTTPHeaders) -> HTTPResponse {
        let h = request.headers
        let etag = file.etag
        let modified = file.modifiedSeconds
        var headers = extra
        headers.set("ETag", etag)
        headers.set("Last-Modified", HTTPDate.format(modified))
        headers.set("Accept-Ranges", "bytes")

        // RFC 9110 §13.2.2: If-Match, then If-Unmodified-Since, then If-None-Match, then
        // If-Modified-Since, then Range / If-Range.
        if h.contains("If-Match") {
            let tags = h.list("If-Match")
            if !tags.contains("*") && !tags.contains(where: { Self.strongMatch($0, etag) }) {
                return HTTPResponse(status: .preconditionFailed, headers: headers)
            }
        } else if let since = h["If-Unmodified-Since"].flatMap(HTTPDate.parse), modified > since {
            return HTTPResponse(status: .preconditionFailed, headers: headers)
        }
        if h.contains("If-None-Match") {
            let tags = h.list("If-None-Match")
            if tags.contains("*") || tags.contains(where: { Self.weakMatch($0, etag) }) {
                return HTTPResponse(status: .notModified, headers: headers)
            }
        } else if let since = h["If-Modified-Since"].flatMap(HTTPDate.parse), modified <= since {
            return HTTPResponse(status: .notModified, headers: headers)
        }

        headers.set("Content-Type", contentType)
        var range = HTTPRange.parse(h["Range"], size: file.size)
        if range != .ignore, let ifRange = h["If-Range"] {
            // RFC 9110 §13.1.5: the range applies only if the validator still matches.
            let stillValid = ifRange.hasPrefix("\"") || ifRange.hasPrefix("W/")
                ? Self.strongMatch(ifRange, etag) : HTTPDate.parse(ifRange) == modified
            if !stillValid { range = .ignore }
        }
        switch range {
        case .unsatisfiable:
            var e = HTTPError(.rangeNotSatisfiable, message: "the range lies beyond the \(file.size) octets of the file")
            e.headers = ["Content-Range": "bytes */\(file.size)"]
            return e.response
        case let .satisfiable(r):
            headers.set("Content-Range", "bytes \(r.lowerBound)-\(r.upperBound)/\(file.size)")
            return HTTPResponse(status: .partialContent, headers: headers,
                                body: .stream(length: r.count) { try file.copy(r.lowerBound, r.count, to: $0) })
        case .ignore:
            return HTTPResponse(status: .ok, headers: headers,
                                body: .stream(length: file.size) { try file.copy(0, file.size, to: $0) })
        }
    }

    /// Strong comparison (RFC 9110 §8.8.3.2): both strong and identical.
    static func strongMatch(_ a: String, _ b: String) -> Bool { !a.hasPrefix("W/") && !b.hasPrefix("W/") && a == b }

    /// Weak comparison: identical opaque tags, weak or not.
    static func weakMatch(_ a: String, _ b: String) -> Bool {
        func opaque(_ s: String) -> Substring { s.hasPrefix("W/") ? s.dropFirst(2) : Substring(s) }
        return opaque(a) == opaque(b)
    }
}

/// An open regular file; closed when the response holding it is gone.
final class OpenFile {
    let fd: Int32
    let size: Int
    let modifiedSeconds: Int
    let etag: String

    init(path: String) throws(HTTPError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw errno == EACCES ? HTTPError(.forbidden, message: "the file cannot be read") : HTTPError.notFound()
        }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            Glibc.close(fd)
            throw HTTPError.notFound()
        }
        self.fd = fd
        size = Int(st.st_size)
        modifiedSeconds = Int(st.st_mtim.tv_sec)
        // Size and modification time (to the nanosecond) identify this version of the file.
        etag = "\"\(String(st.st_mtim.tv_sec, radix: 16))\(String(st.st_mtim.tv_nsec, radix: 16))-\(String(size, radix: 16))\""
    }

    deinit { Glibc.close(fd) }

    /// Sends `count` octets from `offset` through a fixed buffer.
    func copy(_ offset: Int, _ count: Int, to writer: HTTPBodyWriter) throws {
        var buffer = [UInt8](repeating: 0, count: min(count, 256 * 1024))
        var done = 0
        while done < count {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, min($0.count, count - done), off_t(offset + done)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw HTTPError(.internalServerError, message: "the file changed while being sent") }
            try buffer.withUnsafeBytes { try writer.write(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            done += n
        }
    }
}
