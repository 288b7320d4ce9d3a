/// A byte stream that keeps what is written (for collecting a response in memory).
final class MemoryByteStream: HTTPByteStream, @unchecked Sendable {
    var written: [UInt8] = []
    let peerAddress = "memory"
    func read(into buffer: UnsafeMutableRawBufferPointer, deadline: Deadline?) throws(HTTPTransportError) -> Int { 0 }
    func write(_ bytes: UnsafeRawBufferPointer) throws(HTTPTransportError) { written.append(contentsOf: bytes) }
    func shutdownWrite() {}
    func shutdown() {}
    func close() {}
}

extension HTTPResponse {
    /// Runs the body (a stream's writer included) and returns the content whole. Meant for
    /// tests and small internal responses: it holds everything in memory.
    public func collectBody() throws -> [UInt8] {
        switch body {
        case .empty: return []
        case let .bytes(b): return b
        case let .stream(length, write):
            let memory = MemoryByteStream()
            let output = HTTPResponseOutput(stream: memory)
            output.beginResponse(status, [:], chunked: false, discardContent: false)
            let writer = HTTPBodyWriter(output: output, declaredLength: length)
            try write(writer)
            try output.finish()
            // Drop the status line and the empty field section written before the content.
            let headLength = Array("HTTP/1.1 \(status.code) \(status.reasonPhrase)\r\n\r\n".utf8).count
            return Array(memory.written.dropFirst(headLength))
        }
    }
}
