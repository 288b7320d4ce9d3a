/// The values of a character string element as UTF-8 bytes, decoded and trimmed for JSON.
enum JSONTextValues {
    /// Each value of the element as UTF-8, trimmed like `StringValues.trim`. `asciiBase` is
    /// `hasASCIIBase(cs)`, computed once per data set.
    ///
    /// Printable ASCII under an ASCII-compatible character set, and valid UTF-8 without control
    /// characters under ISO_IR 192, are taken as they are, without building strings (no UTF-8
    /// multi-byte sequence contains the bytes of `\` or space). Anything else is decoded with the
    /// character set (the default repertoire for the VRs it does not affect, PS3.5 §6.1.2.3).
    static func utf8Values(_ b: ByteView, vr: VR, characterSet cs: SpecificCharacterSet, asciiBase: Bool, isUTF8: Bool) -> [ArraySlice<UInt8>] {
        let bytes = b.array
        var end = bytes.count
        while end > 0, bytes[end - 1] == 0x00 || bytes[end - 1] == 0x20 { end -= 1 }
        var printable = true, high = false
        for c in bytes[..<end] {
            if c >= 0x80 { high = true } else if c < 0x20 || c == 0x7F { printable = false; break }
        }
        if printable {
            if !high && (!vr.usesSpecificCharacterSet || asciiBase) {
                return split(bytes[..<end], vr: vr)
            }
            if high && isUTF8 && vr.usesSpecificCharacterSet,
               bytes.withUnsafeBufferPointer({ String(validating: UnsafeBufferPointer(rebasing: $0[..<end]), as: UTF8.self) }) != nil {
                return split(bytes[..<end], vr: vr)
            }
        }
        return StringValues.decode(b, vr: vr, characterSet: cs).map { Array($0.utf8)[...] }
    }

    /// Whether `cs` is exactly ISO_IR 192 (UTF-8).
    static func isUTF8(_ cs: SpecificCharacterSet) -> Bool {
        cs.terms.count == 1 && cs.terms[0] == "ISO_IR 192"
    }

    /// Whether printable ASCII bytes mean ASCII characters in `cs`. Every term but JIS X 0201
    /// (ISO_IR 13 / ISO 2022 IR 13, where 0x5C is the YEN SIGN and 0x7E the OVERLINE) starts in
    /// ASCII for the bytes below 0x80 (PS3.3 C.12.1.1.2); escape sequences need the 0x1B byte,
    /// which is not printable.
    static func hasASCIIBase(_ cs: SpecificCharacterSet) -> Bool {
        guard let first = cs.terms.first else { return true }
        return !first.hasSuffix("IR 13")
    }

    /// Splits printable ASCII on `\` for multi-valued VRs and trims each value.
    private static func split(_ bytes: ArraySlice<UInt8>, vr: VR) -> [ArraySlice<UInt8>] {
        if bytes.isEmpty { return [] }
        let parts = vr.allowsMultipleStringValues
            ? bytes.split(separator: 0x5C, omittingEmptySubsequences: false) : [bytes]
        let keepLeading = StringValues.keepsLeadingSpaces(vr)
        return parts.map { part in
            var p = part
            while p.last == 0x20 { p = p.dropLast() }
            if !keepLeading { while p.first == 0x20 { p = p.dropFirst() } }
            return p
        }
    }
}
