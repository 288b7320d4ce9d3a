import Testing
@testable import DICOM

/// A small deterministic generator (SplitMix64) so that every mutation run is reproducible.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Builders for hand-made encodings.
enum Bytes {
    static func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
    static func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }
    static func explicitShort(_ g: UInt16, _ e: UInt16, _ vr: String, _ value: [UInt8]) -> [UInt8] {
        le16(g) + le16(e) + Array(vr.utf8) + le16(UInt16(value.count)) + value
    }
    static func explicitLong(_ g: UInt16, _ e: UInt16, _ vr: String, length: UInt32) -> [UInt8] {
        le16(g) + le16(e) + Array(vr.utf8) + [0, 0] + le32(length)
    }
    static func implicitHeader(_ g: UInt16, _ e: UInt16, length: UInt32) -> [UInt8] {
        le16(g) + le16(e) + le32(length)
    }
    static let patientName = explicitShort(0x0010, 0x0010, "PN", Array("Doe^John".utf8))
}

@Suite struct HostileInputTests {
    func read(_ bytes: [UInt8], _ ts: TransferSyntax = .explicitVRLittleEndian) throws -> DataSet {
        let view = ByteView(bytes)
        return try DataSetReader(view, transferSyntax: ts).readDataSet(view)
    }

    /// The error must be a decoding error with an offset inside the input.
    func expectRefused(_ bytes: [UInt8], _ why: String, ts: TransferSyntax = .explicitVRLittleEndian) {
        do {
            _ = try read(bytes, ts)
            Issue.record("accepted: \(why)")
        } catch let e as DICOMError {
            switch e {
            case let .malformed(offset, _), let .truncated(offset, _, _):
                #expect(offset >= 0 && offset <= bytes.count, "offset \(offset) outside the input: \(why)")
            default: Issue.record("\(why): unexpected error \(e)")
            }
        } catch { Issue.record("\(why): unexpected error \(error)") }
    }

    @Test func lengthPastTheEndIsRefused() {
        expectRefused(Bytes.patientName + Bytes.explicitLong(0x7FE0, 0x0010, "OB", length: 1000) + [1, 2, 3], "OB length 1000 with 3 bytes")
        expectRefused(Bytes.explicitShort(0x0010, 0x0020, "LO", Array("ID".utf8)).dropLast() + [], "short value")
    }

    @Test func fourGigabyteLengthsAreRefusedWithoutAllocating() {
        expectRefused(Bytes.explicitLong(0x7FE0, 0x0010, "OW", length: 0xFFFF_FFFE) + [0, 0], "OW length 4 GB")
        expectRefused(Bytes.implicitHeader(0x0010, 0x0010, length: 0xFFFF_FFF0) + [0x41], "implicit length 4 GB", ts: .implicitVRLittleEndian)
        // An item claiming 4 GB inside a sequence of undefined length.
        let seq = Bytes.explicitLong(0x0008, 0x1140, "SQ", length: 0xFFFF_FFFF) + Bytes.le16(0xFFFE) + Bytes.le16(0xE000) + Bytes.le32(0xFFFF_FFF0)
        expectRefused(seq, "item length 4 GB")
    }

    @Test func truncatedHeadersAreRefused() {
        expectRefused(Array(Bytes.patientName.prefix(5)), "5-byte header")
        expectRefused(Bytes.patientName + [0x10, 0x00, 0x20], "3 bytes after a data set")
    }

    @Test func garbageAfterTheDataSetIsRefused() {
        var rng = SeededRandom(seed: 7)
        let garbage = (0..<64).map { _ in UInt8(0x80 | (rng.next() & 0x7F)) }
        expectRefused(Bytes.patientName + garbage, "64 bytes of garbage")
    }

    @Test func oddLengthsAreReadAsGiven() throws {
        // PS3.5 §7.1.1 wants even lengths, but real files have odd ones; they are kept, not refused.
        let ds = try read(Bytes.explicitShort(0x0010, 0x0020, "LO", Array("ABC".utf8)))
        #expect(ds[Tag(0x0010, 0x0020)]?.bytes.array == Array("ABC".utf8))
    }

    @Test func deepNestingIsRefusedNotRecursed() {
        // 5,000 sequences of undefined length, each in an item of undefined length.
        var bytes: [UInt8] = []
        for _ in 0..<5000 {
            bytes += Bytes.explicitLong(0x0008, 0x1140, "SQ", length: 0xFFFF_FFFF)
            bytes += Bytes.le16(0xFFFE) + Bytes.le16(0xE000) + Bytes.le32(0xFFFF_FFFF)
        }
        expectRefused(bytes, "5,000 nested sequences")
        // The same depth in implicit VR (UN sequences of undefined length).
        var implicit: [UInt8] = []
        for _ in 0..<5000 {
            implicit += Bytes.implicitHeader(0x0009, 0x1010, length: 0xFFFF_FFFF)
            implicit += Bytes.le16(0xFFFE) + Bytes.le16(0xE000) + Bytes.le32(0xFFFF_FFFF)
        }
        expectRefused(implicit, "5,000 nested implicit sequences", ts: .implicitVRLittleEndian)
    }

    @Test func deflateBombIsRefused() throws {
        let zeros = [UInt8](repeating: 0, count: 8 << 20)
        let compressed = try Deflate.deflate(zeros, level: 9)
        #expect(throws: DICOMError.self) { try Deflate.inflate(ByteView(compressed), limit: compressed.count * 64) }
        #expect(try Deflate.inflate(ByteView(compressed), limit: zeros.count).count == zeros.count)
    }

    @Test func inflateLimitIsARatioCappedAtOneGibibyte() {
        #expect(Deflate.inflateLimit(compressedCount: 1000) == 1_024_000)
        #expect(Deflate.inflateLimit(compressedCount: 0) == 1024, "an empty input may still hold a tiny stream")
        #expect(Deflate.inflateLimit(compressedCount: 1000, ratio: 4) == 4000)
        // A 2 MB bomb is held to 1 GiB, not 2 GiB; absurd sizes do not overflow.
        #expect(Deflate.inflateLimit(compressedCount: 2 << 20) == Deflate.maximumInflatedSize)
        #expect(Deflate.inflateLimit(compressedCount: Int.max) == Deflate.maximumInflatedSize)
        #expect(Deflate.maximumInflatedSize == 1 << 30)
    }

    @Test func deflatedDataIsPaddedToEvenLength() throws {
        // Whatever the input, the deflated stream is even (it travels in PDVs and files), and the
        // pad after the end of the stream does not disturb inflating.
        var rng = SeededRandom(seed: 7)
        for n in [0, 1, 2, 3, 17, 100, 4096, 10_001] {
            let input = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let out = try Deflate.deflate(input)
            #expect(out.count % 2 == 0)
            #expect(try Deflate.inflate(ByteView(out), limit: n + 1) == input)
        }
    }

    @Test func everyTruncationOfARealFileFailsCleanly() throws {
        guard TestData.pydicomData != nil else { Issue.record("no test data"); return }
        for rel in ["test_files/CT_small.dcm", "test_files/rtplan.dcm", "test_files/MR_small_bigendian.dcm", "test_files/image_dfl.dcm"] {
            let bytes = try ByteStorage.mapFile(path: TestData.path(rel)).view.array
            var cut = 0
            while cut < bytes.count {
                _ = try? DICOMFile(bytes: Array(bytes[0..<cut]))  // must return or throw, never trap
                cut += max(1, bytes.count / 1500)
            }
        }
    }

    /// Thousands of seeded mutants of real files: each reads or is refused, and whatever reads
    /// also encodes without trapping.
    @Test func randomMutationsNeverCrash() throws {
        let sources = ["test_files/CT_small.dcm", "test_files/rtplan.dcm", "test_files/MR_small_bigendian.dcm",
                       "test_files/image_dfl.dcm", "test_files/JPEG2000.dcm", "test_files/nested_priv_SQ.dcm",
                       "test_files/UN_sequence.dcm", "test_files/MR_small_implicit.dcm",
                       "charset_files/chrSQEncoding.dcm", "test_files/dicomdirtests/DICOMDIR"]
        var rng = SeededRandom(seed: 20261203)
        var read = 0, refused = 0
        for rel in sources {
            guard let storage = try? ByteStorage.mapFile(path: TestData.path(rel)) else { continue }
            let original = storage.view.array
            for _ in 0..<400 {
                var m = original
                for _ in 0..<Int(rng.next() % 8 + 1) { Self.mutate(&m, &rng) }
                do {
                    let f = try DICOMFile(bytes: m)
                    read += 1
                    _ = try? f.encoded()
                    _ = DataSetDumper().dump(f)
                } catch {
                    refused += 1
                }
            }
        }
        #expect(read + refused >= 3000)
        #expect(refused > 0 && read > 0)
    }

    static func mutate(_ m: inout [UInt8], _ rng: inout SeededRandom) {
        guard !m.isEmpty else { return }
        let at = Int(rng.next() % UInt64(m.count))
        switch rng.next() % 6 {
        case 0: m[at] = UInt8(truncatingIfNeeded: rng.next())
        case 1: // a length-like field set to an extreme
            let v: UInt32 = [0xFFFF_FFFF, 0xFFFF_FFFE, 0x8000_0000, 0, 1, 3][Int(rng.next() % 6)]
            for k in 0..<4 where at + k < m.count { m[at + k] = UInt8((v >> (8 * UInt32(k))) & 0xFF) }
        case 2: m.removeSubrange(at..<min(m.count, at + Int(rng.next() % 64)))
        case 3: m.insert(contentsOf: m[at..<min(m.count, at + Int(rng.next() % 64))], at: Int(rng.next() % UInt64(m.count)))
        case 4: m = Array(m.prefix(at))
        default: // an item or delimiter tag dropped in
            let tags: [[UInt8]] = [[0xFE, 0xFF, 0x00, 0xE0], [0xFE, 0xFF, 0x0D, 0xE0], [0xFE, 0xFF, 0xDD, 0xE0]]
            let t = tags[Int(rng.next() % 3)]
            for k in 0..<4 where at + k < m.count { m[at + k] = t[k] }
        }
    }
}
