/// A presentation context as proposed in an A-ASSOCIATE-RQ (item 0x20, PS3.8 §9.3.2.2).
public struct PresentationContextRQ: Sendable, Hashable {
    /// Odd, 1–255.
    public var id: UInt8
    public var abstractSyntax: String
    public var transferSyntaxes: [String]

    public init(id: UInt8, abstractSyntax: String, transferSyntaxes: [String]) {
        self.id = id
        self.abstractSyntax = abstractSyntax
        self.transferSyntaxes = transferSyntaxes
    }
}

/// A presentation context as answered in an A-ASSOCIATE-AC (item 0x21, PS3.8 §9.3.3.2).
public struct PresentationContextAC: Sendable, Hashable {
    /// Result/reason of PS3.8 Table 9-18.
    public enum Result: UInt8, Sendable {
        case acceptance = 0
        case userRejection = 1
        case noReason = 2
        case abstractSyntaxNotSupported = 3
        case transferSyntaxesNotSupported = 4
    }

    public var id: UInt8
    public var result: Result
    /// The accepted transfer syntax (meaningful only when accepted).
    public var transferSyntax: String

    public init(id: UInt8, result: Result, transferSyntax: String) {
        self.id = id
        self.result = result
        self.transferSyntax = transferSyntax
    }
}
