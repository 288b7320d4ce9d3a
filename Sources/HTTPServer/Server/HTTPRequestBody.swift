#if canImport(Glibc)
import Glibc
#endif

/// Where the content of a request comes from: the connection (reading the socket through
/// the parser) or, for tests, a byte array.
protocol HTTPBodySource: AnyObject {
    /// The next piece of content, nil at its end; throws `HTTPError` (400, 408, 413) when
    /// the content is malformed, too slow or too large.
    func nextBodyChunk() throws(HTTPError) -> [UInt8]?
}

/// The content of a request as a stream: read it piece by piece, collect it up to a
/// limit, or spool it to a temporary file. Nothing is read until a handler asks (so a
/// `100 Continue` is only sent to a client whose request a handler wants the content of).
public final class HTTPRequestBody {
    private let source: HTTPBodySource?
    private var preset: [UInt8]?
    /// Content-Length, when the request declared one (nil for chunked or no content).
    public let declaredLength: Int?
    public private(set) var isComplete: Bool
    public private(set) var bytesRead = 0
    /// Trailer fields of chunked content, once it has been read to its end.
    public private(set) var trailers = HTTPHeaders()
    /// The error the content failed with (the connection cannot be reused after one).
    public private(set) var failure: HTTPError?

    init(source: HTTPBodySource, framing: HTTPBodyFraming) {
        self.source = source
        switch framing {
        case .none: declaredLength = 0; isComplete = true
        case let .length(n): declaredLength = n; isComplete = n == 0
        case .chunked: declaredLength = nil; isComplete = false
        }
    }

    /// Content given as bytes (tests, internal requests).
    public init(bytes: [UInt8]) {
        source = nil
        preset = bytes
        declaredLength = bytes.count
        isComplete = bytes.isEmpty
    }

    func finish(trailers: HTTPHeaders) {
        self.trailers = trailers
        isComplete = true
    }

    /// The next piece of content (at most what one socket read brought), or nil at the end.
    public func read() throws(HTTPError) -> [UInt8]? {
        if let failure { throw failure }
        if isComplete { return nil }
        if let p = preset {
            preset = nil
            isComplete = true
            bytesRead = p.count
            return p
        }
        guard let source else { return nil }
        do {
            while true {
                guard let chunk = try source.nextBodyChunk() else { isComplete = true; return nil }
                if chunk.isEmpty { continue }
                bytesRead += chunk.count
                return chunk
            }
        } catch {
            failure = error
            throw error
        }
    }

    /// The whole content, refused with 413 beyond `maxBytes`.
    public func collect(maxBytes: Int) throws(HTTPError) -> [UInt8] {
        if let d = declaredLength, d > maxBytes { throw tooLarge(maxBytes) }
        var out: [UInt8] = []
        while let chunk = try read() {
            if out.count + chunk.count > maxBytes { throw tooLarge(maxBytes) }
            out += chunk
        }
        return out
    }

    private func tooLarge(_ max: Int) -> HTTPError {
        let e = HTTPError(.contentTooLarge, message: "the content exceeds \(max) octets")
        failure = e
        return e
    }

    /// Reads the rest of the content into a new file in `directory`; the file is deleted
    /// when the returned object goes away unless it is kept.
    public func writeToTemporaryFile(in directory: String = "/tmp") throws(HTTPError) -> HTTPTemporaryFile {
        var template = Array((directory + "/http-upload-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw HTTPError(.internalServerError, code: "storage_error", message: "cannot create a temporary file in \(directory)")
        }
        let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let file = HTTPTemporaryFile(path: path)
        defer { Glibc.close(fd) }
        while let chunk = try read() {
            var off = 0
            while off < chunk.count {
                let n = chunk.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + off, $0.count - off) }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else {
                    throw HTTPError(.internalServerError, code: "storage_error", message: "cannot write the temporary file")
                }
                off += n
            }
            file.size += chunk.count
        }
        return file
    }
}

/// A spooled upload; removed from disk on deinit unless `keep()` was called.
public final class HTTPTemporaryFile {
    public let path: String
    public internal(set) var size = 0
    private var kept = false

    init(path: String) { self.path = path }

    /// Leaves the file in place (after moving it elsewhere, say).
    public func keep() { kept = true }

    deinit { if !kept { unlink(path) } }
}
