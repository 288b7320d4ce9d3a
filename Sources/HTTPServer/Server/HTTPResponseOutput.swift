/// Serialises a response onto a byte stream (RFC 9112 §4, §6, §7.1): the status line and
/// fields, then the content as is or in chunks, through two small buffers so that small
/// writes are coalesced and large ones go straight to the stream.
final class HTTPResponseOutput {
    enum Failure: Error, CustomStringConvertible {
        case overrun(declared: Int)
        case underrun(declared: Int, written: Int)
        case transport(HTTPTransportError)

        var description: String {
            switch self {
            case let .overrun(d): return "the response writer wrote more than its declared \(d) octets"
            case let .underrun(d, w): return "the response writer wrote \(w) of its declared \(d) octets"
            case let .transport(e): return "sending the response: \(e)"
            }
        }
    }

    static let threshold = 64 * 1024

    let stream: any HTTPByteStream
    /// Framed bytes ready for the wire (status line, fields, chunk headers).
    private var wire: [UInt8] = []
    /// Content not framed yet.
    private var pending: [UInt8] = []
    private var chunked = false
    /// HEAD, 204, 304: the content is counted but not sent.
    private var discard = false
    /// Content octets actually sent (for the access log).
    private(set) var contentBytesSent = 0
    /// Octets handed to the stream for the current response (head and framing included).
    private(set) var bytesOnWire = 0

    init(stream: any HTTPByteStream) {
        self.stream = stream
        wire.reserveCapacity(4096)
    }

    /// Sends an interim response (100 Continue) at once.
    func sendInterim(_ status: HTTPStatus) throws {
        wire += Array("HTTP/1.1 \(status.code) \(status.reasonPhrase)\r\n\r\n".utf8)
        try sendWire()
    }

    /// Queues the status line and fields; the content that follows is chunked if asked,
    /// or dropped if `discardContent` (a HEAD response, RFC 9110 §9.3.2).
    func beginResponse(_ status: HTTPStatus, _ headers: HTTPHeaders, chunked: Bool, discardContent: Bool) {
        self.chunked = chunked && !discardContent
        self.discard = discardContent
        contentBytesSent = 0
        bytesOnWire = 0
        wire += Array("HTTP/1.1 \(status.code) \(status.reasonPhrase)\r\n".utf8)
        for f in headers {
            wire += Array(f.name.utf8)
            wire += [58, 32]
            wire += Array(f.value.utf8)
            wire += [13, 10]
        }
        wire += [13, 10]
    }

    func writeContent(_ bytes: UnsafeRawBufferPointer) throws {
        if discard || bytes.isEmpty { return }
        if bytes.count >= Self.threshold {
            try flushPending()
            if chunked { wire += chunkHeader(bytes.count) }
            try sendWire()
            try send(bytes)
            contentBytesSent += bytes.count
            if chunked { wire += [13, 10] }
            return
        }
        pending.append(contentsOf: bytes)
        contentBytesSent += bytes.count
        if pending.count >= Self.threshold { try flushPending() }
    }

    /// Sends everything queued; for chunked content, the last chunk and an empty trailer section.
    func finish() throws {
        try flushPending()
        if chunked { wire += Array("0\r\n\r\n".utf8) }
        try sendWire()
        chunked = false
        discard = false
    }

    /// Drops a response that was queued but not sent (its writer failed early).
    func discardQueued() {
        wire.removeAll(keepingCapacity: true)
        pending.removeAll(keepingCapacity: true)
        chunked = false
        discard = false
    }

    private func chunkHeader(_ n: Int) -> [UInt8] { Array((String(n, radix: 16) + "\r\n").utf8) }

    private func flushPending() throws {
        if !pending.isEmpty {
            if chunked { wire += chunkHeader(pending.count) }
            wire += pending
            if chunked { wire += [13, 10] }
            pending.removeAll(keepingCapacity: true)
        }
        if wire.count >= Self.threshold { try sendWire() }
    }

    private func sendWire() throws {
        guard !wire.isEmpty else { return }
        try wire.withUnsafeBytes { try send($0) }
        wire.removeAll(keepingCapacity: true)
    }

    private func send(_ bytes: UnsafeRawBufferPointer) throws {
        bytesOnWire += bytes.count
        do { try stream.write(bytes) } catch { throw Failure.transport(error) }
    }
}
