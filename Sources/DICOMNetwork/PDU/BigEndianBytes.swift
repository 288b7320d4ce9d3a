/// Big-endian field writer for PDUs (PS3.8 §9.3: "all multi-byte fields … in big endian").
struct PDUWriter {
    var bytes: [UInt8] = []

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u16(_ v: UInt16) { bytes.append(UInt8(v >> 8)); bytes.append(UInt8(v & 0xFF)) }
    mutating func u32(_ v: UInt32) {
        bytes.append(UInt8(v >> 24)); bytes.append(UInt8((v >> 16) & 0xFF))
        bytes.append(UInt8((v >> 8) & 0xFF)); bytes.append(UInt8(v & 0xFF))
    }
    mutating func zeros(_ n: Int) { bytes.append(contentsOf: repeatElement(0, count: n)) }
    mutating func append(_ b: some Sequence<UInt8>) { bytes.append(contentsOf: b) }
    /// An AE title field: 16 bytes, space padded (PS3.8 Table 9-11).
    mutating func aeTitle(_ s: String) {
        var b = Array(s.utf8.prefix(16))
        b.append(contentsOf: repeatElement(0x20, count: 16 - b.count))
        bytes.append(contentsOf: b)
    }
    /// The fields A-ASSOCIATE-RQ and -AC share (PS3.8 Tables 9-11, 9-17): protocol version,
    /// reserved, called and calling AE titles, 32 reserved bytes, the application context item.
    mutating func associateHeader(version: UInt16, called: String, calling: String, context: String) {
        u16(version); zeros(2)
        aeTitle(called); aeTitle(calling)
        zeros(32)
        item(0x10, Array(context.utf8))
    }

    /// An item with a 16-bit length: type, reserved, length, body.
    mutating func item(_ type: UInt8, _ body: [UInt8]) {
        u8(type); u8(0); u16(UInt16(body.count)); append(body)
    }
}

/// Bounds-checked big-endian reader over a PDU body. Every read checks what is left first.
struct PDUReader {
    let bytes: [UInt8]
    var pos: Int
    let end: Int
    /// Offset of `bytes[0]` in the PDU, for error messages.
    let base: Int

    init(_ bytes: [UInt8], from: Int = 0, to: Int? = nil, base: Int = 0) {
        self.bytes = bytes
        pos = from
        end = to ?? bytes.count
        self.base = base
    }

    var remaining: Int { end - pos }
    var atEnd: Bool { pos >= end }

    mutating func need(_ n: Int, _ what: String) throws(PDUError) {
        guard n >= 0, n <= remaining else {
            throw PDUError.malformed(offset: base + pos, reason: "\(what) needs \(n) bytes, \(remaining) left")
        }
    }
    mutating func u8(_ what: String) throws(PDUError) -> UInt8 {
        try need(1, what); defer { pos += 1 }; return bytes[pos]
    }
    mutating func u16(_ what: String) throws(PDUError) -> UInt16 {
        try need(2, what); defer { pos += 2 }
        return UInt16(bytes[pos]) << 8 | UInt16(bytes[pos + 1])
    }
    mutating func u32(_ what: String) throws(PDUError) -> UInt32 {
        try need(4, what); defer { pos += 4 }
        return UInt32(bytes[pos]) << 24 | UInt32(bytes[pos + 1]) << 16 | UInt32(bytes[pos + 2]) << 8 | UInt32(bytes[pos + 3])
    }
    mutating func take(_ n: Int, _ what: String) throws(PDUError) -> ArraySlice<UInt8> {
        try need(n, what); defer { pos += n }; return bytes[pos..<(pos + n)]
    }
    mutating func skip(_ n: Int, _ what: String) throws(PDUError) { try need(n, what); pos += n }
    /// Reads the fields A-ASSOCIATE-RQ and -AC share, up to the variable items.
    mutating func associateHeader() throws(PDUError) -> (version: UInt16, called: String, calling: String) {
        let version = try u16("protocol version")
        try skip(2, "reserved")
        let called = try text(16, "called AE title")
        let calling = try text(16, "calling AE title")
        try skip(32, "reserved")
        return (version, called, calling)
    }

    /// A UID or AE title: ASCII, trailing spaces and NULs removed.
    mutating func text(_ n: Int, _ what: String) throws(PDUError) -> String {
        let raw = try take(n, what)
        var s = String(decoding: raw, as: UTF8.self)
        while let c = s.last, c == " " || c == "\0" { s.removeLast() }
        while let c = s.first, c == " " { s.removeFirst() }
        return s
    }
}
