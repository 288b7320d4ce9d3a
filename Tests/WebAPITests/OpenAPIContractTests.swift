import Foundation
import Testing
import Archive
import HTTPServer
import PACS
@testable import WebAPI

/// The operations (path and method) under `paths:` of an OpenAPI document in YAML, read by a
/// reader made for this one job: block mappings with comments and quoted keys. Anything it does
/// not understand at the levels it reads (a flow-style path item, a `$ref` to a path item, tabs)
/// is an error rather than a guess, so a document written differently makes the test fail loudly.
enum OpenAPIOperations {
    struct Problem: Error, CustomStringConvertible {
        let line: Int
        let message: String
        var description: String { "openapi.yaml line \(line): \(message)" }
    }

    static let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    static func read(_ yaml: String) throws -> [HTTPEndpoint] {
        var out: [HTTPEndpoint] = []
        var inPaths = false
        var pathIndent: Int?, methodIndent: Int?
        var path: String?
        for (i, raw) in yaml.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            let content = line.drop { $0 == " " }
            if content.isEmpty || content.hasPrefix("#") { continue }
            if content.hasPrefix("\t") { throw Problem(line: i + 1, message: "tabs in the indentation") }
            let indent = line.count - content.count
            if indent == 0 {
                inPaths = try key(content, line: i + 1).name == "paths"
                pathIndent = nil
                path = nil
                continue
            }
            guard inPaths else { continue }
            if pathIndent == nil { pathIndent = indent }
            if indent == pathIndent {
                let (name, rest) = try key(content, line: i + 1)
                guard name.hasPrefix("/") else { throw Problem(line: i + 1, message: "'\(name)' under paths: is not a path") }
                guard rest.isEmpty else { throw Problem(line: i + 1, message: "the path item of \(name) is not a block mapping") }
                path = name
                methodIndent = nil
            } else if let p = path, let pi = pathIndent, indent > pi {
                if methodIndent == nil { methodIndent = indent }
                guard let mi = methodIndent, indent >= mi else {
                    throw Problem(line: i + 1, message: "indentation between the path and its methods")
                }
                guard indent == mi else { continue }  // inside an operation or a path-level member
                let name = try key(content, line: i + 1).name
                if name == "$ref" { throw Problem(line: i + 1, message: "the path item of \(p) is a $ref, which this reader does not follow") }
                if methods.contains(name) { out.append(HTTPEndpoint(method: name.uppercased(), pattern: p)) }
            } else {
                throw Problem(line: i + 1, message: "indentation below the paths")
            }
        }
        return out
    }

    /// A mapping key (plain, "double-quoted" or 'single-quoted') and what follows its colon,
    /// without a trailing comment.
    static func key(_ s: Substring, line: Int) throws -> (name: String, rest: Substring) {
        var name = ""
        var rest: Substring
        if let q = s.first, q == "\"" || q == "'" {
            var i = s.index(after: s.startIndex)
            var closed = false
            while i < s.endIndex {
                let c = s[i]
                let next = s.index(after: i)
                if q == "\"" && c == "\\" && next < s.endIndex {
                    name.append(s[next])
                    i = s.index(after: next)
                    continue
                }
                if c == q {
                    if q == "'" && next < s.endIndex && s[next] == "'" {
                        name.append("'")
                        i = s.index(after: next)
                        continue
                    }
                    closed = true
                    i = next
                    break
                }
                name.append(c)
                i = next
            }
            guard closed, i < s.endIndex, s[i] == ":" else { throw Problem(line: line, message: "expected a quoted key and a colon") }
            rest = s[s.index(after: i)...]
        } else {
            // A plain key ends at the first ": " or at a colon that ends the line.
            var end: Substring.Index?
            var i = s.startIndex
            while i < s.endIndex {
                let next = s.index(after: i)
                if s[i] == ":" && (next == s.endIndex || s[next] == " ") { end = i; break }
                i = next
            }
            guard let end else { throw Problem(line: line, message: "expected a key and a colon") }
            name = String(s[..<end])
            rest = s[s.index(after: end)...]
        }
        rest = rest.drop { $0 == " " }
        if rest.hasPrefix("#") { rest = rest[rest.endIndex...] }
        return (name, rest)
    }
}

/// Routes and documented operations compared both ways, with the path parameter syntaxes made
/// one: the router's `{name}` and trailing `{name...}`, a `:name` segment, and OpenAPI's `{name}`.
enum RouteContract {
    static func normalized(_ e: HTTPEndpoint) -> HTTPEndpoint {
        let segments = e.pattern.split(separator: "/", omittingEmptySubsequences: false).map { s -> String in
            if s.hasPrefix("{") && s.hasSuffix("...}") { return "{\(s.dropFirst().dropLast(4))}" }
            if s.hasPrefix(":") && s.count > 1 { return "{\(s.dropFirst())}" }
            return String(s)
        }
        return HTTPEndpoint(method: e.method.uppercased(), pattern: segments.joined(separator: "/"))
    }

    /// What is routed but not documented, and what is documented but not routed.
    static func compare(routed: [HTTPEndpoint], documented: [HTTPEndpoint])
        -> (undocumented: [HTTPEndpoint], unrouted: [HTTPEndpoint]) {
        let r = Set(routed.map(normalized)), d = Set(documented.map(normalized))
        let order = { (a: HTTPEndpoint, b: HTTPEndpoint) in (a.pattern, a.method) < (b.pattern, b.method) }
        return (r.subtracting(d).sorted(by: order), d.subtracting(r).sorted(by: order))
    }
}

@Suite struct OpenAPIContractTests {
    /// openapi/openapi.yaml of this checkout, found from this file's place in it.
    static var documentPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("openapi/openapi.yaml").path
    }

    /// The router `swiftpacs serve` runs, over an empty data directory.
    static func applicationEndpoints() throws -> [HTTPEndpoint] {
        let dir = NSTemporaryDirectory() + "swiftpacs-contract-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let archive = try Archive(dataDirectory: dir, role: .tool)
        defer { archive.close() }
        let dicom = DICOMService(provider: PACSServiceProvider(archive: archive, log: ConsoleLog(minimum: .error)), host: "127.0.0.1")
        let settings = try SettingsStore(archive: archive)
        let logs = try LogStore(dataDirectory: dir)
        defer { logs.close() }
        // Every optional part wired, as `serve` wires it: the web module and the logs add routes.
        let app = WebApplication(version: "test", archive: archive, users: UserStore(archive: archive), settings: settings,
                                 dicom: dicom, web: WebService(settings: settings, dataDirectory: dir, host: "127.0.0.1"),
                                 logs: logs, dicomStatus: { "disabled" })
        return app.router().endpoints
    }

    @Test func everyRouteIsDocumentedAndEveryDocumentedOperationIsRouted() throws {
        let documented = try OpenAPIOperations.read(try String(contentsOfFile: Self.documentPath, encoding: .utf8))
        let routed = try Self.applicationEndpoints()
        #expect(routed.count >= 20 && documented.count >= 20, "\(routed.count) routes, \(documented.count) documented operations")
        let (undocumented, unrouted) = RouteContract.compare(routed: routed, documented: documented)
        #expect(undocumented.isEmpty, "routed but not in openapi/openapi.yaml: \(undocumented)")
        #expect(unrouted.isEmpty, "in openapi/openapi.yaml but not routed: \(unrouted)")
    }

    /// The comparison finds a missing route, a missing method and an extra route.
    @Test func aDifferenceEitherWayIsFound() throws {
        let yaml = """
            openapi: 3.0.3
            paths:
              # the collection
              /api/things:
                get: { summary: list }
                post:
                  summary: create
                  responses: { "201": { description: made } }
              "/api/things/{id}":
                parameters:
                  - { name: id, in: path, required: true, schema: { type: integer } }
                get:
                  description: |
                    get: not a method, but text inside the operation
                delete: { summary: remove }
              '/files/{path}':
                get: { summary: a file }
            components:
              schemas:
                get: { type: object }
            """
        let documented = try OpenAPIOperations.read(yaml)
        #expect(Set(documented.map(\.description)) == ["GET /api/things", "POST /api/things", "GET /api/things/{id}",
                                                      "DELETE /api/things/{id}", "GET /files/{path}"])
        var r = HTTPRouter()
        r.get("/api/things") { _ in .text("") }
        r.get("/api/things/{id}") { _ in .text("") }
        r.put("/api/things/{id}") { _ in .text("") }
        r.get("/files/{path...}") { _ in .text("") }
        r.get("/api/extra") { _ in .text("") }
        let (undocumented, unrouted) = RouteContract.compare(routed: r.endpoints, documented: documented)
        #expect(undocumented.map(\.description) == ["GET /api/extra", "PUT /api/things/{id}"])
        #expect(unrouted.map(\.description) == ["POST /api/things", "DELETE /api/things/{id}"])
    }

    @Test func parameterSyntaxesAreOne() {
        #expect(RouteContract.normalized(HTTPEndpoint(method: "get", pattern: "/a/:id/b")).description == "GET /a/{id}/b")
        #expect(RouteContract.normalized(HTTPEndpoint(method: "GET", pattern: "/static/{path...}")).description == "GET /static/{path}")
    }

    @Test func documentsItCannotReadAreRefused() {
        #expect(throws: OpenAPIOperations.Problem.self) { try OpenAPIOperations.read("paths:\n  /a: { get: {} }\n") }
        #expect(throws: OpenAPIOperations.Problem.self) { try OpenAPIOperations.read("paths:\n  /a:\n    $ref: '#/x'\n") }
        #expect(throws: OpenAPIOperations.Problem.self) { try OpenAPIOperations.read("paths:\n  a:\n    get: {}\n") }
    }
}
