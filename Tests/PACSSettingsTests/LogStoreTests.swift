import Testing
import Foundation
import Synchronization
import Archive
import PACS

/// The persistent logs: each log written and read back, filters, paging, retention, hostile
/// text, several writers at once.
struct LogStoreTests {
    static let t0 = LogTimestamp.parse("2024-05-01T08:00:00Z")!.lowerBound

    func at(minutes m: Int) -> LogTimestamp { LogTimestamp(milliseconds: Self.t0.milliseconds + Int64(m) * 60_000) }

    func open(_ dir: TempDir, retention: Int = LogStore.defaultRetention, capacity: Int = 100_000) throws -> LogStore {
        try LogStore(dataDirectory: dir.path, retention: retention, queueCapacity: capacity)
    }

    @Test func eachLogIsWrittenAndReadBack() throws {
        let dir = TempDir()
        let web = WebLogEntry(time: at(minutes: 1), user: "admin", client: "10.0.0.7", method: "GET", path: "/api/studies?x=1",
                              status: 200, bytes: 1234, durationMs: 12.5)
        let dicom = DICOMLogEntry(time: at(minutes: 2), level: .warning, peer: "CT1", association: 7, message: "association 7 rejected")
        let audit = AuditLogEntry(time: at(minutes: 3), user: "admin", client: "10.0.0.7", action: "settings.update",
                                  target: "dicom", detail: "port 11112 -> 104")
        do {
            let store = try open(dir)
            store.append(web)
            store.append(dicom)
            store.append(audit)
            store.append(DICOMLogEntry(time: at(minutes: 4), level: .info, message: "no association"))
            store.flush()
            let w = try store.web()
            #expect(w.total == 1 && w.entries.count == 1 && w.nextBeforeID == nil)
            var got = try #require(w.entries.first)
            #expect(got.id > 0)
            got.id = 0
            #expect(got == web)
            store.close()
            store.close()  // twice is harmless
        }
        #expect(FileManager.default.fileExists(atPath: dir.path + "/logs.sqlite"))
        // Reopened: everything is still there.
        let store = try open(dir)
        defer { store.close() }
        let d = try store.dicom()
        #expect(d.total == 2)
        #expect(d.entries.map(\.message) == ["no association", "association 7 rejected"])
        #expect(d.entries[0].association == nil && d.entries[0].peer == "")
        var first = d.entries[1]
        first.id = 0
        #expect(first == dicom)
        var a = try #require(try store.audit().entries.first)
        a.id = 0
        #expect(a == audit)
        #expect(a.time.iso8601 == "2024-05-01T08:03:00.000Z")
    }

    @Test func walMode() throws {
        let dir = TempDir()
        let store = try open(dir)
        defer { store.close() }
        let db = try SQLiteConnection(path: dir.path + "/logs.sqlite", readOnly: true)
        var mode = ""
        try db.prepare("PRAGMA journal_mode").query { mode = $0.string(0) }
        #expect(mode == "wal")
    }

    /// 60 records a minute apart, alternating users, peers and levels.
    func filled(_ dir: TempDir) throws -> LogStore {
        let store = try open(dir)
        let levels: [LogLevel] = [.debug, .info, .warning, .error]
        for i in 0..<60 {
            store.append(WebLogEntry(time: at(minutes: i), user: i % 3 == 0 ? "alice" : "bob", client: "10.0.0.\(i % 5)",
                                     method: i % 2 == 0 ? "GET" : "POST", path: "/api/item/\(i)", status: i % 4 == 0 ? 404 : 200,
                                     bytes: Int64(i), durationMs: Double(i)))
            store.append(DICOMLogEntry(time: at(minutes: i), level: levels[i % 4], peer: i % 2 == 0 ? "CT1" : "MR1",
                                       association: i / 10, message: "event \(i) of association \(i / 10)"))
            store.append(AuditLogEntry(time: at(minutes: i), user: i % 3 == 0 ? "alice" : "bob", action: i % 2 == 0 ? "peer.update" : "study.download",
                                       target: "target-\(i)", detail: "detail \(i)"))
        }
        store.flush()
        return store
    }

    @Test func timeRangeFilters() throws {
        let dir = TempDir()
        let store = try filled(dir)
        defer { store.close() }
        // Minutes 10 to 19 inclusive: "to" covers its whole minute.
        let r = try store.web(LogQuery(from: "2024-05-01T08:10:00Z", to: "2024-05-01T08:19"))
        #expect(r.total == 10 && r.entries.map(\.path).first == "/api/item/19" && r.entries.last?.path == "/api/item/10")
        // The same instant with an offset.
        #expect(try store.dicom(LogQuery(from: "2024-05-01T10:10:00+02:00", to: "2024-05-01T10:19:59.999+0200")).total == 10)
        // A date covers the day.
        #expect(try store.audit(LogQuery(from: "2024-05-01", to: "2024-05-01")).total == 60)
        #expect(try store.audit(LogQuery(to: "2024-04-30")).total == 0)
        #expect(try store.audit(LogQuery(from: "2024-05-02")).total == 0)
        #expect(try store.audit(LogQuery(from: "2024-05-01T08:59:00.000Z")).total == 1)
        for bad in ["yesterday", "2024-02-30", "2024-05-01T25:00", "2024-05-01T08:00:00+25:00", "2024-5-1", "2024-05-01T08:00:00Zjunk"] {
            do throws(LogQueryError) {
                _ = try LogStore.checked { try store.web(LogQuery(from: bad)) }
                Issue.record("\(bad) was taken as a time")
            } catch {
                #expect(error.code == .invalidTime && error.field == "from", "\(bad)")
            }
        }
        do throws(LogQueryError) {
            _ = try LogStore.checked { try store.web(LogQuery(from: "2024-05-02", to: "2024-05-01")) }
            Issue.record("an empty range was taken")
        } catch {
            #expect(error.code == .invalidTime && error.field == "to")
        }
    }

    @Test func textLevelUserPeerAndAssociationFilters() throws {
        let dir = TempDir()
        let store = try filled(dir)
        defer { store.close() }
        #expect(try store.web(LogQuery(text: "/item/1")).total == 11)  // 1, 10–19
        #expect(try store.web(LogQuery(text: "post")).total == 30)   // ASCII letters match either case
        #expect(try store.web(LogQuery(text: "10.0.0.4")).total == 12)
        #expect(try store.dicom(LogQuery(text: "association 3")).total == 10)
        #expect(try store.audit(LogQuery(text: "download")).total == 30)
        #expect(try store.audit(LogQuery(text: "target-5")).total == 11)
        #expect(try store.audit(LogQuery(text: "detail 5")).total == 11)
        #expect(try store.web(LogQuery(text: "nothing like it")).total == 0)

        #expect(try store.dicom(LogQuery(level: .error)).total == 15)
        #expect(try store.dicom(LogQuery(level: .warning)).total == 30)
        #expect(try store.dicom(LogQuery(level: .debug)).total == 60)
        #expect(try store.dicom(LogQuery(peer: "CT1")).total == 30)
        #expect(try store.dicom(LogQuery(peer: "ct1")).total == 0)
        #expect(try store.dicom(LogQuery(association: 2)).total == 10)
        #expect(try store.web(LogQuery(user: "alice")).total == 20)
        #expect(try store.audit(LogQuery(user: "bob")).total == 40)
        // Filters combine.
        let combined = try store.dicom(LogQuery(from: "2024-05-01T08:20", text: "event", level: .warning, peer: "CT1"))
        #expect(combined.total == 10 && combined.entries.allSatisfy { $0.peer == "CT1" && $0.level >= .warning })

        for (kind, q, field) in [("web", LogQuery(level: .info), "level"), ("audit", LogQuery(peer: "CT1"), "peer"),
                                 ("web", LogQuery(association: 1), "association"), ("dicom", LogQuery(user: "alice"), "user"),
                                 ("dicom", LogQuery(limit: 0), "limit"), ("web", LogQuery(limit: 1001), "limit"),
                                 ("audit", LogQuery(offset: -1), "offset"),
                                 ("web", LogQuery(text: String(repeating: "x", count: 1025)), "text")] {
            do throws(LogQueryError) {
                _ = try LogStore.checked {
                    switch kind {
                    case "web": _ = try store.web(q)
                    case "dicom": _ = try store.dicom(q)
                    default: _ = try store.audit(q)
                    }
                }
                Issue.record("\(kind) \(field) was accepted")
            } catch {
                #expect(error.field == field, "\(error)")
                #expect(error.message.contains(field), "\(error)")
            }
        }
    }

    @Test func pagingNewestFirst() throws {
        let dir = TempDir()
        let store = try filled(dir)
        defer { store.close() }
        var seen: [String] = []
        var cursor: Int64?
        var pages = 0
        repeat {
            let p = try store.web(LogQuery(limit: 25, beforeID: cursor))
            #expect(p.total == 60)
            seen += p.entries.map(\.path)
            cursor = p.nextBeforeID
            pages += 1
            if cursor != nil { #expect(p.entries.count == 25 && cursor == p.entries.last?.id) }
        } while cursor != nil
        #expect(pages == 3)
        #expect(seen == (0..<60).reversed().map { "/api/item/\($0)" })
        // Offsets page the same way.
        let o = try store.web(LogQuery(limit: 25, offset: 50))
        #expect(o.entries.map(\.path) == (0..<10).reversed().map { "/api/item/\($0)" } && o.nextBeforeID == nil && o.offset == 50)
        let filtered = try store.web(LogQuery(user: "alice", limit: 5))
        #expect(filtered.total == 20 && filtered.entries.count == 5 && filtered.nextBeforeID != nil)
        let last = try store.web(LogQuery(limit: 1000))
        #expect(last.entries.count == 60 && last.nextBeforeID == nil)
    }

    @Test func retentionKeepsTheNewest() throws {
        let dir = TempDir()
        let store = try open(dir, retention: 50)
        defer { store.close() }
        for i in 0..<500 {
            store.append(DICOMLogEntry(level: .info, message: "m\(i)"))
            store.append(AuditLogEntry(user: "u", action: "a\(i)"))
            if i % 100 == 99 { store.flush() }
        }
        store.flush()
        // Pruned as the writer goes: never far above the retention.
        #expect(try store.dicom().total <= 55)
        try store.prune()
        let d = try store.dicom(LogQuery(limit: 1000))
        #expect(d.total == 50)
        #expect(d.entries.first?.message == "m499" && d.entries.last?.message == "m450")
        #expect(try store.audit().total == 50)
        #expect(try store.web().total == 0)
    }

    @Test func hostileTextIsStoredVerbatimOrCutTheSameWayEveryTime() throws {
        let dir = TempDir()
        let store = try open(dir)
        defer { store.close() }
        let sql = "x'); DROP TABLE dicom; --"
        let wild = #"100% of a_b \ c"#
        let unicode = "Hôpital 放射線科 🏥 \u{202E}rtl\u{1B}[31m tab\tnewline\n"
        let nul = "before\u{0}after"
        let huge = String(repeating: "0123456789abcdef", count: 65_536)  // 1 MiB
        let hugeUnicode = String(repeating: "é🏥", count: 200_000)
        for m in [sql, wild, unicode, nul, huge, hugeUnicode] {
            store.append(DICOMLogEntry(level: .info, peer: m, message: m))
            store.append(WebLogEntry(user: m, client: m, method: m, path: m, status: 200, bytes: 0, durationMs: .nan))
            store.append(AuditLogEntry(user: m, client: m, action: m, target: m, detail: m))
        }
        store.flush()
        let d = try store.dicom(LogQuery(limit: 10)).entries.reversed().map(\.message)
        #expect(d.count == 6)
        #expect(d[0] == sql && d[1] == wild && d[2] == unicode)
        #expect(d[3] == "before\u{FFFD}after")
        #expect(d[4] == LogText.clean(huge, maxBytes: LogText.messageLimit))
        #expect(d[4].utf8.count <= LogText.messageLimit && d[4].hasSuffix("…") && d[4].hasPrefix("0123456789abcdef"))
        #expect(d[5] == LogText.clean(hugeUnicode, maxBytes: LogText.messageLimit) && d[5].utf8.count <= LogText.messageLimit)
        #expect(LogText.clean(sql, maxBytes: 8) == "x'); …" || LogText.clean(sql, maxBytes: 8).utf8.count <= 8)
        let web = try store.web(LogQuery(limit: 10)).entries.reversed()
        for (e, m) in zip(web, [sql, wild, unicode, nul, huge, hugeUnicode]) {
            #expect(e.path == LogText.clean(m, maxBytes: LogText.pathLimit))
            #expect(e.method == LogText.clean(m, maxBytes: LogText.methodLimit))
            #expect(e.user == LogText.clean(m, maxBytes: LogText.userLimit))
            #expect(e.durationMs == 0)
        }
        let audit = try store.audit(LogQuery(limit: 10)).entries.reversed()
        for (e, m) in zip(audit, [sql, wild, unicode, nul, huge, hugeUnicode]) {
            #expect(e.detail == LogText.clean(m, maxBytes: LogText.detailLimit) && e.target == LogText.clean(m, maxBytes: LogText.targetLimit))
        }
        // Searching for them finds them literally: no SQL, no wildcards.
        #expect(try store.dicom(LogQuery(text: sql)).total == 1)
        #expect(try store.dicom(LogQuery(text: "DROP TABLE")).total == 1)
        #expect(try store.dicom(LogQuery(text: "%")).total == 1)
        #expect(try store.dicom(LogQuery(text: "_")).total == 1)
        #expect(try store.dicom(LogQuery(text: "a_b \\ c")).total == 1)
        #expect(try store.dicom(LogQuery(text: "'")).total == 1)
        #expect(try store.dicom(LogQuery(text: "放射線科 🏥")).total == 1)
        #expect(try store.dicom(LogQuery(text: "before\u{0}after")).total == 1)
        #expect(try store.dicom(LogQuery(peer: sql)).total == 1)
        #expect(try store.audit(LogQuery(user: "x'); DROP TABLE dicom; --")).total == 1)
        #expect(try store.dicom().total == 6)
    }

    @Test func severalThreadsWriteAtOnce() async throws {
        let dir = TempDir()
        let store = try open(dir)
        defer { store.close() }
        await withTaskGroup(of: Void.self) { group in
            for t in 0..<8 {
                group.addTask {
                    for i in 0..<500 {
                        store.append(DICOMLogEntry(level: .info, peer: "T\(t)", message: "thread \(t) record \(i)"))
                        store.append(WebLogEntry(user: "t\(t)", client: "c", method: "GET", path: "/\(i)", status: 200, bytes: 1, durationMs: 1))
                        store.append(AuditLogEntry(user: "t\(t)", action: "a"))
                    }
                }
            }
        }
        store.flush()
        #expect(store.droppedRecords == 0)
        #expect(try store.dicom().total == 4000)
        #expect(try store.web().total == 4000)
        #expect(try store.audit().total == 4000)
        for t in 0..<8 { #expect(try store.dicom(LogQuery(peer: "T\(t)")).total == 500) }
        // Each thread's records are in the order it wrote them.
        let mine = try store.dicom(LogQuery(peer: "T3", limit: 1000)).entries.reversed().map(\.message)
        #expect(mine == (0..<500).map { "thread 3 record \($0)" })
    }

    @Test func aFullQueueDropsCountsAndSaysSo() throws {
        let dir = TempDir()
        let store = try open(dir, capacity: 8)
        defer { store.close() }
        for i in 0..<20_000 { store.append(WebLogEntry(client: "c", method: "GET", path: "/\(i)", status: 200, bytes: 0, durationMs: 0)) }
        store.flush()
        let dropped = store.droppedRecords
        #expect(dropped > 0)
        #expect(try store.web().total == 20_000 - dropped)
        // The loss is logged once per episode, with the count: the notes add up.
        let notes = try store.dicom(LogQuery(text: "dropped", level: .warning, limit: 1000)).entries
        #expect(!notes.isEmpty && notes.count < dropped)
        let counted = notes.compactMap { n in n.message.split(separator: " ").compactMap { Int($0) }.first }.reduce(0, +)
        #expect(counted == dropped)
    }

    @Test func persistentDICOMLogKeepsDebugOnlyInDebugMode() throws {
        let dir = TempDir()
        let store = try open(dir)
        defer { store.close() }
        let log = PersistentDICOMLog(store: store, console: false)
        #expect(!log.wants(.debug) && log.wants(.info))
        log.record(.debug, "hidden", peer: "CT1")
        log.record(.info, "shown", peer: "CT1", association: 4)
        log.setDebug(true)
        #expect(log.wants(.debug))
        log.record(.debug, "debug detail", peer: nil, association: 4)
        log.setDebug(false)
        log.record(.debug, "hidden again", peer: nil)
        store.flush()
        let all = try store.dicom().entries
        #expect(all.map(\.message) == ["debug detail", "shown"])
        #expect(all[1].peer == "CT1" && all[1].association == 4 && all[0].level == .debug)
    }

    @Test func timestamps() {
        #expect(LogTimestamp(milliseconds: 0).iso8601 == "1970-01-01T00:00:00.000Z")
        #expect(LogTimestamp(milliseconds: 1_714_550_400_123).iso8601 == "2024-05-01T08:00:00.123Z")
        #expect(LogTimestamp(milliseconds: -1).iso8601 == "1969-12-31T23:59:59.999Z")
        let leap = LogTimestamp.parse("2024-02-29")!
        #expect(leap.upperBound.milliseconds - leap.lowerBound.milliseconds == 86_399_999)
        #expect(LogTimestamp.parse("2023-02-29") == nil)
        #expect(LogTimestamp.parse("2024-05-01T08:00:00.5Z")!.lowerBound.iso8601 == "2024-05-01T08:00:00.500Z")
        #expect(LogTimestamp.parse("2024-05-01 08:00:00-05:00")!.lowerBound.iso8601 == "2024-05-01T13:00:00.000Z")
        #expect(LogTimestamp.parse("2024-05-01T08:00:00.123456789Z")!.lowerBound.iso8601 == "2024-05-01T08:00:00.123Z")
        #expect(LogTimestamp.parse("2024-05-01T08:00:00.1234567890Z") == nil)
        let now = LogTimestamp.now()
        #expect(LogTimestamp.parse(now.iso8601)?.lowerBound == now)
    }
}

extension LogStore {
    /// Runs a query, turning its failure into the `LogQueryError` it must be.
    static func checked<T>(_ body: () throws -> T) throws(LogQueryError) -> T {
        do { return try body() } catch let e as LogQueryError { throw e } catch {
            Issue.record("not a LogQueryError: \(error)")
            throw LogQueryError(.outOfRange, "\(error)", field: nil)
        }
    }
}
