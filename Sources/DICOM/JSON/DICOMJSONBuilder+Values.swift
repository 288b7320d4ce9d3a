/// The "Value" array of each VR back to value bytes (PS3.18 F.2.3–F.2.5; PS3.5 §6.2).
extension DICOMJSONBuilder {
    mutating func valueBytes(_ values: [JSONValue], vr: VR, characterSet cs: SpecificCharacterSet?, path: AttributePath) throws -> [UInt8] {
        switch vr {
        case .OB, .OD, .OF, .OL, .OV, .OW, .UN:
            throw fail(path, "\"Value\" is not allowed for VR \(vr); use \"InlineBinary\" or \"BulkDataURI\"")
        case .SQ:
            preconditionFailure("sequences are built by the caller")
        case .AT:
            return Tag.littleEndianBytes(try values.enumerated().map { i, v in
                guard case let .string(s) = v, let t = DICOMJSONBuilder.tag(fromKey: s) else {
                    throw fail(path, "value \(i) must be a \"GGGGEEEE\" string, found \(v.typeName)")
                }
                return t
            })
        case .US, .SS, .UL, .SL, .SV, .UV:
            let ints = try values.enumerated().map { i, v in try integer(v, vr: vr, index: i, path: path) }
            var out: [UInt8] = []
            for v in ints {
                switch vr {
                case .US: BinaryValues.append(UInt16(truncatingIfNeeded: v), to: &out)
                case .SS: BinaryValues.append(Int16(truncatingIfNeeded: v), to: &out)
                case .UL: BinaryValues.append(UInt32(truncatingIfNeeded: v), to: &out)
                case .SL: BinaryValues.append(Int32(truncatingIfNeeded: v), to: &out)
                default: BinaryValues.append(UInt64(truncatingIfNeeded: v), to: &out)
                }
            }
            return out
        case .FL, .FD:
            var out: [UInt8] = []
            for (i, v) in values.enumerated() {
                let d = try floatingPoint(v, vr: vr, index: i, path: path)
                if vr == .FL { BinaryValues.append(Float(d).bitPattern, to: &out) } else { BinaryValues.append(d.bitPattern, to: &out) }
            }
            return out
        case .PN:
            let names = try values.enumerated().map { i, v in try personName(v, index: i, path: path) }
            return try text(names, vr: vr, characterSet: cs, path: path)
        case .IS, .DS:
            let numbers = try values.enumerated().map { i, v in try numberString(v, vr: vr, index: i, path: path) }
            return try text(numbers, vr: vr, characterSet: cs, path: path)
        default:
            let strings = try values.enumerated().map { i, v -> String in
                switch v {
                case let .string(s): return s
                case .null: return ""
                default: throw fail(path, "value \(i) must be a string or null, found \(v.typeName)")
                }
            }
            return try text(strings, vr: vr, characterSet: cs, path: path)
        }
    }

    /// Encodes text values; without a declared character set, as UTF-8, noting non-ASCII text.
    private mutating func text(_ values: [String], vr: VR, characterSet cs: SpecificCharacterSet?, path: AttributePath) throws -> [UInt8] {
        if cs == nil && vr.usesSpecificCharacterSet && values.contains(where: { $0.utf8.contains { $0 >= 0x80 } }) {
            usedImplicitUTF8 = true
        }
        do {
            return try StringValues.encode(values, vr: vr, characterSet: cs ?? .utf8)
        } catch let DICOMError.encoding(reason) {
            throw fail(path, reason)
        }
    }

    /// A PN value: an object of component groups (F.2.2), or tolerated as the plain PN text.
    private func personName(_ v: JSONValue, index: Int, path: AttributePath) throws -> String {
        switch v {
        case .null: return ""
        case let .string(s): return s
        case let .object(fields):
            var groups = ["", "", ""]
            for f in fields {
                let g: Int
                switch f.key {
                case "Alphabetic": g = 0
                case "Ideographic": g = 1
                case "Phonetic": g = 2
                default: throw fail(path, "value \(index): unknown person name group \"\(f.key.prefix(40))\"")
                }
                switch f.value {
                case let .string(s):
                    guard !s.utf8.contains(0x3D) else { throw fail(path, "value \(index): '=' inside the \(f.key) group") }
                    groups[g] = s
                case .null: break
                default: throw fail(path, "value \(index): \(f.key) must be a string, found \(f.value.typeName)")
                }
            }
            return PersonName.joinComponentGroups(groups)
        default:
            throw fail(path, "value \(index) must be a person name object, found \(v.typeName)")
        }
    }

    /// The text of an IS or DS value. A number keeps its digits when they make a valid value;
    /// otherwise IS takes the integer (if the number is one) and DS the formatted Double.
    private func numberString(_ v: JSONValue, vr: VR, index: Int, path: AttributePath) throws -> String {
        switch v {
        case .null: return ""
        case let .string(s):
            // F.2.3 allows strings to keep the original text; it must still be one value.
            guard s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != 0x5C }) else {
                throw fail(path, "value \(index): \(vr) text must be printable ASCII without backslash")
            }
            return s
        case let .number(text):
            if vr == .IS {
                if IntegerString.isValid(text) { return text }
                guard let d = Double(text), d == d.rounded(), let n = Int(exactly: d), let s = IntegerString.format(n) else {
                    throw fail(path, "value \(index): \(text.prefix(40)) is not an integer in the IS range")
                }
                return s
            }
            if DecimalString.isValid(text) { return text }  // JSON number syntax is DS syntax
            guard let d = Double(text), let s = DecimalString.format(d) else {
                throw fail(path, "value \(index): \(text.prefix(40)) is out of the DS range")
            }
            return s
        default:
            throw fail(path, "value \(index) must be a number, found \(v.typeName)")
        }
    }

    /// An integer value of US, SS, UL, SL, SV or UV, range-checked; as its bit pattern in Int64
    /// (UV values above Int64.max wrap, to be written back as UInt64).
    private func integer(_ v: JSONValue, vr: VR, index: Int, path: AttributePath) throws -> Int64 {
        let text: String
        switch v {
        case let .number(t): text = t
        case let .string(t) where vr == .SV || vr == .UV: text = t  // F.2.3: number or string
        default: throw fail(path, "value \(index) must be a number, found \(v.typeName)")
        }
        let outOfRange = fail(path, "value \(index): \(text.prefix(40)) is not an integer in the range of \(vr)")
        let range: ClosedRange<Int64>
        switch vr {
        case .US: range = 0...Int64(UInt16.max)
        case .SS: range = Int64(Int16.min)...Int64(Int16.max)
        case .UL: range = 0...Int64(UInt32.max)
        case .SL: range = Int64(Int32.min)...Int64(Int32.max)
        case .SV: range = Int64.min...Int64.max
        default:
            if let u = UInt64(text) { return Int64(bitPattern: u) }
            guard let d = Double(text), d == d.rounded(), d >= 0, let u = UInt64(exactly: d) else { throw outOfRange }
            return Int64(bitPattern: u)
        }
        if let n = Int64(text) {
            guard range.contains(n) else { throw outOfRange }
            return n
        }
        // Tolerate 5.0 or 1e3 for integers.
        guard let d = Double(text), d == d.rounded(), let n = Int64(exactly: d), range.contains(n) else { throw outOfRange }
        return n
    }

    /// An FL or FD value; non-finite only through the strings "NaN", "Infinity", "-Infinity".
    private func floatingPoint(_ v: JSONValue, vr: VR, index: Int, path: AttributePath) throws -> Double {
        switch v {
        case let .number(text):
            guard let d = Double(text), d.isFinite, vr == .FD || Float(d).isFinite else {
                throw fail(path, "value \(index): \(text.prefix(40)) is out of the range of \(vr)")
            }
            if vr == .FL, let f = Float(text) { return Double(f) }  // round once, from the text
            return d
        case .string("NaN"): return .nan
        case .string("Infinity"): return .infinity
        case .string("-Infinity"): return -.infinity
        default:
            throw fail(path, "value \(index) must be a number, found \(v.typeName)")
        }
    }
}
