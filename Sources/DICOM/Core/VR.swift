/// Value Representations of PS3.5 §6.2, Table 6.2-1.
public enum VR: String, Sendable, CaseIterable, Hashable {
    case AE, AS, AT, CS, DA, DS, DT, FD, FL, IS, LO, LT, OB, OD, OF, OL, OV, OW
    case PN, SH, SL, SQ, SS, ST, SV, TM, UC, UI, UL, UN, UR, US, UT, UV

    /// Builds a VR from the two bytes of an explicit VR element header.
    public init?(byte0: UInt8, byte1: UInt8) {
        guard (0x41...0x5A).contains(byte0), (0x41...0x5A).contains(byte1) else { return nil }
        self.init(rawValue: String(decoding: [byte0, byte1], as: UTF8.self))
    }

    /// The two ASCII bytes written in an explicit VR header.
    public var bytes: (UInt8, UInt8) {
        let u = Array(rawValue.utf8)
        return (u[0], u[1])
    }

    /// PS3.5 §7.1.2: these VRs have a reserved 2 bytes and a 32-bit length in explicit VR.
    public var hasLongExplicitLength: Bool {
        switch self {
        case .OB, .OD, .OF, .OL, .OV, .OW, .SQ, .SV, .UC, .UN, .UR, .UT, .UV: return true
        default: return false
        }
    }

    /// Character string VRs, whose values are text (PS3.5 §6.2).
    public var isString: Bool {
        switch self {
        case .AE, .AS, .CS, .DA, .DS, .DT, .IS, .LO, .LT, .PN, .SH, .ST, .TM, .UC, .UI, .UR, .UT: return true
        default: return false
        }
    }

    /// String VRs whose text is affected by Specific Character Set (PS3.5 §6.1.2.3).
    public var usesSpecificCharacterSet: Bool {
        switch self {
        case .LO, .LT, .PN, .SH, .ST, .UC, .UT: return true
        default: return false
        }
    }

    /// String VRs that may hold several values separated by backslash.
    public var allowsMultipleStringValues: Bool {
        isString && self != .LT && self != .ST && self != .UT && self != .UR
    }

    /// Size of one binary value, for the VRs whose values must be byte-swapped in big endian.
    public var binaryUnitSize: Int? {
        switch self {
        case .US, .SS, .OW, .AT: return 2  // AT is a pair of 16-bit numbers
        case .UL, .SL, .FL, .OF, .OL: return 4
        case .FD, .OD, .SV, .UV, .OV: return 8
        default: return nil
        }
    }

    /// Padding for odd-length values: space for text, NUL for UI and binary (PS3.5 §6.2).
    public var paddingByte: UInt8 { isString && self != .UI ? 0x20 : 0x00 }
}
