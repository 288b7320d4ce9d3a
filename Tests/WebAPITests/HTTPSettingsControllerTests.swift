import Testing
import HTTPServer
@testable import PACS
@testable import WebAPI

/// The parts of `/api/settings/http` that read hostile input without a server: the Host field
/// that the apply answer's URL is made from.
@Suite struct HTTPSettingsControllerTests {
    @Test(arguments: [
        ("pacs.example.org:3000", "pacs.example.org"), ("pacs.example.org", "pacs.example.org"),
        ("127.0.0.1:8080", "127.0.0.1"), ("[::1]:3000", "::1"), ("[fe80::1]", "fe80::1"),
    ])
    func hostNames(_ field: String, _ expected: String) {
        #expect(HTTPSettingsController.hostName(field) == expected)
    }

    @Test(arguments: ["", ":3000", "[::1", "evil.org/path:1", "a b:1", "<script>:1", "x\u{0}y", "é.org",
                      String(repeating: "a", count: 300)])
    func refusedHostNames(_ field: String) {
        #expect(HTTPSettingsController.hostName(field) == nil)
    }

    @Test func urlPrefersThePublicAddress() {
        let head = HTTPRequestHead(method: "POST", target: "/api/settings/http/apply", headers: ["Host": "10.0.0.2:3000"])
        let request = HTTPRequest(head: head)
        var s = HTTPSettings(port: 3443, sslEnabled: true)
        #expect(HTTPSettingsController.url(s, request: request, host: "0.0.0.0") == "https://10.0.0.2:3443/")
        s.publicAddress = "pacs.example.org"
        #expect(HTTPSettingsController.url(s, request: request, host: "0.0.0.0") == "https://pacs.example.org:3443/")
        s.publicAddress = "https://pacs.example.org/"
        #expect(HTTPSettingsController.url(s, request: request, host: "0.0.0.0") == "https://pacs.example.org/")
        let bad = HTTPRequest(head: HTTPRequestHead(method: "POST", target: "/", headers: ["Host": "<x>"]))
        #expect(HTTPSettingsController.url(HTTPSettings(port: 80), request: bad, host: "::") == "http://[::]:80/")
    }
}
