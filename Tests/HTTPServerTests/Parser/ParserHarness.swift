import Testing
@testable import HTTPServer

/// One request (or several, pipelined) and what the parser must make of it:
/// 200 for a complete, accepted message; the error status otherwise; 0 for "needs more".
struct ParserCase: Sendable, CustomTestStringConvertible {
    let name: String
    let raw: [UInt8]
    let expected: Int
    var testDescription: String { "\(name) → \(expected)" }

    init(_ name: String, _ raw: String, _ expected: Int) {
        self.name = name
        self.raw = Array(raw.utf8)
        self.expected = expected
    }
}

/// The result of running a parser to the end of its input.
struct ParseRun {
    var outcome: Int
    var heads: [HTTPRequestHead] = []
    var bodies: [[UInt8]] = []
    var trailers: [HTTPHeaders] = []
}

/// Feeds `raw` (whole, or `step` bytes at a time) and collects events until the input is
/// used up or an error occurs.
func parse(_ raw: [UInt8], limits: HTTPLimits = HTTPLimits(), step: Int? = nil,
           bodyLimit: ((HTTPRequestHead) -> Int?)? = nil) -> ParseRun {
    var p = HTTPRequestParser(limits: limits)
    var run = ParseRun(outcome: 0)
    var offset = 0
    var current: [UInt8] = []
    var inMessage = false
    var guardCount = 0
    while true {
        guardCount += 1
        precondition(guardCount < 10_000_000, "parser does not progress")
        switch p.next() {
        case let .head(h):
            run.heads.append(h)
            inMessage = true
            current = []
            if let l = bodyLimit?(h) { p.bodyLimit = l }
        case let .body(b):
            current += b
        case let .end(t):
            run.bodies.append(current)
            run.trailers.append(t)
            inMessage = false
        case let .error(s, _):
            run.outcome = s.code
            return run
        case .needMore:
            if offset >= raw.count {
                run.outcome = (inMessage || !p.isIdle || run.heads.isEmpty) ? 0 : 200
                return run
            }
            let n = min(step ?? raw.count, raw.count - offset)
            p.feed(raw[offset..<(offset + n)])
            offset += n
        }
    }
}
