extension HTTPConnection {
    /// Sends a response and returns the content octets sent. The server owns the framing
    /// fields: Content-Length when the length is known, else chunked for HTTP/1.1 or a
    /// close-delimited body for HTTP/1.0 (RFC 9112 §6.1, §6.3); `keepAlive` is cleared when
    /// the framing needs the connection to close.
    func send(_ response: HTTPResponse, for head: HTTPRequestHead?, keepAlive: inout Bool) throws -> Int {
        var headers = response.headers
        for name in ["Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive"] { headers.remove(name) }
        let status = response.status
        let isHEAD = head?.isHEAD ?? false
        let http10 = head.map { !$0.version.isAtLeast1_1 } ?? false
        let length = response.body.knownLength
        var chunked = false
        if !status.allowsContent {
            // RFC 9110 §8.6: no Content-Length in 1xx and 204 responses.
        } else if let length {
            headers.set("Content-Length", String(length))
        } else if isHEAD {
            // The length is unknown and no content follows a HEAD response anyway.
        } else if http10 {
            keepAlive = false
        } else {
            chunked = true
            headers.set("Transfer-Encoding", "chunked")
        }
        if !headers.contains("Date") { headers.set("Date", HTTPDate.format(Int(wallClock()))) }
        if let name = config.serverName, !headers.contains("Server") { headers.set("Server", name) }
        if !keepAlive {
            headers.set("Connection", "close")
        } else if http10 {
            headers.set("Connection", "keep-alive")
        }
        let discard = isHEAD || !status.allowsContent
        output.beginResponse(status, headers, chunked: chunked, discardContent: discard)
        switch response.body {
        case .empty:
            break
        case let .bytes(b):
            try b.withUnsafeBytes { try output.writeContent($0) }
        case let .stream(length, write):
            if !discard {
                let writer = HTTPBodyWriter(output: output, declaredLength: length)
                try write(writer)
                if let length, writer.bytesWritten != length {
                    throw HTTPResponseOutput.Failure.underrun(declared: length, written: writer.bytesWritten)
                }
            }
        }
        try output.finish()
        return output.contentBytesSent
    }
}
