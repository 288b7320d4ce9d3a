/// The values of a character string element as UTF-8 bytes, decoded and trimmed for JSON.
enum JSONTextValues {
    /// Each value of the element as UTF-8, trimmed like `StringValues.trim`.
    ///
    /// Printable ASCII under an ASCII-compatible character set is taken as it is, without
    /// building strings; anything else is decoded with the character set (the default
    /// repertoire for the VRs it does not affect, PS3.5 §6.1.2.3).
    static func utf8Values(_ b: ByteView, vr: VR, characterSet cs: SpecificCharacterSet) -> [ArraySlice<UInt8>] {
        let bytes = b.array
        var end = bytes.count
        while end > 0, bytes[end - 1] == 0x00 || bytes[end - 1] == 0x20 { end -= 1 }
        let printable = bytes[..<end].allSatisfy { $0 >= 0x20 && $0 < 0x7F }
        if printable && (!vr.usesSpecificCharacterSet || hasASCIIBase(cs)) {
            return split(bytes[..<end], vr: vr)
        }
        return StringValues.decode(b, vr: vr, characterSet: cs).map { Array($0.utf8)[...] }
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
