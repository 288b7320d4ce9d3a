/// Which bytes of a value give back the initial designations (PS3.5 §6.1.2.5.3). Encoder and
/// decoder share this so that they agree on the state after each delimiter.
struct Delimiters: Sendable {
    /// PN: '^' between components and '=' between component groups.
    let personName: Bool
    /// Multi-valued VRs: '\' between values.
    let multiValued: Bool

    init(vr: VR) {
        personName = vr == .PN
        multiValued = vr.allowsMultipleStringValues
    }

    /// True for a byte (read as a G0 single-byte character or a control) after which the
    /// designations are back to the initial ones: TAB, LF, FF, CR in any VR, and the
    /// delimiters of the VR.
    @inline(__always)
    func resets(_ b: UInt8) -> Bool {
        switch b {
        case 0x09, 0x0A, 0x0C, 0x0D: return true
        case 0x5C: return multiValued
        case 0x5E, 0x3D: return personName
        default: return false
        }
    }
}
