/// The stand-alone multi-byte encodings of PS3.5 Annex J: GB18030 and GBK, converted by iconv
/// (UTF-8 needs no help). No code extension: ESC is an ordinary control character, and the
/// second byte of a 2-byte code may be 0x5C ('\') without being a delimiter, since the value
/// is converted whole.
enum IconvCodec: Sendable {
    case gb18030
    case gbk

    var iconvName: String {
        switch self {
        case .gb18030: return "GB18030"
        case .gbk: return "GBK"
        }
    }

    var termName: String { iconvName }

    func decode(_ p: UnsafeRawBufferPointer) -> String {
        if ASCII.isASCII(p) { return String(decoding: p, as: UTF8.self) }
        return UTF8Sink.collect(inputCount: p.count) { out in
            IconvPool.shared.with(from: iconvName, to: "UTF-8") { cd in
                guard let cd else {
                    // No converter in this C library: keep the ASCII, mark the rest.
                    for b in p { if b < 0x80 { out.appendASCII(b) } else { out.appendReplacement() } }
                    return
                }
                Iconv.stream(cd, p, output: { out.append(contentsOf: $0) },
                             onError: { _, _ in out.appendReplacement() })
            }
        }
    }

    func encode(_ text: String) throws -> [UInt8] {
        let utf8 = Array(text.utf8)
        if utf8.allSatisfy({ $0 < 0x80 }) { return utf8 }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count * 2)
        try IconvPool.shared.with(from: "UTF-8", to: iconvName) { cd in
            guard let cd else { throw DICOMError.unsupported("iconv has no \(iconvName) converter") }
            try utf8.withUnsafeBytes { raw in
                try Iconv.stream(cd, raw, output: { out.append(contentsOf: $0) },
                                 onError: { _, offset in
                    let scalar = String(decoding: raw[offset...].prefix(4), as: UTF8.self).unicodeScalars.first
                    throw SpecificCharacterSet.unrepresentable(scalar ?? "\u{FFFD}", in: termName)
                })
            }
        }
        return out
    }
}
