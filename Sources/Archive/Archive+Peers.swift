/// A known DICOM peer (the "Network Peer Setup" dialog): where it is and what it may do here.
public struct Peer: Sendable, Codable, Equatable {
    public var id: Int
    public var aeTitle: String
    public var host: String
    public var port: Int
    public var description: String
    public var allowFind: Bool
    public var allowMove: Bool
    public var allowGet: Bool
    public var allowStore: Bool

    public init(id: Int = 0, aeTitle: String, host: String, port: Int, description: String = "",
                allowFind: Bool = true, allowMove: Bool = true, allowGet: Bool = true, allowStore: Bool = true) {
        self.id = id
        self.aeTitle = aeTitle
        self.host = host
        self.port = port
        self.description = description
        self.allowFind = allowFind
        self.allowMove = allowMove
        self.allowGet = allowGet
        self.allowStore = allowStore
    }
}

extension Archive {
    static let peerColumns = "id, ae_title, host, port, description, allow_find, allow_move, allow_get, allow_store"

    static func peer(_ s: SQLiteStatement) -> Peer {
        Peer(id: s.int(0), aeTitle: s.string(1), host: s.string(2), port: s.int(3), description: s.string(4),
             allowFind: s.int(5) != 0, allowMove: s.int(6) != 0, allowGet: s.int(7) != 0, allowStore: s.int(8) != 0)
    }

    public func peers() throws -> [Peer] {
        try index.read { db in
            var out: [Peer] = []
            try db.prepare("SELECT \(Self.peerColumns) FROM peers ORDER BY ae_title").query { out.append(Self.peer($0)) }
            return out
        }
    }

    /// The peer with this AE title (AE titles are case-sensitive, PS3.5 §6.2).
    public func peer(aeTitle: String) throws -> Peer? {
        try index.read { db in
            var p: Peer?
            try db.prepare("SELECT \(Self.peerColumns) FROM peers WHERE ae_title = ?").query([.text(aeTitle)]) { p = Self.peer($0) }
            return p
        }
    }

    public func peer(id: Int) throws -> Peer? {
        try index.read { db in
            var p: Peer?
            try db.prepare("SELECT \(Self.peerColumns) FROM peers WHERE id = ?").query([.int(Int64(id))]) { p = Self.peer($0) }
            return p
        }
    }

    /// Adds a peer; throws `.storage` naming the conflict when the AE title is taken.
    @discardableResult
    public func addPeer(_ p: Peer) throws -> Peer {
        do {
            let id = try index.write { db -> Int64 in
                try db.prepare("""
                    INSERT INTO peers(ae_title, host, port, description, allow_find, allow_move, allow_get, allow_store)
                    VALUES (?,?,?,?,?,?,?,?)
                    """).run([.text(p.aeTitle), .text(p.host), .int(Int64(p.port)), .text(p.description),
                              .int(p.allowFind ? 1 : 0), .int(p.allowMove ? 1 : 0), .int(p.allowGet ? 1 : 0), .int(p.allowStore ? 1 : 0)])
                return db.lastInsertRowID
            }
            var out = p
            out.id = Int(id)
            return out
        } catch let e as SQLiteError where e.isConstraint {
            throw ArchiveError.storage("a peer with AE title '\(p.aeTitle)' already exists")
        }
    }

    public func updatePeer(_ p: Peer) throws {
        do {
            let changed = try index.write { db -> Int in
                try db.prepare("""
                    UPDATE peers SET ae_title = ?, host = ?, port = ?, description = ?, allow_find = ?, allow_move = ?,
                    allow_get = ?, allow_store = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?
                    """).run([.text(p.aeTitle), .text(p.host), .int(Int64(p.port)), .text(p.description), .int(p.allowFind ? 1 : 0),
                              .int(p.allowMove ? 1 : 0), .int(p.allowGet ? 1 : 0), .int(p.allowStore ? 1 : 0), .int(Int64(p.id))])
                return db.changes
            }
            guard changed > 0 else { throw ArchiveError.notFound("no peer with id \(p.id)") }
        } catch let e as SQLiteError where e.isConstraint {
            throw ArchiveError.storage("a peer with AE title '\(p.aeTitle)' already exists")
        }
    }

    /// Removes the peer with this AE title or id; false when there was none.
    @discardableResult
    public func removePeer(aeTitle: String? = nil, id: Int? = nil) throws -> Bool {
        try index.write { db in
            if let a = aeTitle { try db.prepare("DELETE FROM peers WHERE ae_title = ?").run([.text(a)]) }
            else if let i = id { try db.prepare("DELETE FROM peers WHERE id = ?").run([.int(Int64(i))]) }
            return db.changes > 0
        }
    }
}

/// Stored settings: text values by key, in the index so they travel with the data.
extension Archive {
    public func setting(_ key: String) throws -> String? {
        try index.read { db in
            var v: String?
            try db.prepare("SELECT value FROM settings WHERE key = ?").query([.text(key)]) { v = $0.text(0) }
            return v
        }
    }

    public func setSetting(_ key: String, _ value: String) throws {
        try index.write { db in
            try db.prepare("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
                .run([.text(key), .text(value)])
        }
    }
}
