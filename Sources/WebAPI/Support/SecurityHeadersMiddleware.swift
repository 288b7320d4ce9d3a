import HTTPServer

/// Headers on every answer that keep a browser from treating API data as something else:
/// no MIME sniffing (a JSON string holding `<script>` stays JSON), no framing, no referrer
/// leaving the appliance, and for everything that is not a page of the UI a policy that lets
/// nothing load or run.
struct SecurityHeadersMiddleware: HTTPMiddleware {
    func handle(_ request: HTTPRequest, next: (HTTPRequest) throws -> HTTPResponse) throws -> HTTPResponse {
        var r = try next(request)
        func setIfAbsent(_ name: String, _ value: String) {
            if r.headers[name] == nil { r.headers.set(name, value) }
        }
        setIfAbsent("X-Content-Type-Options", "nosniff")
        setIfAbsent("X-Frame-Options", "DENY")
        setIfAbsent("Referrer-Policy", "no-referrer")
        let type = (r.headers["Content-Type"] ?? "").lowercased()
        if !type.hasPrefix("text/html") {
            setIfAbsent("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
        }
        return r
    }
}
