import Testing
@testable import DICOM

/// Untrusted JSON must give a `DICOMError` naming the problem, never a crash.
@Suite struct DICOMJSONHostileTests {
    let decoder = DICOMJSONDecoder()

    func reason(_ json: String) -> String? {
        do {
            _ = try decoder.decode(json)
            return nil
        } catch let DICOMError.malformed(_, reason) {
            return reason
        } catch {
            return "unexpected error \(error)"
        }
    }

    @Test(arguments: [
        // Keys
        (#"{"0010001":{"vr":"LO"}}"#, "invalid key \"0010001\""),
        (#"{"0010001G":{"vr":"LO"}}"#, "invalid key"),
        (#"{"(0010,0010)":{"vr":"LO"}}"#, "invalid key"),
        (#"{"":{"vr":"LO"}}"#, "invalid key"),
        (#"{"+0100010":{"vr":"LO"}}"#, "invalid key"),
        (#"{"00100010":{"vr":"LO"},"00100010":{"vr":"LO"}}"#, "key 00100010: duplicate key"),
        (#"{"FFFEE000":{"vr":"SQ"}}"#, "key FFFEE000: item and delimitation"),
        (#"{"00101002":{"vr":"SQ","Value":[{"zz":{"vr":"LO"}}]}}"#, "invalid key \"zz\" in item 00101002/0"),
        // Attribute objects
        (#"{"00100010":"Doe"}"#, "key 00100010: expected an attribute object, found a string"),
        (#"{"00100010":{}}"#, "key 00100010: missing \"vr\""),
        (#"{"00100010":{"vr":5}}"#, "key 00100010: \"vr\" must be a string, found a number"),
        (#"{"00100010":{"vr":"XX"}}"#, "key 00100010: unknown VR \"XX\""),
        (#"{"00100010":{"vr":"pn"}}"#, "unknown VR"),
        (#"{"00100010":{"vr":"PN","vr":"PN"}}"#, "duplicate \"vr\""),
        (#"{"00100010":{"vr":"PN","value":[]}}"#, "unknown member \"value\""),
        (#"{"7FE00010":{"vr":"OB","Value":[],"InlineBinary":""}}"#, "both \"Value\" and \"InlineBinary\""),
        (#"{"00100010":{"vr":"PN","Value":"Doe"}}"#, "\"Value\" must be an array, found a string"),
        // Values of the wrong type
        (#"{"00100020":{"vr":"LO","Value":[5]}}"#, "key 00100020: value 0 must be a string or null, found a number"),
        (#"{"00100020":{"vr":"LO","Value":[["x"]]}}"#, "found an array"),
        (#"{"00100010":{"vr":"PN","Value":[5]}}"#, "must be a person name object"),
        (#"{"00100010":{"vr":"PN","Value":[{"Alphabetical":"x"}]}}"#, "unknown person name group"),
        (#"{"00100010":{"vr":"PN","Value":[{"Alphabetic":7}]}}"#, "Alphabetic must be a string"),
        (#"{"00100010":{"vr":"PN","Value":[{"Alphabetic":"a=b"}]}}"#, "'=' inside"),
        (#"{"00280010":{"vr":"US","Value":["5"]}}"#, "value 0 must be a number, found a string"),
        (#"{"00280010":{"vr":"US","Value":[null]}}"#, "must be a number, found null"),
        (#"{"00280010":{"vr":"US","Value":[true]}}"#, "found a boolean"),
        (#"{"00209165":{"vr":"AT","Value":["0010001"]}}"#, "must be a \"GGGGEEEE\" string"),
        (#"{"00209165":{"vr":"AT","Value":[1048592]}}"#, "must be a \"GGGGEEEE\" string"),
        (#"{"00101002":{"vr":"SQ","Value":["item"]}}"#, "item 0 must be an object, found a string"),
        (#"{"00101002":{"vr":"SQ","Value":[null]}}"#, "item 0 must be an object, found null"),
        (#"{"00101002":{"vr":"SQ","InlineBinary":"AAAA"}}"#, "not allowed for SQ"),
        (#"{"00101002":{"vr":"SQ","BulkDataURI":"x"}}"#, "not allowed for SQ"),
        (#"{"7FE00010":{"vr":"OB","Value":[1,2]}}"#, "\"Value\" is not allowed for VR OB"),
        (#"{"7FE00010":{"vr":"OB","InlineBinary":5}}"#, "\"InlineBinary\" must be a string"),
        (#"{"7FE00010":{"vr":"OB","InlineBinary":"***"}}"#, "not valid base64"),
        (#"{"7FE00010":{"vr":"OW","InlineBinary":"AAAA"}}"#, "3 bytes is not a multiple of 2"),
        (#"{"00100020":{"vr":"LO","Value":["a\\b"]}}"#, "backslash"),
        (#"{"00104000":{"vr":"LT","Value":["a","b"]}}"#, "single value"),
        (#"{"00200013":{"vr":"IS","Value":["1\\2"]}}"#, "printable ASCII without backslash"),
        // Numbers out of range
        (#"{"00200013":{"vr":"IS","Value":[2147483648]}}"#, "not an integer in the IS range"),
        (#"{"00200013":{"vr":"IS","Value":[1.5]}}"#, "not an integer in the IS range"),
        (#"{"00200013":{"vr":"IS","Value":[1e999999]}}"#, "not an integer in the IS range"),
        (#"{"00280030":{"vr":"DS","Value":[1e999]}}"#, "out of the DS range"),
        (#"{"00280010":{"vr":"US","Value":[65536]}}"#, "not an integer in the range of US"),
        (#"{"00280010":{"vr":"US","Value":[-1]}}"#, "range of US"),
        (#"{"00280106":{"vr":"SS","Value":[40000]}}"#, "range of SS"),
        (#"{"00280107":{"vr":"UL","Value":[4294967296]}}"#, "range of UL"),
        (#"{"00280108":{"vr":"SL","Value":[-2147483649]}}"#, "range of SL"),
        (#"{"00280109":{"vr":"SV","Value":[9223372036854775808]}}"#, "range of SV"),
        (#"{"0028010A":{"vr":"UV","Value":[18446744073709551616]}}"#, "range of UV"),
        (#"{"0028010A":{"vr":"UV","Value":[-1]}}"#, "range of UV"),
        (#"{"00280010":{"vr":"US","Value":[1.5]}}"#, "range of US"),
        (#"{"0028010B":{"vr":"FL","Value":[1e39]}}"#, "out of the range of FL"),
        (#"{"0028010C":{"vr":"FD","Value":[1e309]}}"#, "out of the range of FD"),
        (#"{"0028010C":{"vr":"FD","Value":["1.5"]}}"#, "must be a number, found a string"),
        // Not an object at the top
        (#"[]"#, "expected an object"),
        (#""x""#, "expected an object"),
    ])
    func refusesWithAClearReason(json: String, expected: String) {
        let r = reason(json)
        #expect(r?.contains(expected) == true, "got \(r ?? "no error")")
    }

    @Test func refusesOverlongValuesForShortVRs() {
        let long = String(repeating: "x", count: 70_000)
        #expect(reason(#"{"00100020":{"vr":"LO","Value":[""# + long + #""]}}"#)?.contains("too long for VR LO") == true)
        #expect(reason(#"{"00400A160":{"vr":"UT","Value":[""# + long + #""]}}"#) != nil)  // bad key
        #expect(reason(#"{"0040A160":{"vr":"UT","Value":[""# + long + #""]}}"#) == nil)
    }

    @Test func boundsDepthAndSize() throws {
        #expect(reason(String(repeating: "[", count: 500_000)) != nil)
        var nested = #"{"00100020":{"vr":"LO","Value":["x"]}}"#
        for _ in 0..<100 { nested = #"{"0040A730":{"vr":"SQ","Value":["# + nested + "]}}" }
        #expect(reason(nested)?.contains("nesting deeper than 128") == true)
        #expect(throws: DICOMError.self) {
            try DICOMJSONDecoder(maximumDepth: 128, maximumInputSize: 10).decode(#"{"00100020":{"vr":"LO"}}"#)
        }
    }

    @Test func syntaxErrorsCarryOffsets() {
        #expect(throws: DICOMError.malformed(offset: 22, reason: "JSON: expected ',' or '}' in object")) {
            try decoder.decode(#"{"00100020":{"vr":"LO"]}"#)
        }
    }

    @Test func arrayElementsMustBeObjects() {
        #expect(throws: DICOMError.self) { try decoder.decodeArray("[{}, 5]") }
        #expect(throws: DICOMError.self) { try decoder.decodeArray("{}") }
    }

    /// Seeded random corruption of a valid document: every outcome must be a data set or a
    /// DICOMError.
    @Test func survivesMutatedInput() throws {
        let original = DICOMJSONEncoder().encode(try DICOMJSONRoundTripTests.everyVR())
        var rng = SeededGenerator(seed: 20_240_229)
        let replacements: [UInt8] = Array(#"{}[]",:0123456789-+.eE\"nultrfa AZz"#.utf8) + [0x00, 0x80, 0xC3, 0xFF]
        var decoded = 0
        for _ in 0..<3000 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let i = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: bytes[i] = replacements.randomElement(using: &rng)!
                case 1: bytes.remove(at: i)
                default: bytes.insert(replacements.randomElement(using: &rng)!, at: i)
                }
            }
            do {
                _ = try decoder.decode(bytes)
                decoded += 1
            } catch is DICOMError {
            } catch {
                Issue.record("unexpected error type: \(error)")
            }
        }
        #expect(decoded < 3000)
        // Truncation at every length.
        for n in stride(from: 0, to: original.count - 1, by: 7) {
            #expect(throws: DICOMError.self) { try decoder.decode(Array(original.prefix(n))) }
        }
    }
}
