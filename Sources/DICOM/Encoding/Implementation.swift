/// How SwiftPACS names itself in file meta information and association requests (PS3.7 §D.3.3.2).
public enum Implementation {
    /// A UUID-derived UID (PS3.5 §B.2), fixed for this implementation.
    public static let classUID = "2.25.75831960783429373218869546212878073618"
    /// At most 16 characters (SH).
    public static let versionName = "SWIFTPACS_01"
    public static let version = "0.1.0"
}
