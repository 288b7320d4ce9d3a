/// A-ASSOCIATE-AC PDU (type 0x02), PS3.8 §9.3.3, Table 9-17: the layout of the request, with
/// the AE titles echoed and presentation context items of type 0x21.
public struct AssociateAC: Sendable, Hashable {
    public var protocolVersion: UInt16 = 1
    public var calledAETitle: String
    public var callingAETitle: String
    public var applicationContext: String = AssociateRQ.dicomApplicationContext
    public var presentationContexts: [PresentationContextAC]
    public var userInformation: UserInformation

    public init(calledAETitle: String, callingAETitle: String, presentationContexts: [PresentationContextAC], userInformation: UserInformation) {
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
            b.u8(pc.id); b.zeros(1); b.u8(pc.result.rawValue); b.zeros(1)
            b.item(0x40, Array(pc.transferSyntax.utf8))
            w.item(0x21, b.bytes)
        }
        w.item(0x50, userInformation.encoded())
        return w.bytes
    }

    static func decode(_ r: inout PDUReader) throws(PDUError) -> AssociateAC {
        let (version, called, calling) = try r.associateHeader()
        var ac = AssociateAC(calledAETitle: called, callingAETitle: calling, presentationContexts: [], userInformation: UserInformation())
        ac.protocolVersion = version
        while !r.atEnd {
            let type = try r.u8("item type")
            try r.skip(1, "reserved")
            let n = Int(try r.u16("item length"))
            try r.need(n, "item 0x\(String(type, radix: 16))")
            var s = PDUReader(r.bytes, from: r.pos, to: r.pos + n, base: r.base)
            r.pos += n
            switch type {
            case 0x10: ac.applicationContext = try s.text(n, "application context name")
            case 0x21:
                let id = try s.u8("presentation context ID")
                try s.skip(1, "reserved")
                let raw = try s.u8("result")
                try s.skip(1, "reserved")
                var ts = ""
                while !s.atEnd {
                    let t = try s.u8("sub-item type")
                    try s.skip(1, "reserved")
                    let l = Int(try s.u16("sub-item length"))
                    let v = try s.text(l, "transfer syntax")
                    if t == 0x40 { ts = v }
                }
                guard let result = PresentationContextAC.Result(rawValue: raw) else {
                    throw PDUError.malformed(offset: r.base + s.pos, reason: "presentation context \(id) result \(raw) is not defined")
                }
                ac.presentationContexts.append(PresentationContextAC(id: id, result: result, transferSyntax: ts))
            case 0x50: ac.userInformation = try UserInformation.decode(&s)
            default: continue
            }
        }
        return ac
    }
}
