#if canImport(Glibc)
import Glibc
#endif
internal import COpenSSL
import HTTPServer

/// An HTTP byte stream over a TLS session on a TCP socket. The socket is non-blocking
/// underneath; waits happen in poll, so reads keep their deadlines and a `shutdown` of
/// the socket from another thread wakes the owner.
public final class TLSStream: HTTPByteStream, @unchecked Sendable {
    // `ssl` is used by the owner thread only; other threads call shutdown(), which touches
    // nothing but the socket.
    private var ssl: OpaquePointer?
    private let socket: HTTPSocket
    private let context: TLSServerContext
    public var peerAddress: String { socket.peerAddress }
    /// The negotiated protocol, such as "TLSv1.3".
    public let protocolVersion: String

    init(context: TLSServerContext, socket: HTTPSocket, deadline: Deadline) throws(TLSError) {
        self.context = context
        self.socket = socket
        let fd = socket.descriptor
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        guard let ssl = SSL_new(context.ctx) else { throw .handshake("cannot create a session: \(TLSError.openSSLReason())") }
        SSL_set_fd(ssl, fd)
        self.ssl = ssl
        while true {
            let r = SSL_accept(ssl)
            if r == 1 { break }
            let e = SSL_get_error(ssl, r)
            guard e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE,
                  Self.wait(fd, forWrite: e == SSL_ERROR_WANT_WRITE, until: deadline) else {
                let reason = e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE ? "timed out" : TLSError.openSSLReason()
                SSL_free(ssl)
                self.ssl = nil
                throw .handshake("with \(socket.peerAddress) failed: \(reason)")
            }
        }
        protocolVersion = String(cString: SSL_get_version(ssl))
    }

    deinit { close() }

    /// Waits until the socket is ready; false on timeout or error.
    static func wait(_ fd: Int32, forWrite: Bool, until deadline: Deadline?) -> Bool {
        var p = pollfd(fd: fd, events: Int16(forWrite ? POLLOUT : POLLIN), revents: 0)
        while true {
            let ms: Int32 = deadline.map { Int32(max(0, min($0.remaining, 86_400)) * 1000 + 0.999) } ?? -1
            let n = poll(&p, 1, ms)
            if n > 0 { return true }
            if n == 0 { return false }
            if errno != EINTR { return false }
        }
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer, deadline: Deadline?) throws(HTTPTransportError) -> Int {
        guard let ssl else { return 0 }
        while true {
            let r = SSL_read(ssl, buffer.baseAddress, Int32(min(buffer.count, Int(Int32.max))))
            if r > 0 { return Int(r) }
            switch SSL_get_error(ssl, r) {
            case SSL_ERROR_WANT_READ:
                // Bytes OpenSSL already holds would be read above; only then wait on the socket.
                guard Self.wait(socket.descriptor, forWrite: false, until: deadline) else {
                    if deadline?.hasPassed ?? false { throw .timedOut }
                    return 0
                }
            case SSL_ERROR_WANT_WRITE:
                guard Self.wait(socket.descriptor, forWrite: true, until: deadline) else { throw .timedOut }
            default:
                // close_notify, a reset, or a protocol error: the stream has ended.
                ERR_clear_error()
                return 0
            }
        }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(HTTPTransportError) {
        guard let ssl else { throw .closed }
        var off = 0
        let sendTimeout = context.writeTimeout
        while off < bytes.count {
            let r = SSL_write(ssl, bytes.baseAddress! + off, Int32(min(bytes.count - off, 1 << 30)))
            if r > 0 { off += Int(r); continue }
            switch SSL_get_error(ssl, r) {
            case SSL_ERROR_WANT_WRITE:
                guard Self.wait(socket.descriptor, forWrite: true, until: .after(sendTimeout)) else { throw .timedOut }
            case SSL_ERROR_WANT_READ:
                guard Self.wait(socket.descriptor, forWrite: false, until: .after(sendTimeout)) else { throw .timedOut }
            default:
                ERR_clear_error()
                throw .closed
            }
        }
    }

    /// Sends close_notify (best effort), then ends the TCP sending direction.
    public func shutdownWrite() {
        if let ssl { _ = SSL_shutdown(ssl); ERR_clear_error() }
        socket.shutdownWrite()
    }

    public func shutdown() { socket.shutdown() }

    public func close() {
        if let ssl {
            SSL_free(ssl)
            self.ssl = nil
        }
        socket.close()
    }
}
