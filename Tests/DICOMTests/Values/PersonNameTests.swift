import Testing
@testable import DICOM

@Suite struct PersonNameTests {
    @Test func parsesThreeGroups() {
        let pn = PersonName("Yamada^Tarou=山田^太郎=やまだ^たろう")
        #expect(pn.alphabetic.familyName == "Yamada")
        #expect(pn.alphabetic.givenName == "Tarou")
        #expect(pn.ideographic.familyName == "山田")
        #expect(pn.phonetic.givenName == "たろう")
        #expect(pn.dicomString == "Yamada^Tarou=山田^太郎=やまだ^たろう")
    }

    @Test func fiveComponents() {
        let pn = PersonName("Adams^John Robert Quincy^^Rev.^B.A. M.Div.")
        #expect(pn.alphabetic.components == ["Adams", "John Robert Quincy", "", "Rev.", "B.A. M.Div."])
        #expect(pn.description == "Rev. John Robert Quincy Adams B.A. M.Div.")
    }

    @Test(arguments: [
        ("Doe^John^^^", "Doe^John"),
        ("Doe^John==", "Doe^John"),
        ("Doe^John^=^=", "Doe^John"),
        ("=Ideo^Graphic", "=Ideo^Graphic"),
        ("Doe==Pho^Netic", "Doe==Pho^Netic"),
        ("^Bob^^Dr.", "^Bob^^Dr."),
        ("Doe^John ", "Doe^John"),
        ("", ""),
    ])
    func formatsTrimmingTrailingEmptyParts(text: String, formatted: String) {
        #expect(PersonName(text).dicomString == formatted)
    }

    @Test func keepsExtraDelimitersInLastPart() {
        let pn = PersonName("A^B^C^D^E^F=G=H=I")
        #expect(pn.alphabetic.nameSuffix == "E^F")
        #expect(pn.phonetic.familyName == "H=I")
    }

    @Test func builtFromComponents() {
        let pn = PersonName(alphabetic: .init(familyName: "Wang", givenName: "XiaoDong"),
                            ideographic: .init(familyName: "王", givenName: "小東"))
        #expect(pn.dicomString == "Wang^XiaoDong=王^小東")
        #expect(PersonName().isEmpty)
        #expect(PersonName(ideographic: .init(familyName: "王")).description == "王")
    }
}
