/// An HTTP/1.1 request parser without I/O (RFC 9112). Feed it bytes, then call `next()`
/// until it answers `.needMore`; requests follow one another on the same parser
/// (keep-alive and pipelining, RFC 9112 §9.3.2).
///
/// Framing is strict: anything a front-end proxy might read differently (bare CR or LF,
/// obs-fold, conflicting lengths, unknown transfer codings) is an error, because a lenient
/// reading is how request smuggling works (RFC 9112 §11.2).
public struct HTTPRequestParser: Sendable {
    enum State: Sendable, Equatable {
        case requestLine
        case headers
        case bodyStart(HTTPBodyFraming)
        case fixedBody(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case endOfMessage
        case failed(HTTPStatus, String)
    }

    public let limits: HTTPLimits
    /// The content limit for the current request. Set it after `.head` (say, from the route)
    /// and before asking for the body; it returns to `limits.maxBodySize` for each request.
    public var bodyLimit: Int

    var state: State = .requestLine
    var buffer: [UInt8] = []
    var pos = 0
    /// Where the search for the next LF resumes, so that trickled bytes are scanned once.
    var scanFrom = 0
    /// The request being assembled.
    var requestLine: (method: String, target: String, version: HTTPVersion)?
    var fields = HTTPHeaders()
    var sectionBytes = 0
    var bodyReceived = 0

    public init(limits: HTTPLimits = HTTPLimits()) {
        self.limits = limits
        self.bodyLimit = limits.maxBodySize
    }

    /// Appends received bytes.
    public mutating func feed<S: Sequence<UInt8>>(_ bytes: S) {
        if pos > 0 && pos >= buffer.count / 2 {
            buffer.removeSubrange(0..<pos)
            scanFrom -= pos
            pos = 0
        }
        buffer.append(contentsOf: bytes)
    }

    public mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        feed(bytes.bindMemory(to: UInt8.self))
    }

    /// Bytes fed but not consumed yet (a pipelined request, say).
    public var bufferedByteCount: Int { buffer.count - pos }

    /// Between requests with nothing buffered: a connection may be closed quietly here.
    public var isIdle: Bool { state == .requestLine && pos == buffer.count }

    /// Inside a request line or header section.
    public var isReadingHead: Bool { state == .requestLine || state == .headers }

    /// Whether the current request's content has been read to its end.
    public var isBetweenRequests: Bool { state == .requestLine }

    /// The head deadline passed (slow-loris, RFC 9112 §9.5): 408 when part of a request has
    /// arrived, nil when the connection was idle and may simply be closed.
    public mutating func headDeadlineExpired() -> HTTPStatus? {
        guard isReadingHead else { return nil }
        let partial = state == .headers || buffer[pos...].contains { $0 != 13 && $0 != 10 }
        state = .failed(.requestTimeout, "the request head did not arrive in time")
        return partial ? .requestTimeout : nil
    }

    /// The next event from the bytes fed so far.
    public mutating func next() -> HTTPParserEvent {
        switch state {
        case let .failed(status, reason):
            return .error(status, reason: reason)
        case .requestLine:
            return parseRequestLine()
        case .headers:
            return parseHeaders()
        case let .bodyStart(framing):
            return startBody(framing)
        case let .fixedBody(remaining):
            return fixedBody(remaining)
        case .chunkSize:
            return parseChunkSize()
        case let .chunkData(remaining):
            return chunkData(remaining)
        case .chunkDataEnd:
            guard buffer.count - pos >= 2 else { return .needMore }
            guard buffer[pos] == 13 && buffer[pos + 1] == 10 else { return fail(.badRequest, "chunk data not followed by CRLF") }
            pos += 2
            state = .chunkSize
            return parseChunkSize()
        case .trailers:
            return parseTrailers()
        case .endOfMessage:
            return finishMessage(trailers: HTTPHeaders())
        }
    }

    mutating func fail(_ status: HTTPStatus, _ reason: String) -> HTTPParserEvent {
        state = .failed(status, reason)
        return .error(status, reason: reason)
    }

    // MARK: Lines

    enum Line { case line(Range<Int>), needMore, failed(HTTPParserEvent) }

    /// Finds the next CRLF-terminated line (RFC 9112 §2.2: a bare CR or a bare LF is an
    /// error here, not a line ending). A line longer than `limit` (without its CRLF) fails
    /// with `tooLong`; `what` names the line in error reasons.
    mutating func nextLine(limit: Int, what: String, tooLong: (HTTPStatus, String)) -> Line {
        var i = max(scanFrom, pos)
        while i < buffer.count {
            let c = buffer[i]
            if c == 10 { return .failed(fail(.badRequest, "bare LF in the \(what)")) }
            if c == 13 {
                guard i + 1 < buffer.count else { break }
                guard buffer[i + 1] == 10 else { return .failed(fail(.badRequest, "bare CR in the \(what)")) }
                let r = pos..<i
                pos = i + 2
                scanFrom = pos
                return r.count > limit ? .failed(fail(tooLong.0, tooLong.1)) : .line(r)
            }
            i += 1
        }
        scanFrom = i
        return buffer.count - pos > limit ? .failed(fail(tooLong.0, tooLong.1)) : .needMore
    }

    // MARK: Request line (RFC 9112 §3)

    mutating func parseRequestLine() -> HTTPParserEvent {
        while true {
            switch nextLine(limit: limits.maxRequestLineLength, what: "request line",
                            tooLong: (.uriTooLong, "request line longer than \(limits.maxRequestLineLength) octets")) {
            case .needMore: return .needMore
            case let .failed(e): return e
            case let .line(r):
                // RFC 9112 §2.2: empty lines before the request line are ignored.
                if r.isEmpty { continue }
                return requestLine(buffer[r])
            }
        }
    }

    mutating func requestLine(_ line: ArraySlice<UInt8>) -> HTTPParserEvent {
        // request-line = method SP request-target SP HTTP-version, single spaces.
        let parts = line.split(separator: 32, omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            if parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty {
                return fail(.badRequest, "request line without an HTTP version")
            }
            return fail(.badRequest, "malformed request line")
        }
        let (m, t, v) = (parts[0], parts[1], parts[2])
        guard !m.isEmpty, m.allSatisfy(isTchar) else { return fail(.badRequest, "invalid method") }
        guard !t.isEmpty, t.allSatisfy({ $0 > 32 && $0 < 127 && $0 != 35 }) else {
            return fail(.badRequest, "invalid characters in the request target")
        }
        // HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112 §2.3), case-sensitive.
        let vb = Array(v)
        guard vb.count == 8, vb[0...4].elementsEqual("HTTP/".utf8), isDigit(vb[5]), vb[6] == 46, isDigit(vb[7]) else {
            return fail(.badRequest, "malformed HTTP version")
        }
        let version = HTTPVersion(major: Int(vb[5] - 48), minor: Int(vb[7] - 48))
        guard version.major == 1 else { return fail(.httpVersionNotSupported, "\(version) is not supported") }
        let method = String(decoding: m, as: UTF8.self)
        let target = String(decoding: t, as: UTF8.self)
        // Request-target forms (RFC 9112 §3.2).
        let originForm = t.first == 47
        let asterisk = t.count == 1 && t.first == 42 && method == "OPTIONS"
        let absolute = target.asciiLowercased.hasPrefix("http://") || target.asciiLowercased.hasPrefix("https://")
        let authority = method == "CONNECT" && !t.contains(47)
        guard originForm || asterisk || absolute || authority else { return fail(.badRequest, "invalid request target form") }
        requestLine = (method, target, version)
        fields = HTTPHeaders()
        sectionBytes = 0
        state = .headers
        return parseHeaders()
    }

    // MARK: Header and trailer sections (RFC 9112 §5)

    enum Section { case done, needMore, failed(HTTPParserEvent) }

    /// Reads field lines into `fields` until the empty line.
    mutating func parseFieldLines(what: String) -> Section {
        while true {
            let room = limits.maxHeaderBytes - sectionBytes
            switch nextLine(limit: max(0, room - 2), what: what,
                            tooLong: (.requestHeaderFieldsTooLarge, "\(what) larger than \(limits.maxHeaderBytes) octets")) {
            case .needMore: return .needMore
            case let .failed(e): return .failed(e)
            case let .line(r):
                if r.isEmpty { return .done }
                sectionBytes += r.count + 2
                if fields.count >= limits.maxHeaderCount {
                    return .failed(fail(.requestHeaderFieldsTooLarge, "more than \(limits.maxHeaderCount) fields in the \(what)"))
                }
                if let error = fieldLine(buffer[r], what: what) { return .failed(error) }
            }
        }
    }

    /// field-line = field-name ":" OWS field-value OWS (RFC 9112 §5).
    mutating func fieldLine(_ line: ArraySlice<UInt8>, what: String) -> HTTPParserEvent? {
        // RFC 9112 §5.2: obs-fold (a line starting with SP or HTAB) is rejected with 400.
        if line.first == 32 || line.first == 9 { return fail(.badRequest, "obsolete line folding in the \(what)") }
        guard let colon = line.firstIndex(of: 58) else { return fail(.badRequest, "field line without a colon") }
        let name = line[line.startIndex..<colon]
        // RFC 9112 §5.1: no whitespace between name and colon; the name is a token.
        guard !name.isEmpty, name.allSatisfy(isTchar) else { return fail(.badRequest, "invalid field name") }
        var value = line[(colon + 1)...]
        while let f = value.first, f == 32 || f == 9 { value = value.dropFirst() }
        while let l = value.last, l == 32 || l == 9 { value = value.dropLast() }
        // RFC 9110 §5.5: field values are VCHAR, obs-text, SP and HTAB; NUL and other CTLs are errors.
        guard value.allSatisfy({ $0 == 9 || ($0 >= 32 && $0 != 127) }) else {
            return fail(.badRequest, "invalid character in the value of \(String(decoding: name, as: UTF8.self))")
        }
        fields.add(String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self))
        return nil
    }

    mutating func parseHeaders() -> HTTPParserEvent {
        switch parseFieldLines(what: "header section") {
        case .needMore: return .needMore
        case let .failed(e): return e
        case .done: break
        }
        guard let rl = requestLine else { return fail(.badRequest, "no request line") }
        var head = HTTPRequestHead(method: rl.method, target: rl.target, version: rl.version, headers: fields)
        if let (status, reason) = HTTPRequestParser.validate(&head, limits: limits) { return fail(status, reason) }
        bodyLimit = limits.maxBodySize
        bodyReceived = 0
        state = .bodyStart(head.framing)
        return .head(head)
    }

    mutating func parseTrailers() -> HTTPParserEvent {
        switch parseFieldLines(what: "trailer section") {
        case .needMore: return .needMore
        case let .failed(e): return e
        case .done: return finishMessage(trailers: fields)
        }
    }

    mutating func finishMessage(trailers: HTTPHeaders) -> HTTPParserEvent {
        state = .requestLine
        requestLine = nil
        fields = HTTPHeaders()
        bodyLimit = limits.maxBodySize
        return .end(trailers: trailers)
    }

    // MARK: Content (RFC 9112 §6, §7.1)

    mutating func startBody(_ framing: HTTPBodyFraming) -> HTTPParserEvent {
        switch framing {
        case .none:
            return finishMessage(trailers: HTTPHeaders())
        case let .length(n):
            if n > bodyLimit { return fail(.contentTooLarge, "content of \(n) octets exceeds the limit of \(bodyLimit)") }
            if n == 0 { return finishMessage(trailers: HTTPHeaders()) }
            state = .fixedBody(remaining: n)
            return fixedBody(n)
        case .chunked:
            state = .chunkSize
            return parseChunkSize()
        }
    }

    mutating func take(_ max: Int) -> [UInt8] {
        let n = min(max, buffer.count - pos)
        let out = Array(buffer[pos..<(pos + n)])
        pos += n
        scanFrom = pos
        bodyReceived += n
        return out
    }

    mutating func fixedBody(_ remaining: Int) -> HTTPParserEvent {
        guard pos < buffer.count else { return .needMore }
        let bytes = take(remaining)
        let left = remaining - bytes.count
        state = left == 0 ? .endOfMessage : .fixedBody(remaining: left)
        return .body(bytes)
    }

    mutating func chunkData(_ remaining: Int) -> HTTPParserEvent {
        guard pos < buffer.count else { return .needMore }
        let bytes = take(remaining)
        let left = remaining - bytes.count
        state = left == 0 ? .chunkDataEnd : .chunkData(remaining: left)
        return .body(bytes)
    }

    /// chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF (RFC 9112 §7.1).
    mutating func parseChunkSize() -> HTTPParserEvent {
        switch nextLine(limit: limits.maxChunkLineLength, what: "chunk-size line", tooLong: (.badRequest, "chunk-size line too long")) {
        case .needMore: return .needMore
        case let .failed(e): return e
        case let .line(r):
            let line = buffer[r]
            let digits = line.prefix(while: isHexDigit)
            guard !digits.isEmpty else { return fail(.badRequest, "invalid chunk size") }
            let significant = digits.drop { $0 == 48 }
            guard significant.count <= 15 else { return fail(.contentTooLarge, "chunk size too large") }
            let size = significant.reduce(0) { $0 << 4 | hexValue($1) }
            // chunk-ext = *( BWS ";" BWS name [ BWS "=" BWS value ] ): ignored, but it must
            // start with ";" after optional whitespace and hold no control characters.
            let ext = line[digits.endIndex...].drop { $0 == 32 || $0 == 9 }
            if !ext.isEmpty {
                guard ext.first == 59, ext.allSatisfy({ $0 == 9 || ($0 >= 32 && $0 != 127) }) else {
                    return fail(.badRequest, "invalid chunk size or extension")
                }
            } else if digits.endIndex != line.endIndex {
                return fail(.badRequest, "whitespace after the chunk size")
            }
            if size > bodyLimit - bodyReceived {
                return fail(.contentTooLarge, "chunked content exceeds the limit of \(bodyLimit) octets")
            }
            if size == 0 {
                fields = HTTPHeaders()
                sectionBytes = 0
                state = .trailers
                return parseTrailers()
            }
            state = .chunkData(remaining: size)
            return chunkData(size)
        }
    }
}

// MARK: Character classes (RFC 9110 §5.6.2, RFC 5234 B.1)

/// tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
@inline(__always) func isTchar(_ c: UInt8) -> Bool {
    switch c {
    case 48...57, 65...90, 97...122: return true
    case 33, 35, 36, 37, 38, 39, 42, 43, 45, 46, 94, 95, 96, 124, 126: return true
    default: return false
    }
}

@inline(__always) func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
@inline(__always) func isHexDigit(_ c: UInt8) -> Bool { isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102) }
@inline(__always) func hexValue(_ c: UInt8) -> Int {
    isDigit(c) ? Int(c - 48) : Int(lowerASCII(c) - 87)
}
