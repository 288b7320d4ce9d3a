import Testing
@testable import DICOM

@Suite struct IntegerStringTests {
    @Test(arguments: [("0", 0), ("42", 42), ("+42", 42), ("-42", -42), (" 7 ", 7), ("2147483647", 2_147_483_647),
                      ("-2147483648", -2_147_483_648), ("0000000000012", 12)])
    func parses(text: String, value: Int) {
        #expect(IntegerString.parse(text) == value)
    }

    @Test(arguments: ["", " ", "+", "-", "1.0", "1e3", "2147483648", "-2147483649", "99999999999999999999999", "1 2", "0x10"])
    func rejects(text: String) {
        #expect(IntegerString.parse(text) == nil)
    }

    @Test func validityAndFormat() {
        #expect(IntegerString.isValid("-2147483648"))
        #expect(!IntegerString.isValid("0000000000012"))  // 13 bytes
        #expect(IntegerString.format(-5) == "-5")
        #expect(IntegerString.format(1 << 40) == nil)
    }
}

@Suite struct DecimalStringTests {
    @Test(arguments: [("0", 0.0), ("1.5", 1.5), ("-1.5", -1.5), ("+.5", 0.5), ("5.", 5.0), ("1e3", 1000.0),
                      ("1.5E-3", 0.0015), (" 2.25 ", 2.25), ("-0", 0.0), ("12345678901234567890", 1.2345678901234567e19)])
    func parses(text: String, value: Double) {
        #expect(DecimalString.parse(text) == value)
    }

    @Test(arguments: ["", ".", "+", "e5", "1e", "1e+", "1.2.3", "nan", "inf", "Infinity", "0x1p3", "1,5", "1 5", "1e999"])
    func rejects(text: String) {
        #expect(DecimalString.parse(text) == nil)
    }

    @Test func validity() {
        #expect(DecimalString.isValid("-1.234567890e-10"))
        #expect(!DecimalString.isValid("-1.2345678901e-10"))  // 17 bytes
    }

    @Test(arguments: [
        (0.0, "0"), (1.0, "1"), (-2.5, "-2.5"), (0.1, "0.1"), (100.0, "100"),
        (1e20, "1e20"), (1000.0, "1000"), (1.0 / 3.0, "0.33333333333333"),
        (123_456_789_012_345.67, "123456789012346"), (-1.2345678901234567e-300, "-1.23456789e-300"),
        (6.02214076e23, "6.02214076e23"), (1e16, "1e16"), (9_999_999_999_999_999.0, "1e16"),
        (1.2345678901234e-7, "1.23456789012e-7"), (1e-5, "0.00001"),
    ])
    func formatsWithinSixteenCharacters(value: Double, expected: String) throws {
        let s = try #require(DecimalString.format(value))
        #expect(s == expected)
        #expect(s.utf8.count <= 16)
        #expect(DecimalString.isValid(s))
    }

    @Test func formatRoundTripsShortValuesAndRejectsNonFinite() throws {
        for v in [0.5, -0.25, 3.14159, 1e-10, 2.2250738585072014e-308, 1.7976931348623157e308, 12345.678] {
            let s = try #require(DecimalString.format(v))
            #expect(s.utf8.count <= 16)
            let back = try #require(DecimalString.parse(s))
            #expect(abs(back - v) <= abs(v) * 1e-9)
        }
        #expect(DecimalString.format(.nan) == nil)
        #expect(DecimalString.format(.infinity) == nil)
    }
}
