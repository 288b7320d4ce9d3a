/// The User Information item (0x50) and its sub-items (PS3.7 Annex D.3.3, PS3.8 §9.3.2.3).
public struct UserInformation: Sendable, Hashable {
    /// 0x51: largest P-DATA-TF PDU the sender can receive; 0 means no limit (PS3.8 §D.1).
    public var maximumLength: UInt32 = 0
    /// 0x52
    public var implementationClassUID: String = ""
    /// 0x55 (optional)
    public var implementationVersionName: String?
    /// 0x53 (optional): maximum operations invoked / performed.
    public var asynchronousOperationsWindow: (invoked: UInt16, performed: UInt16)?
    /// 0x54: SCP/SCU role selection per SOP class (PS3.7 §D.3.3.4).
    public var roleSelections: [RoleSelection] = []
    /// 0x56: SOP class extended negotiation (PS3.7 §D.3.3.5).
    public var extendedNegotiations: [ExtendedNegotiation] = []
    /// 0x57: SOP class common extended negotiation (PS3.7 §D.3.3.6), request only.
    public var commonExtendedNegotiations: [CommonExtendedNegotiation] = []
    /// 0x58: user identity negotiation request (PS3.7 §D.3.3.7).
    public var userIdentityRQ: UserIdentityRQ?
    /// 0x59: user identity server response.
    public var userIdentityAC: [UInt8]?
    /// Sub-items of types this implementation does not know, kept as (type, body).
    public var unknownItems: [UnknownItem] = []

    public init() {}

    public struct UnknownItem: Sendable, Hashable {
        public var type: UInt8
        public var body: [UInt8]
    }

    public struct RoleSelection: Sendable, Hashable {
        public var sopClassUID: String
        public var scuRole: Bool
        public var scpRole: Bool
        public init(sopClassUID: String, scuRole: Bool, scpRole: Bool) {
            self.sopClassUID = sopClassUID
            self.scuRole = scuRole
            self.scpRole = scpRole
        }
    }

    public struct ExtendedNegotiation: Sendable, Hashable {
        public var sopClassUID: String
        public var applicationInformation: [UInt8]
        public init(sopClassUID: String, applicationInformation: [UInt8]) {
            self.sopClassUID = sopClassUID
            self.applicationInformation = applicationInformation
        }
    }

    public struct CommonExtendedNegotiation: Sendable, Hashable {
        public var sopClassUID: String
        public var serviceClassUID: String
        public var relatedGeneralSOPClassUIDs: [String]
        public init(sopClassUID: String, serviceClassUID: String, relatedGeneralSOPClassUIDs: [String]) {
            self.sopClassUID = sopClassUID
            self.serviceClassUID = serviceClassUID
            self.relatedGeneralSOPClassUIDs = relatedGeneralSOPClassUIDs
        }
    }

    public struct UserIdentityRQ: Sendable, Hashable {
        /// 1 username, 2 username and passcode, 3 Kerberos, 4 SAML, 5 JWT.
        public var type: UInt8
        public var positiveResponseRequested: Bool
        public var primaryField: [UInt8]
        public var secondaryField: [UInt8]
        public init(type: UInt8, positiveResponseRequested: Bool, primaryField: [UInt8], secondaryField: [UInt8]) {
            self.type = type
            self.positiveResponseRequested = positiveResponseRequested
            self.primaryField = primaryField
            self.secondaryField = secondaryField
        }
    }

    public static func == (a: UserInformation, b: UserInformation) -> Bool {
        a.maximumLength == b.maximumLength && a.implementationClassUID == b.implementationClassUID
            && a.implementationVersionName == b.implementationVersionName
            && a.asynchronousOperationsWindow?.invoked == b.asynchronousOperationsWindow?.invoked
            && a.asynchronousOperationsWindow?.performed == b.asynchronousOperationsWindow?.performed
            && a.roleSelections == b.roleSelections && a.extendedNegotiations == b.extendedNegotiations
            && a.commonExtendedNegotiations == b.commonExtendedNegotiations
            && a.userIdentityRQ == b.userIdentityRQ && a.userIdentityAC == b.userIdentityAC
            && a.unknownItems == b.unknownItems
    }

    public func hash(into h: inout Hasher) {
        h.combine(maximumLength)
        h.combine(implementationClassUID)
    }

    // MARK: encoding

    func encoded() -> [UInt8] {
        var w = PDUWriter()
        var max = PDUWriter(); max.u32(maximumLength)
        w.item(0x51, max.bytes)
        w.item(0x52, Array(implementationClassUID.utf8))
        if let (i, p) = asynchronousOperationsWindow {
            var b = PDUWriter(); b.u16(i); b.u16(p)
            w.item(0x53, b.bytes)
        }
        for r in roleSelections {
            var b = PDUWriter()
            b.u16(UInt16(r.sopClassUID.utf8.count)); b.append(r.sopClassUID.utf8)
            b.u8(r.scuRole ? 1 : 0); b.u8(r.scpRole ? 1 : 0)
            w.item(0x54, b.bytes)
        }
        if let v = implementationVersionName { w.item(0x55, Array(v.utf8)) }
        for e in extendedNegotiations {
            var b = PDUWriter()
            b.u16(UInt16(e.sopClassUID.utf8.count)); b.append(e.sopClassUID.utf8); b.append(e.applicationInformation)
            w.item(0x56, b.bytes)
        }
        for c in commonExtendedNegotiations {
            var b = PDUWriter()
            b.u16(UInt16(c.sopClassUID.utf8.count)); b.append(c.sopClassUID.utf8)
            b.u16(UInt16(c.serviceClassUID.utf8.count)); b.append(c.serviceClassUID.utf8)
            var related = PDUWriter()
            for u in c.relatedGeneralSOPClassUIDs { related.u16(UInt16(u.utf8.count)); related.append(u.utf8) }
            b.u16(UInt16(related.bytes.count)); b.append(related.bytes)
            w.item(0x57, b.bytes)
        }
        if let u = userIdentityRQ {
            var b = PDUWriter()
            b.u8(u.type); b.u8(u.positiveResponseRequested ? 1 : 0)
            b.u16(UInt16(u.primaryField.count)); b.append(u.primaryField)
            b.u16(UInt16(u.secondaryField.count)); b.append(u.secondaryField)
            w.item(0x58, b.bytes)
        }
        if let r = userIdentityAC {
            var b = PDUWriter(); b.u16(UInt16(r.count)); b.append(r)
            w.item(0x59, b.bytes)
        }
        for u in unknownItems { w.item(u.type, u.body) }
        return w.bytes
    }

    // MARK: decoding

    static func decode(_ r: inout PDUReader) throws(PDUError) -> UserInformation {
        var info = UserInformation()
        while !r.atEnd {
            let type = try r.u8("user information sub-item type")
            try r.skip(1, "reserved byte")
            let n = Int(try r.u16("sub-item length"))
            try r.need(n, "sub-item 0x\(String(type, radix: 16))")
            var s = PDUReader(r.bytes, from: r.pos, to: r.pos + n, base: r.base)
            r.pos += n
            switch type {
            case 0x51:
                guard n == 4 else { throw PDUError.malformed(offset: r.base + s.pos, reason: "maximum length sub-item of length \(n), 4 expected") }
                info.maximumLength = try s.u32("maximum length")
            case 0x52: info.implementationClassUID = try s.text(n, "implementation class UID")
            case 0x53:
                guard n == 4 else { throw PDUError.malformed(offset: r.base + s.pos, reason: "asynchronous operations window of length \(n), 4 expected") }
                info.asynchronousOperationsWindow = (try s.u16("invoked"), try s.u16("performed"))
            case 0x54:
                let ul = Int(try s.u16("role selection UID length"))
                let uid = try s.text(ul, "role selection SOP class UID")
                let scu = try s.u8("SCU role"), scp = try s.u8("SCP role")
                info.roleSelections.append(RoleSelection(sopClassUID: uid, scuRole: scu == 1, scpRole: scp == 1))
            case 0x55: info.implementationVersionName = try s.text(n, "implementation version name")
            case 0x56:
                let ul = Int(try s.u16("extended negotiation UID length"))
                let uid = try s.text(ul, "extended negotiation SOP class UID")
                info.extendedNegotiations.append(ExtendedNegotiation(sopClassUID: uid, applicationInformation: Array(try s.take(s.remaining, "application information"))))
            case 0x57:
                let ul = Int(try s.u16("SOP class UID length"))
                let uid = try s.text(ul, "SOP class UID")
                let sl = Int(try s.u16("service class UID length"))
                let service = try s.text(sl, "service class UID")
                let rl = Int(try s.u16("related general SOP class length"))
                try s.need(rl, "related general SOP classes")
                var rr = PDUReader(s.bytes, from: s.pos, to: s.pos + rl, base: s.base)
                var related: [String] = []
                while !rr.atEnd {
                    let l = Int(try rr.u16("related SOP class UID length"))
                    related.append(try rr.text(l, "related SOP class UID"))
                }
                info.commonExtendedNegotiations.append(CommonExtendedNegotiation(sopClassUID: uid, serviceClassUID: service, relatedGeneralSOPClassUIDs: related))
            case 0x58:
                let t = try s.u8("user identity type")
                let positive = try s.u8("positive response requested")
                let pl = Int(try s.u16("primary field length"))
                let primary = Array(try s.take(pl, "primary field"))
                let sl = s.remaining >= 2 ? Int(try s.u16("secondary field length")) : 0
                let secondary = Array(try s.take(sl, "secondary field"))
                info.userIdentityRQ = UserIdentityRQ(type: t, positiveResponseRequested: positive == 1, primaryField: primary, secondaryField: secondary)
            case 0x59:
                let l = Int(try s.u16("server response length"))
                info.userIdentityAC = Array(try s.take(l, "server response"))
            default:
                info.unknownItems.append(UnknownItem(type: type, body: Array(try s.take(n, "unknown sub-item"))))
            }
        }
        return info
    }
}
