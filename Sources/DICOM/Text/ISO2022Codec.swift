/// ISO 2022 8-bit decoding and encoding with the subset of code extension that DICOM uses:
/// G0 (GL, bytes 0x21–0x7E) and G1 (GR, bytes 0xA1–0xFE) only, both invoked permanently, and
/// designated by escape sequences (PS3.5 §6.1.2.5). This covers the single-byte sets too.
struct ISO2022Codec: Sendable {
    /// The designations at the start of each value and after each delimiter, from value 1.
    let initialG0: GraphicSet
    let initialG1: GraphicSet?
    /// The sets of all the terms, in term order, that can hold characters beyond ASCII: the
    /// encoder takes the first that has the character.
    let extensionSets: [GraphicSet]
    /// The name used in encoding errors, e.g. "ISO 2022 IR 13\ISO 2022 IR 87".
    let name: String

    // MARK: decoding

    func decode(_ p: UnsafeRawBufferPointer, delimiters: Delimiters) -> String {
        if ASCII.isPlainASCII(p) { return String(decoding: p, as: UTF8.self) }
        return UTF8Sink.collect(inputCount: p.count) { out in decode(p, delimiters: delimiters, into: &out) }
    }

    private func decode(_ p: UnsafeRawBufferPointer, delimiters: Delimiters, into out: inout UTF8Sink) {
        var g0 = initialG0
        var g1 = initialG1
        var g1Table = g1.flatMap(CodeTables.singleByte)
        var g0Double = CodeTables.doubleByte(g0)
        var g1Double = g1.flatMap(CodeTables.doubleByte)
        let n = p.count
        var i = 0

        @inline(__always) func reset() {
            g0 = initialG0
            g1 = initialG1
            g1Table = g1.flatMap(CodeTables.singleByte)
            g0Double = CodeTables.doubleByte(g0)
            g1Double = g1.flatMap(CodeTables.doubleByte)
        }

        while i < n {
            let b = p[i]
            if b == 0x1B {
                switch Self.parseEscape(p, at: i) {
                case let .designation(set, length):
                    if set.isG0 {
                        g0 = set
                        g0Double = CodeTables.doubleByte(set)
                    } else {
                        g1 = set
                        g1Table = CodeTables.singleByte(set)
                        g1Double = CodeTables.doubleByte(set)
                    }
                    i += length
                case let .unknown(length):
                    out.appendReplacement()
                    i += length
                case .malformed:
                    out.appendReplacement()
                    i += 1
                }
                continue
            }
            if b < 0x80 {
                if let table = g0Double, b > 0x20, b < 0x7F {
                    // A G0 94×94 set: two GL bytes per character.
                    if i + 1 < n, let s = table.scalar(b, p[i + 1]) {
                        out.append(s)
                        i += 2
                    } else {
                        out.appendReplacement()
                        i += (i + 1 < n && (0x21...0x7E).contains(p[i + 1])) ? 2 : 1
                    }
                    continue
                }
                // ASCII / JIS X 0201 Romaji, SPACE, or a control character.
                out.appendASCII(b)
                if delimiters.resets(b) { reset() }
                i += 1
                continue
            }
            // GR byte.
            if let table = g1Table {
                if b < 0xA0 {
                    out.append(UInt32(b))  // C1 control
                } else if let s = table.scalar(b) {
                    out.append(s)
                } else {
                    out.appendReplacement()
                }
                i += 1
            } else if let table = g1Double {
                if i + 1 < n, p[i + 1] >= 0x80, let s = table.scalar(b & 0x7F, p[i + 1] & 0x7F) {
                    out.append(s)
                    i += 2
                } else {
                    out.appendReplacement()
                    i += (i + 1 < n && (0xA1...0xFE).contains(p[i + 1]) && b >= 0xA1 && b <= 0xFE) ? 2 : 1
                }
            } else if let set = g1 {  // JIS X 0201 katakana
                if b < 0xA0 {
                    out.append(UInt32(b))
                } else if let s = set.scalar(b) {
                    out.append(s)
                } else {
                    out.appendReplacement()
                }
                i += 1
            } else {
                // Nothing designated to G1 (default repertoire, unknown value 1): read as
                // Latin-1, as pydicom does, rather than losing the character.
                out.append(UInt32(b))
                i += 1
            }
        }
    }

    enum Escape {
        case designation(GraphicSet, length: Int)
        /// A well-formed escape sequence that designates nothing known here.
        case unknown(length: Int)
        /// ESC not followed by a complete escape sequence.
        case malformed
    }

    /// Parses the escape sequence at `i` (ISO 2022: ESC, intermediate bytes 0x20–0x2F, one
    /// final byte 0x30–0x7E).
    static func parseEscape(_ p: UnsafeRawBufferPointer, at i: Int) -> Escape {
        var j = i + 1
        while j < p.count, (0x20...0x2F).contains(p[j]), j - i <= 3 { j += 1 }
        guard j > i + 1, j < p.count, (0x30...0x7E).contains(p[j]) else { return .malformed }
        let length = j - i + 1
        let tail = Array(p[(i + 1)...j])[...]
        if let set = GraphicSet.designated(byEscapeTail: tail) { return .designation(set, length: length) }
        return .unknown(length: length)
    }

    // MARK: encoding

    /// Encodes `text`; each character goes into the first set (in term order) that has it,
    /// with the escape sequence designating that set when it is not already designated.
    /// PS3.5 §6.1.2.5.3: the sets of value 1 are made active again before each control code
    /// (CR, LF, TAB, FF …), before each delimiter ('^' and '=' in PN, '\' between values) and
    /// at the end of the value: G0 always, G1 when value 1 designates one (with no G1 in value 1
    /// there is no escape sequence for that, and readers reset G1 at the delimiter).
    func encode(_ text: String, delimiters: Delimiters) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 8)
        var g0 = initialG0
        var g1 = initialG1

        func activateInitialSets() {
            if g0 != initialG0 {
                out += initialG0.escapeSequence
                g0 = initialG0
            }
            if let initial = initialG1, g1 != initial {
                out += initial.escapeSequence
                g1 = initial
            }
        }

        for scalar in text.unicodeScalars {
            let v = scalar.value
            if v < 0x80 {
                let b = UInt8(v)
                if b == 0x1B {
                    throw DICOMError.encoding("ESC (U+001B) cannot be written in text under \(name)")
                }
                if b < 0x20 || b == 0x7F || delimiters.resets(b) {
                    activateInitialSets()
                    out.append(b)
                    if delimiters.resets(b) { g1 = initialG1 }
                    continue
                }
                if g0.isDoubleByte {
                    out += initialG0.escapeSequence
                    g0 = initialG0
                }
                out.append(b)
                continue
            }
            var done = false
            for set in extensionSets {
                guard let bytes = set.encode(v) else { continue }
                if set.isG0 {
                    if g0 != set { out += set.escapeSequence; g0 = set }
                } else {
                    if g1 != set { out += set.escapeSequence; g1 = set }
                }
                out += bytes
                done = true
                break
            }
            if !done { throw SpecificCharacterSet.unrepresentable(scalar, in: name) }
        }
        activateInitialSets()
        return out
    }
}
