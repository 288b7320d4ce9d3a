/// A connection as the HTTP layer sees it: an ordered, reliable byte stream. TCP is one;
/// a TLS session over TCP is another (the seam for a later `TLS` module: wrap the accepted
/// `HTTPSocket` through `HTTPServer.Configuration.wrapConnection`).
///
/// One thread owns a stream and calls `read`, `write` and `close`; any thread may call
/// `shutdown` to wake the owner (server stop, listener retirement).
public protocol HTTPByteStream: AnyObject, Sendable {
    /// The peer's address, for logs.
    var peerAddress: String { get }
    /// Reads at most `buffer.count` bytes, waiting until `deadline` at the latest.
    /// Returns 0 at the end of the stream; throws `.timedOut` when the deadline passes.
    func read(into buffer: UnsafeMutableRawBufferPointer, deadline: Deadline?) throws(HTTPTransportError) -> Int
    /// Writes every byte or throws (the peer stopped reading for the write timeout, or left).
    func write(_ bytes: UnsafeRawBufferPointer) throws(HTTPTransportError)
    /// Ends the sending direction (a FIN for TCP), keeping the receiving one.
    func shutdownWrite()
    /// Ends both directions; a read blocked on another thread returns. Any thread.
    func shutdown()
    /// Releases the connection. Owner thread only; idempotent.
    func close()
}

/// Failures of the byte stream under the HTTP layer.
public enum HTTPTransportError: Error, Sendable, Equatable, CustomStringConvertible {
    case timedOut
    case closed
    case addressInUse(host: String, port: Int)
    case io(String)

    public var description: String {
        switch self {
        case .timedOut: return "timed out"
        case .closed: return "the peer closed the connection"
        case let .addressInUse(h, p): return "port \(p) on \(h) is already in use by another program"
        case let .io(s): return s
        }
    }
}
