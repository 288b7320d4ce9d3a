/// A-ASSOCIATE-RQ PDU (type 0x01), PS3.8 §9.3.2, Table 9-11:
///
/// | bytes  | field                                             |
/// |--------|---------------------------------------------------|
/// | 1      | PDU type 0x01, then 1 reserved                    |
/// | 3–6    | PDU length (big endian)                           |
/// | 7–8    | protocol version (bit 0 set)                      |
/// | 11–26  | called AE title, 16 bytes space padded            |
/// | 27–42  | calling AE title                                  |
/// | 43–74  | reserved                                          |
/// | 75–    | application context, presentation contexts, user information items |
public struct AssociateRQ: Sendable, Hashable {
    public var protocolVersion: UInt16 = 1
    public var calledAETitle: String
    public var callingAETitle: String
    /// PS3.7 Annex A.2.1: the DICOM application context name.
    public var applicationContext: String = AssociateRQ.dicomApplicationContext
    public var presentationContexts: [PresentationContextRQ]
    public var userInformation: UserInformation

    public static let dicomApplicationContext = "1.2.840.10008.3.1.1.1"

    public init(calledAETitle: String, callingAETitle: String, presentationContexts: [PresentationContextRQ], userInformation: UserInformation) {
        self.calledAETitle = calledAETitle
        self.callingAETitle = callingAETitle
        self.presentationContexts = presentationContexts
        self.userInformation = userInformation
    }

    func body() -> [UInt8] {
        var w = PDUWriter()
        w.associateHeader(version: protocolVersion, called: calledAETitle, calling: callingAETitle, context: applicationContext)
        for pc in presentationContexts {
            var b = PDUWriter()
            b.u8(pc.id); b.zeros(3)
            b.item(0x30, Array(pc.abstractSyntax.utf8))
            for ts in pc.transferSyntaxes { b.item(0x40, Array(ts.utf8)) }
            w.item(0x20, b.bytes)
        }
        w.item(0x50, userInformation.encoded())
        return w.bytes
    }

    static func decode(_ r: inout PDUReader) throws(PDUError) -> AssociateRQ {
        let (version, called, calling) = try r.associateHeader()
        var rq = AssociateRQ(calledAETitle: called, callingAETitle: calling, presentationContexts: [], userInformation: UserInformation())
        rq.protocolVersion = version
        var sawContext = false, sawUserInfo = false
        while !r.atEnd {
            let itemStart = r.pos
            let type = try r.u8("item type")
            try r.skip(1, "reserved")
            let n = Int(try r.u16("item length"))
            try r.need(n, "item 0x\(String(type, radix: 16))")
            var s = PDUReader(r.bytes, from: r.pos, to: r.pos + n, base: r.base)
            r.pos += n
            switch type {
            case 0x10:
                rq.applicationContext = try s.text(n, "application context name")
                sawContext = true
            case 0x20:
                let id = try s.u8("presentation context ID")
                try s.skip(3, "reserved")
                var abstract: String?
                var syntaxes: [String] = []
                while !s.atEnd {
                    let t = try s.u8("sub-item type")
                    try s.skip(1, "reserved")
                    let l = Int(try s.u16("sub-item length"))
                    let v = try s.text(l, "syntax name")
                    switch t {
                    case 0x30: abstract = v
                    case 0x40: syntaxes.append(v)
                    default: throw PDUError.malformed(offset: r.base + itemStart, reason: "presentation context \(id) has a sub-item of type 0x\(String(t, radix: 16))")
                    }
                }
                guard let a = abstract else {
                    throw PDUError.malformed(offset: r.base + itemStart, reason: "presentation context \(id) has no abstract syntax")
                }
                rq.presentationContexts.append(PresentationContextRQ(id: id, abstractSyntax: a, transferSyntaxes: syntaxes))
            case 0x50:
                rq.userInformation = try UserInformation.decode(&s)
                sawUserInfo = true
            default:
                // PS3.8 §9.3.1: unknown items are ignored.
                continue
            }
        }
        guard sawContext else { throw PDUError.malformed(offset: r.base, reason: "A-ASSOCIATE-RQ has no application context item") }
        guard sawUserInfo else { throw PDUError.malformed(offset: r.base, reason: "A-ASSOCIATE-RQ has no user information item") }
        return rq
    }
}
