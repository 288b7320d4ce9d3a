/// A value type that can bound a range in a query: DA, TM and DT.
public protocol DICOMRangeBound: Comparable, Hashable, Sendable {
    /// Parses one value; nil if invalid.
    init?(_ text: some StringProtocol)
    /// The value as written in a data element.
    var dicomString: String { get }
    /// A number that orders values by instant regardless of the precision written (so that
    /// `10` and `1000` count as the same time): what range matching compares.
    var rangeOrdinal: Int64 { get }
}

extension DICOMDate: DICOMRangeBound {
    public var rangeOrdinal: Int64 { Int64(daysSinceEpoch) }
}
extension DICOMTime: DICOMRangeBound {
    public var rangeOrdinal: Int64 { microsecondsSinceMidnight }
}
extension DICOMDateTime: DICOMRangeBound {
    /// UTC microseconds when the value has an offset, local ones otherwise.
    public var rangeOrdinal: Int64 { localMicrosecondsSinceEpoch - Int64(utcOffsetMinutes ?? 0) * 60_000_000 }
}

/// A range of DA, TM or DT values as a query key gives it (PS3.4 §C.2.2.2.5 Range Matching):
/// `A-B` (A to B inclusive), `-B` (up to B) or `A-` (from A on).
///
/// A DT value may itself contain a `-` in its UTC offset (`&ZZXX`), so the separator is the
/// first `-` that leaves a valid value (or nothing) on both sides, and text that is one valid
/// value is not a range.
public struct DICOMRange<Bound: DICOMRangeBound>: Sendable, Hashable, CustomStringConvertible {
    /// The lower bound, nil for `-B`.
    public let lower: Bound?
    /// The upper bound, nil for `A-`.
    public let upper: Bound?

    /// A range with at least one bound.
    public init?(lower: Bound?, upper: Bound?) {
        guard lower != nil || upper != nil else { return nil }
        self.lower = lower
        self.upper = upper
    }

    /// Parses `A-B`, `-B` or `A-`; nil for a single value or anything invalid.
    public init?(_ text: some StringProtocol) {
        let s = String(text).trimmingDICOMPadding()
        guard s.utf8.contains(0x2D), Bound(s) == nil else { return nil }
        for i in s.indices where s[i] == "-" {
            let left = s[..<i].trimmingDICOMPadding()
            let right = s[s.index(after: i)...].trimmingDICOMPadding()
            if left.isEmpty && right.isEmpty { continue }
            let lower = left.isEmpty ? nil : Bound(left)
            let upper = right.isEmpty ? nil : Bound(right)
            if (left.isEmpty || lower != nil) && (right.isEmpty || upper != nil) {
                self.lower = lower
                self.upper = upper
                return
            }
        }
        return nil
    }

    /// Whether `value` lies in the range, bounds included. Values are compared by instant
    /// (`rangeOrdinal`), missing components counting as their smallest value: `-1100` includes
    /// `110000` but not `110001`.
    public func contains(_ value: Bound) -> Bool {
        let v = value.rangeOrdinal
        if let lower, v < lower.rangeOrdinal { return false }
        if let upper, v > upper.rangeOrdinal { return false }
        return true
    }

    /// The range as a query key writes it.
    public var dicomString: String { (lower?.dicomString ?? "") + "-" + (upper?.dicomString ?? "") }
    public var description: String { dicomString }
}

public typealias DICOMDateRange = DICOMRange<DICOMDate>
public typealias DICOMTimeRange = DICOMRange<DICOMTime>
public typealias DICOMDateTimeRange = DICOMRange<DICOMDateTime>

extension Substring {
    fileprivate func trimmingDICOMPadding() -> String { String(self).trimmingDICOMPadding() }
}
