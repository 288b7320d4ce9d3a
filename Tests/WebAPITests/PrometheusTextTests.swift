import Testing
@testable import WebAPI

@Suite struct PrometheusTextTests {
    @Test func familiesHaveHelpTypeAndSamples() {
        var t = PrometheusText()
        t.single("swiftpacs_up", .gauge, help: "Up.", 1)
        t.family("swiftpacs_things_total", .counter, help: "Things\\counted\nby kind.",
                 [([("kind", "a\"b\\c\nd")], 3), ([("kind", "e"), ("where", "f")], 0.5)])
        #expect(t.text == """
            # HELP swiftpacs_up Up.
            # TYPE swiftpacs_up gauge
            swiftpacs_up 1
            # HELP swiftpacs_things_total Things\\\\counted\\nby kind.
            # TYPE swiftpacs_things_total counter
            swiftpacs_things_total{kind="a\\"b\\\\c\\nd"} 3
            swiftpacs_things_total{kind="e",where="f"} 0.5

            """)
    }

    @Test func numbers() {
        #expect(PrometheusText.number(0) == "0")
        #expect(PrometheusText.number(81_304_408_064) == "81304408064")
        #expect(PrometheusText.number(12.5) == "12.5")
        #expect(PrometheusText.number(-.infinity) == "-Inf" && PrometheusText.number(.infinity) == "+Inf")
        #expect(PrometheusText.number(.nan) == "NaN")
        #expect(PrometheusText.number(1e300) == "1e+300")
    }

    @Test func names() {
        #expect(PrometheusText.isName("swiftpacs_a:b", colon: true) && !PrometheusText.isName("swiftpacs_a:b", colon: false))
        #expect(!PrometheusText.isName("1abc", colon: true) && !PrometheusText.isName("", colon: true) && !PrometheusText.isName("a-b", colon: true))
    }
}
