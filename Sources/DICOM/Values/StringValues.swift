/// The values of the character string VRs (PS3.5 §6.2): splitting on the backslash delimiter,
/// removing the padding each VR allows, and encoding back.
public enum StringValues {
    /// The values of `text` for `vr`: split on `\` (PS3.5 §6.4), except for LT, ST, UT and UR,
    /// which are single-valued and where a backslash is an ordinary character. Empty text has
    /// no value; `"\"` has two empty values. Values are not trimmed.
    public static func split(_ text: String, vr: VR) -> [Substring] {
        if text.isEmpty { return [] }
        guard vr.allowsMultipleStringValues else { return [Substring(text)] }
        return text.split(separator: "\\", omittingEmptySubsequences: false)
    }

    /// Removes the padding and insignificant spaces of one value of `vr` (PS3.5 §6.2):
    /// - LT, ST, UT, UC, UR: trailing spaces only — leading spaces are significant;
    /// - UI: trailing NULs (the UI padding) and spaces;
    /// - every other VR: leading and trailing spaces.
    ///
    /// Trailing NULs are removed for every VR, as some writers pad with NUL.
    public static func trim(_ value: some StringProtocol, vr: VR) -> String {
        var s = Substring(value)
        while let c = s.last, c == " " || c == "\0" { s = s.dropLast() }
        if keepsLeadingSpaces(vr) { return String(s) }
        while let c = s.first, c == " " { s = s.dropFirst() }
        return String(s)
    }

    static func keepsLeadingSpaces(_ vr: VR) -> Bool {
        switch vr {
        case .LT, .ST, .UT, .UC, .UR: return true
        default: return false
        }
    }

    /// The character set that applies to `vr`: `characterSet` for the VRs that Specific
    /// Character Set affects (PS3.5 §6.1.2.3), the default repertoire for the others.
    public static func characterSet(_ characterSet: SpecificCharacterSet, for vr: VR) -> SpecificCharacterSet {
        vr.usesSpecificCharacterSet ? characterSet : .default
    }

    /// Decodes the bytes of a string value and returns its values, each trimmed. A value field
    /// holding only padding has no value (empty result), as a zero-length one.
    public static func decode(_ bytes: ByteView, vr: VR, characterSet: SpecificCharacterSet) -> [String] {
        let cs = StringValues.characterSet(characterSet, for: vr)
        let text = bytes.withUnsafeBytes { cs.decode($0, vr: vr) }
        let values = split(text, vr: vr).map { trim($0, vr: vr) }
        return values.count == 1 && values[0].isEmpty ? [] : values
    }

    /// Encodes values for `vr`: joined with `\`, encoded with the character set, padded to an
    /// even length with the VR's padding byte (PS3.5 §6.2: space, NUL for UI).
    ///
    /// Throws `DICOMError.encoding` for a VR that is not a string VR, for several values given
    /// to a single-valued VR, for a backslash inside a value of a multi-valued VR, and for
    /// characters the character set cannot represent.
    public static func encode(_ values: [String], vr: VR, characterSet: SpecificCharacterSet) throws -> [UInt8] {
        guard vr.isString else { throw DICOMError.encoding("VR \(vr) is not a character string VR") }
        if vr.allowsMultipleStringValues {
            if let bad = values.first(where: { $0.utf8.contains(0x5C) }) {
                throw DICOMError.encoding("backslash in a value of VR \(vr): \(bad)")
            }
        } else if values.count > 1 {
            throw DICOMError.encoding("VR \(vr) holds a single value, \(values.count) given")
        }
        var bytes = try StringValues.characterSet(characterSet, for: vr).encode(values.joined(separator: "\\"), vr: vr)
        if bytes.count % 2 == 1 { bytes.append(vr.paddingByte) }
        return bytes
    }
}
