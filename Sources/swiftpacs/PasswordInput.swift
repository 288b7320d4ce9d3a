#if canImport(Glibc)
import Glibc
#endif

/// Reading a password for the CLI: from standard input when asked (`--password-stdin`), or
/// typed at the terminal without echo.
enum PasswordInput {
    enum Failure: Error { case noTerminal, mismatch, empty, cancelled, tooLong }

    static let maxBytes = 4096

    /// Standard input up to its end, without the trailing line break.
    static func fromStandardInput() throws(Failure) -> String {
        var bytes: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 1024)
        while true {
            let n = buf.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; break }
            if n == 0 { break }
            bytes += buf[0..<n]
            if bytes.count > maxBytes { throw .tooLong }
        }
        if bytes.last == UInt8(ascii: "\n") { bytes.removeLast() }
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        guard !bytes.isEmpty else { throw .empty }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Asks twice on the terminal with echo off; throws `.noTerminal` when standard input is
    /// not one.
    static func prompt(_ label: String) throws(Failure) -> String {
        guard isatty(0) == 1 else { throw .noTerminal }
        let first = try readHidden("\(label): ")
        if first.isEmpty { throw .empty }
        let second = try readHidden("\(label) (again): ")
        guard first == second else { throw .mismatch }
        return first
    }

    /// One line from the terminal with echo off; the terminal is restored even on Ctrl-C.
    static func readHidden(_ prompt: String) throws(Failure) -> String {
        var saved = termios()
        guard tcgetattr(0, &saved) == 0 else { throw .noTerminal }
        TerminalState.saved = saved
        for s in [SIGINT, SIGTERM, SIGHUP, SIGQUIT] { signal(s, TerminalState.restoreAndExit) }
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        quiet.c_lflag |= tcflag_t(ECHONL)
        // Echo goes off (dropping typeahead) before the prompt shows, so that nothing typed
        // after the prompt is lost or shown.
        tcsetattr(0, TCSAFLUSH, &quiet)
        Console.error(prompt, newline: false)
        defer {
            tcsetattr(0, TCSANOW, &saved)
            for s in [SIGINT, SIGTERM, SIGHUP, SIGQUIT] { signal(s, SIG_DFL) }
        }
        var line: [UInt8] = []
        var c: UInt8 = 0
        while true {
            let n = read(0, &c, 1)
            if n < 0, errno == EINTR { continue }
            if n <= 0 { throw .cancelled }
            if c == UInt8(ascii: "\n") { break }
            line.append(c)
            if line.count > maxBytes { throw .tooLong }
        }
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        return String(decoding: line, as: UTF8.self)
    }
}

/// The terminal settings to put back if a signal ends the prompt.
enum TerminalState {
    nonisolated(unsafe) static var saved = termios()

    static let restoreAndExit: @convention(c) (Int32) -> Void = { sig in
        tcsetattr(0, TCSAFLUSH, &TerminalState.saved)
        _ = write(2, "\n", 1)
        _exit(128 + sig)
    }
}
