/// Prints data sets one element per line in the layout of DCMTK's dcmdump:
///
///     (0010,0010) PN [Doe^John]                               #   8, 1 PatientName
///
/// tag and VR first, then the value, its length, multiplicity and keyword; items and their
/// contents are indented two spaces per level.
public struct DataSetDumper {
    /// Longest value text printed before "..." (dcmdump's default is similar).
    public var maxValueLength = 64

    public init() {}

    public func dump(_ file: DICOMFile) -> String {
        var out = "\n# Dicom-File-Format\n\n# Dicom-Meta-Information-Header\n# Used TransferSyntax: Little Endian Explicit\n"
        dump(file.meta, into: &out, depth: 0, charset: .default)
        out += "\n# Dicom-Data-Set\n# Used TransferSyntax: \(file.transferSyntax.name)\n"
        dump(file.dataSet, into: &out, depth: 0, charset: .default)
        return out
    }

    public func dump(_ ds: DataSet, into out: inout String, depth: Int, charset inherited: SpecificCharacterSet) {
        var charset = inherited
        if let cs = ds[Tag(0x0008, 0x0005)] {
            charset = SpecificCharacterSet(value: String(decoding: cs.bytes.array, as: UTF8.self))
        }
        let indent = String(repeating: "  ", count: depth)
        for e in ds.elements {
            let keyword = Self.keyword(for: e.tag)
            switch e.value {
            case let .bytes(v):
                let (text, vm) = describe(e, v, charset: charset)
                out += line(indent, "\(e.tag) \(e.vr.rawValue) \(text)", length: v.count, vm: vm, keyword: keyword)
            case let .sequence(items):
                let kind = e.undefinedLength ? "undefined" : "explicit"
                out += line(indent, "\(e.tag) SQ (Sequence with \(kind) length #=\(items.count))",
                            length: e.undefinedLength ? -1 : (try? DataSetWriter.encodedLength(of: e, explicitVR: true)).map { $0 - 12 } ?? 0,
                            vm: 1, keyword: keyword)
                let itemIndent = indent + "  "
                for item in items {
                    out += line(itemIndent, "(fffe,e000) na (Item with \(kind) length #=\(item.count))",
                                length: e.undefinedLength ? -1 : (try? DataSetWriter.encodedLength(of: item, explicitVR: true)) ?? 0,
                                vm: 1, keyword: "Item")
                    dump(item, into: &out, depth: depth + 2, charset: charset)
                    out += line(itemIndent, "(fffe,e00d) na (ItemDelimitationItem)", length: 0, vm: 0, keyword: "ItemDelimitationItem")
                }
                out += line(indent, "(fffe,e0dd) na (SequenceDelimitationItem)", length: 0, vm: 0, keyword: "SequenceDelimitationItem")
            case let .encapsulated(table, fragments):
                out += line(indent, "\(e.tag) \(e.vr.rawValue) (PixelSequence #=\(fragments.count + 1))", length: -1, vm: 1, keyword: keyword)
                for f in [table] + fragments {
                    out += line(indent + "  ", "(fffe,e000) pi \(hex(f, unit: 1))", length: f.count, vm: 1, keyword: "Item")
                }
                out += line(indent, "(fffe,e0dd) na (SequenceDelimitationItem)", length: 0, vm: 0, keyword: "SequenceDelimitationItem")
            }
        }
    }

    static func keyword(for tag: Tag) -> String {
        if let k = DataDictionary.entry(for: tag)?.keyword, !k.isEmpty { return k }
        return tag.isPrivate ? "PrivateTag" : "UnknownTag"
    }

    func line(_ indent: String, _ body: String, length: Int, vm: Int, keyword: String) -> String {
        var s = indent + body
        let pad = 52 - s.count
        if pad > 0 { s += String(repeating: " ", count: pad) } else { s += " " }
        let len = length < 0 ? "u/l" : String(length)
        return s + "# " + String(repeating: " ", count: max(0, 3 - len.count)) + len + ", \(vm) \(keyword)\n"
    }

    /// The printable value and its multiplicity.
    func describe(_ e: DataElement, _ v: ByteView, charset: SpecificCharacterSet) -> (String, Int) {
        if v.count == 0 { return ("(no value available)", 0) }
        let vr = e.vr
        if vr.isString {
            let cs = vr.usesSpecificCharacterSet ? charset : .default
            var text = cs.decode(v, vr: vr)
            while let c = text.last, c == " " || c == "\0" { text.removeLast() }
            let vm = vr.allowsMultipleStringValues ? text.split(separator: "\\", omittingEmptySubsequences: false).count : 1
            text = text.replacingControlCharacters()
            if vr == .UI, let name = UIDNames.keyword(for: text) { return ("=" + name, vm) }
            return ("[" + truncated(text) + "]", vm)
        }
        switch vr {
        case .US: return numbers(v, 2) { UInt16($0) }
        case .SS: return numbers(v, 2) { Int16(bitPattern: UInt16($0)) }
        case .UL: return numbers(v, 4) { UInt32($0) }
        case .SL: return numbers(v, 4) { Int32(bitPattern: UInt32($0)) }
        case .UV: return numbers(v, 8) { $0 }
        case .SV: return numbers(v, 8) { Int64(bitPattern: $0) }
        case .FL: return numbers(v, 4) { Float(bitPattern: UInt32($0)) }
        case .FD: return numbers(v, 8) { Double(bitPattern: $0) }
        case .AT:
            var parts: [String] = []
            var i = 0
            while i + 4 <= v.count {
                parts.append(Tag(UInt16(v[i]) | UInt16(v[i + 1]) << 8, UInt16(v[i + 2]) | UInt16(v[i + 3]) << 8).description)
                i += 4
            }
            return (truncated(parts.joined(separator: "\\")), parts.count)
        case .OW: return (hex(v, unit: 2), 1)
        case .OL, .OF: return (hex(v, unit: 4), 1)
        case .OD, .OV: return (hex(v, unit: 8), 1)
        default: return (hex(v, unit: 1), 1)
        }
    }

    func numbers<T>(_ v: ByteView, _ size: Int, _ make: (UInt64) -> T) -> (String, Int) {
        var parts: [String] = []
        var i = 0
        var text = 0
        while i + size <= v.count {
            var raw: UInt64 = 0
            for k in 0..<size { raw |= UInt64(v[i + k]) << (8 * k) }
            let s = "\(make(raw))"
            parts.append(s)
            text += s.count + 1
            i += size
            if text > maxValueLength { break }
        }
        let vm = v.count / size
        var s = parts.joined(separator: "\\")
        if parts.count < vm { s += "..." }
        return (s, vm)
    }

    func hex(_ v: ByteView, unit: Int) -> String {
        let hexDigits = Array("0123456789abcdef")
        var parts: [String] = []
        var i = 0
        while i + unit <= v.count, parts.count * (unit * 2 + 1) < maxValueLength {
            var s = ""
            for k in stride(from: unit - 1, through: 0, by: -1) {
                let b = v[i + k]
                s.append(hexDigits[Int(b >> 4)]); s.append(hexDigits[Int(b & 15)])
            }
            parts.append(s)
            i += unit
        }
        return parts.joined(separator: "\\") + (i < v.count ? "..." : "")
    }

    func truncated(_ s: String) -> String {
        s.count > maxValueLength ? String(s.prefix(maxValueLength)) + "..." : s
    }
}

extension String {
    /// Control characters shown as `\n`-style escapes or dots, so that one element stays one line.
    func replacingControlCharacters() -> String {
        guard unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return self }
        return String(String.UnicodeScalarView(unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "." : $0 }))
    }
}

/// UID keywords for the dump, as dcmdump prints `=CTImageStorage`.
enum UIDNames {
    static func keyword(for uid: String) -> String? {
        guard let k = UIDDictionary.entry(for: uid)?.keyword, !k.isEmpty else { return nil }
        return k
    }
}
