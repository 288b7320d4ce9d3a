/// One connection's life on its own thread: read a head (within the deadlines), pass the
/// request to the responder, send the response, and repeat while the connection persists
/// (RFC 9112 §9.3). Requests pipelined behind one another are answered in order (§9.3.2).
final class HTTPConnection: HTTPBodySource {
    let server: HTTPServer
    let handle: ConnectionHandle
    var config: HTTPServerConfiguration { server.configuration }
    private(set) var stream: any HTTPByteStream
    var output: HTTPResponseOutput
    var parser: HTTPRequestParser
    private var readBuffer = [UInt8](repeating: 0, count: 64 * 1024)

    // The exchange in progress.
    var head: HTTPRequestHead?
    var body: HTTPRequestBody?
    var continueSent = false
    var contentSeen = false
    /// The request content failed (malformed, timed out, cut off): the connection's framing
    /// is lost and it cannot carry another request.
    var bodyBroken = false

    init(server: HTTPServer, handle: ConnectionHandle) {
        self.server = server
        self.handle = handle
        self.stream = handle.socket
        self.output = HTTPResponseOutput(stream: handle.socket)
        self.parser = HTTPRequestParser(limits: server.configuration.limits)
    }

    enum ReadResult { case data, end, timedOut }

    /// Reads from the stream into the parser.
    func fill(until deadline: Deadline?) -> ReadResult {
        do {
            let n = try readBuffer.withUnsafeMutableBytes { try stream.read(into: $0, deadline: deadline) }
            if n == 0 { return .end }
            readBuffer.withUnsafeBytes { parser.feed(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            return .data
        } catch HTTPTransportError.timedOut {
            return .timedOut
        } catch {
            return .end
        }
    }

    func run() {
        defer { stream.close() }
        if let wrap = config.wrapConnection {
            do {
                stream = try wrap(handle.socket)
                output = HTTPResponseOutput(stream: stream)
            } catch {
                config.errorLog?("connection from \(handle.socket.peerAddress) failed to start: \(error)")
                return
            }
        }
        // The first request must arrive within the head timeout of the connection.
        var waitDeadline = Deadline.after(config.headTimeout)
        while true {
            guard let head = readHead(idleDeadline: waitDeadline) else { return }
            guard exchange(head) else { return }
            waitDeadline = Deadline.after(config.idleTimeout)
        }
    }

    /// Waits for the next request head: up to `idleDeadline` for its first byte, then up to
    /// the head timeout for the rest. Errors are answered here; nil means close.
    func readHead(idleDeadline: Deadline) -> HTTPRequestHead? {
        var headDeadline: Deadline?
        while true {
            switch parser.next() {
            case let .head(h):
                return h
            case let .error(status, reason):
                refuse(HTTPError(status, message: reason))
                return nil
            case .end:
                // The end of the previous request's (empty or fully read) content.
                continue
            case .body:
                // Not reachable: an exchange reads its content to the end or closes.
                return nil
            case .needMore:
                if !parser.isIdle && headDeadline == nil { headDeadline = .after(config.headTimeout) }
                switch fill(until: parser.isIdle ? idleDeadline : headDeadline) {
                case .data:
                    if headDeadline == nil { headDeadline = .after(config.headTimeout) }
                case .end:
                    return nil
                case .timedOut:
                    // RFC 9110 §15.5.9: 408 for a request that did not arrive in time;
                    // an idle connection is just closed (RFC 9112 §9.8).
                    if let status = parser.headDeadlineExpired() {
                        refuse(HTTPError(status, message: "the request head did not arrive within \(config.headTimeout) s"))
                    }
                    return nil
                }
            }
        }
    }

    /// Answers an error found before any handler ran, then closes (RFC 9112 §9.6).
    func refuse(_ error: HTTPError) {
        var keepAlive = false
        let sent = try? send(error.response, for: nil, keepAlive: &keepAlive)
        config.accessLog?(HTTPAccessRecord(time: wallClock(), user: nil, clientAddress: stream.peerAddress, method: "-",
                                           path: "-", status: error.status.code, bytesSent: sent ?? 0, duration: 0))
        lingeringClose()
    }

    /// Half-closes, then reads and drops what the client still sends for a moment, so that
    /// the response is not destroyed by a reset (RFC 9112 §9.6).
    func lingeringClose() {
        stream.shutdownWrite()
        let deadline = Deadline.after(2)
        var dropped = 0
        while dropped < 1 << 20, !deadline.hasPassed {
            let n = (try? readBuffer.withUnsafeMutableBytes { try stream.read(into: $0, deadline: deadline) }) ?? 0
            if n <= 0 { break }
            dropped += n
        }
    }

    /// One request and its response; false when the connection must close afterwards.
    func exchange(_ head: HTTPRequestHead) -> Bool {
        let started = Deadline.now
        let time = wallClock()
        handle.beginExchange()
        self.head = head
        continueSent = false
        contentSeen = false
        let limit = server.responder.bodyLimit(for: head) ?? config.limits.maxBodySize
        parser.bodyLimit = limit
        let body = HTTPRequestBody(source: self, framing: head.framing)
        self.body = body
        let request = HTTPRequest(head: head, clientAddress: stream.peerAddress, body: body)
        defer { self.head = nil; self.body = nil }

        var response: HTTPResponse
        var refusedContent = false
        if case let .length(n) = head.framing, n > limit {
            // RFC 9110 §15.5.14: refuse before reading; the content is not read, so close.
            response = HTTPError(.contentTooLarge, message: "content of \(n) octets exceeds the limit of \(limit)").response
            refusedContent = true
        } else {
            do {
                response = try server.responder.respond(to: request)
            } catch let e as HTTPError {
                response = e.response
            } catch {
                config.errorLog?("\(head.method) \(head.target): \(error)")
                response = HTTPError.internalError.response
            }
        }

        var keepAlive = head.keepAlive && !refusedContent && !bodyBroken && !handle.isRetired && !server.isStopped
        if keepAlive && !body.isComplete { keepAlive = canDrain(body) }
        if response.headers.listContains("Connection", token: "close") { keepAlive = false }

        var sent = 0
        var failed = false
        do {
            sent = try send(response, for: head, keepAlive: &keepAlive)
        } catch {
            keepAlive = false
            if case HTTPResponseOutput.Failure.transport = error {
                failed = true
            } else {
                config.errorLog?("\(head.method) \(head.target): \(error)")
                if output.bytesOnWire == 0 {
                    // Nothing went out yet: the client can still be told properly.
                    output.discardQueued()
                    response = HTTPError.internalError.response
                    sent = (try? send(response, for: head, keepAlive: &keepAlive)) ?? 0
                } else {
                    failed = true
                }
            }
        }
        if keepAlive && !body.isComplete { keepAlive = drain(body) }
        config.accessLog?(HTTPAccessRecord(time: time, user: request.user, clientAddress: stream.peerAddress,
                                           method: head.method, path: head.target, status: response.status.code,
                                           bytesSent: sent, duration: Deadline.now.seconds - started.seconds))
        let persist = handle.endExchange() && keepAlive
        if !persist && !failed {
            // Linger only when the client may still be sending (unread content, pipelined
            // requests); after a complete exchange a plain close loses nothing.
            if body.isComplete && parser.bufferedByteCount == 0 { stream.shutdownWrite() } else { lingeringClose() }
        }
        return persist
    }

    /// Whether unread content can be skipped to reuse the connection: not if the client
    /// still waits for 100 Continue (RFC 9110 §10.1.1), nor if too much is left.
    func canDrain(_ body: HTTPRequestBody) -> Bool {
        guard let head else { return false }
        if head.expectsContinue && !continueSent && !contentSeen { return false }
        if let n = body.declaredLength { return n - body.bytesRead <= config.drainLimit }
        return true
    }

    /// Reads and drops the rest of the content, up to the drain limit.
    func drain(_ body: HTTPRequestBody) -> Bool {
        let start = body.bytesRead
        while body.bytesRead - start <= config.drainLimit {
            do {
                guard try body.read() != nil else { return true }
            } catch {
                return false
            }
        }
        return false
    }

    // MARK: HTTPBodySource

    func nextBodyChunk() throws(HTTPError) -> [UInt8]? {
        while true {
            switch parser.next() {
            case let .body(bytes):
                contentSeen = true
                return bytes
            case let .end(trailers):
                body?.finish(trailers: trailers)
                return nil
            case let .error(status, reason):
                bodyBroken = true
                throw HTTPError(status, message: reason)
            case .head:
                bodyBroken = true
                throw HTTPError.internalError
            case .needMore:
                if head?.expectsContinue == true && !continueSent && !contentSeen {
                    // RFC 9110 §10.1.1: the client waits for this before sending the content.
                    continueSent = true
                    do { try output.sendInterim(.continue) } catch {
                        bodyBroken = true
                        throw HTTPError(.badRequest, code: "connection_lost", message: "the client left")
                    }
                }
                switch fill(until: .after(config.bodyReadTimeout)) {
                case .data: continue
                case .end:
                    bodyBroken = true
                    throw HTTPError(.badRequest, code: "incomplete_content",
                                    message: "the connection ended before the end of the request content")
                case .timedOut:
                    bodyBroken = true
                    throw HTTPError(.requestTimeout, message: "the request content stopped arriving for \(config.bodyReadTimeout) s")
                }
            }
        }
    }
}
