/// A PN value (PS3.5 §6.2 PN and §6.2.1): up to three component groups — alphabetic,
/// ideographic, phonetic — separated by `=`, each of five components — family name, given
/// name, middle name, prefix, suffix — separated by `^`.
///
/// Parsing works on text already decoded with the Specific Character Set. Text past the fifth
/// component or the third group is kept in the last one, so that nothing read is lost.
public struct PersonName: Sendable, Hashable, CustomStringConvertible {
    /// One component group (PS3.5 §6.2.1.1).
    public struct ComponentGroup: Sendable, Hashable {
        public var familyName: String
        public var givenName: String
        public var middleName: String
        public var namePrefix: String
        public var nameSuffix: String

        public init(familyName: String = "", givenName: String = "", middleName: String = "",
                    namePrefix: String = "", nameSuffix: String = "") {
            self.familyName = familyName
            self.givenName = givenName
            self.middleName = middleName
            self.namePrefix = namePrefix
            self.nameSuffix = nameSuffix
        }

        /// Splits a group on `^`.
        public init(parsing text: some StringProtocol) {
            let c = String(text).split(separator: "^" as Character, maxSplits: 4, omittingEmptySubsequences: false).map(String.init)
            func at(_ i: Int) -> String { i < c.count ? c[i] : "" }
            self.init(familyName: at(0), givenName: at(1), middleName: at(2), namePrefix: at(3), nameSuffix: at(4))
        }

        /// The five components in order.
        public var components: [String] { [familyName, givenName, middleName, namePrefix, nameSuffix] }

        public var isEmpty: Bool { components.allSatisfy(\.isEmpty) }

        /// The group as written: components joined by `^`, trailing empty ones (and their
        /// delimiters) left out as PS3.5 §6.2.1.1 asks.
        public var dicomString: String {
            var c = components
            while let last = c.last, last.isEmpty { c.removeLast() }
            return c.joined(separator: "^")
        }
    }

    public var alphabetic: ComponentGroup
    public var ideographic: ComponentGroup
    public var phonetic: ComponentGroup

    public init(alphabetic: ComponentGroup = .init(), ideographic: ComponentGroup = .init(),
                phonetic: ComponentGroup = .init()) {
        self.alphabetic = alphabetic
        self.ideographic = ideographic
        self.phonetic = phonetic
    }

    /// Parses one PN value (decoded text, one value of a possibly multi-valued element);
    /// trailing padding spaces are ignored.
    public init(_ text: some StringProtocol) {
        let groups = PersonName.componentGroupStrings(String(text).trimmingDICOMPadding(leading: false))
        func at(_ i: Int) -> ComponentGroup { i < groups.count ? ComponentGroup(parsing: groups[i]) : ComponentGroup() }
        self.init(alphabetic: at(0), ideographic: at(1), phonetic: at(2))
    }

    /// The three groups of a value as written, split on `=` (at most three; the third keeps any
    /// further `=`). Missing groups are absent from the result.
    public static func componentGroupStrings(_ text: some StringProtocol) -> [String] {
        if text.isEmpty { return [] }
        return String(text).split(separator: "=" as Character, maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
    }

    /// The groups as written in order, trailing empty groups left out, the inner empty groups kept
    /// as empty strings: the inverse of `componentGroupStrings`.
    public static func joinComponentGroups(_ groups: [String]) -> String {
        var g = groups
        while let last = g.last, last.isEmpty { g.removeLast() }
        return g.joined(separator: "=")
    }

    public var groups: [ComponentGroup] { [alphabetic, ideographic, phonetic] }
    public var isEmpty: Bool { groups.allSatisfy(\.isEmpty) }

    /// The PN text: groups joined by `=`, trailing empty components and groups left out
    /// (PS3.5 §6.2.1.1), e.g. `Yamada^Tarou=山田^太郎=やまだ^たろう` or `Doe^John`.
    public var dicomString: String { PersonName.joinComponentGroups(groups.map(\.dicomString)) }

    /// A readable form of the first non-empty group: "Dr. John Q. Doe Jr.".
    public var description: String {
        guard let g = groups.first(where: { !$0.isEmpty }) else { return "" }
        return [g.namePrefix, g.givenName, g.middleName, g.familyName, g.nameSuffix]
            .filter { !$0.isEmpty }.joined(separator: " ")
    }
}
