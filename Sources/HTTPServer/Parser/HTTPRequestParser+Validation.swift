extension HTTPRequestParser {
    /// Checks the header section of a complete head and derives framing, persistence and
    /// expectations; returns the status and reason when the request must be refused.
    static func validate(_ head: inout HTTPRequestHead, limits: HTTPLimits) -> (HTTPStatus, String)? {
        let h = head.headers
        // RFC 9112 §3.2: an HTTP/1.1 request has exactly one Host; more than one is a 400 in any version.
        let hosts = h.values("Host")
        if hosts.count > 1 { return (.badRequest, "more than one Host header") }
        if head.version.isAtLeast1_1 && hosts.isEmpty { return (.badRequest, "HTTP/1.1 request without Host") }
        if let host = hosts.first, host.utf8.contains(where: { $0 == 32 || $0 == 9 || $0 == 44 }) {
            return (.badRequest, "invalid Host")
        }

        switch framing(h, version: head.version) {
        case let .failure(e): return (e.status, e.reason)
        case let .success(f): head.framing = f
        }
        if head.framing == .none && limits.lengthRequiredMethods.contains(head.method) {
            return (.lengthRequired, "\(head.method) without Content-Length or Transfer-Encoding")
        }

        // RFC 9112 §9.3: HTTP/1.1 persists unless "close"; HTTP/1.0 only with "keep-alive".
        let close = h.listContains("Connection", token: "close")
        head.keepAlive = head.version.isAtLeast1_1 ? !close : (!close && h.listContains("Connection", token: "keep-alive"))

        // RFC 9110 §10.1.1: 100-continue is the only expectation; others may get 417, and
        // an HTTP/1.0 request's Expect is ignored.
        head.expectsContinue = false
        if head.version.isAtLeast1_1 {
            for e in h.list("Expect") {
                guard HTTPHeaders.same(e, "100-continue") else { return (.expectationFailed, "unsupported expectation '\(e)'") }
                head.expectsContinue = true
            }
        }
        return nil
    }

    struct FramingError: Error { let status: HTTPStatus; let reason: String }

    /// The message body length rules of RFC 9112 §6.3, applied strictly.
    static func framing(_ h: HTTPHeaders, version: HTTPVersion) -> Result<HTTPBodyFraming, FramingError> {
        let te = h.values("Transfer-Encoding")
        let cl = h.values("Content-Length")
        if !te.isEmpty {
            // §6.1: Transfer-Encoding in HTTP/1.0 means faulty framing.
            if !version.isAtLeast1_1 { return .failure(.init(status: .badRequest, reason: "Transfer-Encoding in an HTTP/1.0 request")) }
            // §6.3 rule 3: both present is a likely smuggling attempt; refuse rather than guess.
            if !cl.isEmpty { return .failure(.init(status: .badRequest, reason: "both Transfer-Encoding and Content-Length")) }
            let codings = h.list("Transfer-Encoding")
            if codings.isEmpty { return .failure(.init(status: .badRequest, reason: "empty Transfer-Encoding")) }
            var chunked = 0
            for c in codings {
                let name = trimOWS(c.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0])
                guard !name.isEmpty, name.utf8.allSatisfy(isTchar) else {
                    return .failure(.init(status: .badRequest, reason: "invalid transfer coding '\(c)'"))
                }
                // §6.1: a transfer coding the server does not understand is answered 501.
                guard HTTPHeaders.same(name, "chunked") else {
                    return .failure(.init(status: .notImplemented, reason: "transfer coding '\(name)' is not supported"))
                }
                if c.contains(";") { return .failure(.init(status: .badRequest, reason: "chunked takes no parameters")) }
                chunked += 1
            }
            // §6.1: chunked is applied once and last (§6.3 rule 4).
            if chunked > 1 { return .failure(.init(status: .badRequest, reason: "chunked applied more than once")) }
            return .success(.chunked)
        }
        if !cl.isEmpty {
            // RFC 9110 §8.6: Content-Length = 1*DIGIT; a list of identical values may be
            // taken as one value, differing values are an unrecoverable error.
            var length: Int?
            for v in cl {
                let items = v.split(separator: ",", omittingEmptySubsequences: false).map { trimOWS($0) }
                for item in items {
                    guard !item.isEmpty, item.utf8.allSatisfy(isDigit) else {
                        return .failure(.init(status: .badRequest, reason: "invalid Content-Length '\(v)'"))
                    }
                    let digits = item.utf8.drop { $0 == 48 }
                    guard digits.count <= 18 else {
                        return .failure(.init(status: .contentTooLarge, reason: "Content-Length \(item) is too large"))
                    }
                    let n = digits.reduce(0) { $0 * 10 + Int($1 - 48) }
                    if let l = length, l != n { return .failure(.init(status: .badRequest, reason: "conflicting Content-Length values")) }
                    length = n
                }
            }
            return .success(.length(length ?? 0))
        }
        return .success(.none)
    }
}
