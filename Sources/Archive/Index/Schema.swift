/// The SQLite index's schema, as numbered migrations applied in order at start-up. A database
/// is never changed by hand: each new version appends a migration.
enum Schema {
    static let migrations: [String] = [
        // 1: the four levels of PS3.4 C.6 (patient, study, series, image), known peers, settings.
        """
        CREATE TABLE patients(
            id INTEGER PRIMARY KEY,
            patient_id TEXT NOT NULL,
            issuer TEXT NOT NULL DEFAULT '',
            patient_name TEXT NOT NULL DEFAULT '',
            patient_name_norm TEXT NOT NULL DEFAULT '',
            birth_date TEXT NOT NULL DEFAULT '',
            birth_time TEXT NOT NULL DEFAULT '',
            sex TEXT NOT NULL DEFAULT '',
            other_ids TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
            UNIQUE(patient_id, issuer)
        );
        CREATE INDEX patients_name ON patients(patient_name_norm);
        CREATE INDEX patients_birth ON patients(birth_date);

        CREATE TABLE studies(
            id INTEGER PRIMARY KEY,
            patient_fk INTEGER NOT NULL REFERENCES patients(id),
            study_uid TEXT NOT NULL UNIQUE,
            study_date TEXT NOT NULL DEFAULT '',
            study_time TEXT NOT NULL DEFAULT '',
            accession TEXT NOT NULL DEFAULT '',
            study_id TEXT NOT NULL DEFAULT '',
            description TEXT NOT NULL DEFAULT '',
            referring_name TEXT NOT NULL DEFAULT '',
            referring_name_norm TEXT NOT NULL DEFAULT '',
            patient_age TEXT NOT NULL DEFAULT '',
            patient_size TEXT NOT NULL DEFAULT '',
            patient_weight TEXT NOT NULL DEFAULT '',
            institution TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
        );
        CREATE INDEX studies_patient ON studies(patient_fk);
        CREATE INDEX studies_date ON studies(study_date, study_time);
        CREATE INDEX studies_accession ON studies(accession);
        CREATE INDEX studies_study_id ON studies(study_id);
        CREATE INDEX studies_referring ON studies(referring_name_norm);
        CREATE INDEX studies_created ON studies(created_at);

        CREATE TABLE series(
            id INTEGER PRIMARY KEY,
            study_fk INTEGER NOT NULL REFERENCES studies(id),
            series_uid TEXT NOT NULL UNIQUE,
            modality TEXT NOT NULL DEFAULT '',
            series_number TEXT NOT NULL DEFAULT '',
            description TEXT NOT NULL DEFAULT '',
            body_part TEXT NOT NULL DEFAULT '',
            series_date TEXT NOT NULL DEFAULT '',
            series_time TEXT NOT NULL DEFAULT '',
            station_name TEXT NOT NULL DEFAULT '',
            manufacturer TEXT NOT NULL DEFAULT '',
            performing_name TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
        );
        CREATE INDEX series_study ON series(study_fk);
        CREATE INDEX series_modality ON series(modality);

        CREATE TABLE instances(
            id INTEGER PRIMARY KEY,
            series_fk INTEGER NOT NULL REFERENCES series(id),
            sop_uid TEXT NOT NULL UNIQUE,
            sop_class TEXT NOT NULL,
            instance_number TEXT NOT NULL DEFAULT '',
            content_date TEXT NOT NULL DEFAULT '',
            content_time TEXT NOT NULL DEFAULT '',
            number_of_frames TEXT NOT NULL DEFAULT '',
            rows INTEGER,
            columns INTEGER,
            transfer_syntax TEXT NOT NULL,
            charset TEXT NOT NULL DEFAULT '',
            file TEXT NOT NULL UNIQUE,
            size INTEGER NOT NULL,
            calling_ae TEXT NOT NULL DEFAULT '',
            received_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
        );
        CREATE INDEX instances_series ON instances(series_fk);
        CREATE INDEX instances_class ON instances(sop_class);

        CREATE TABLE peers(
            id INTEGER PRIMARY KEY,
            ae_title TEXT NOT NULL UNIQUE,
            host TEXT NOT NULL,
            port INTEGER NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            allow_find INTEGER NOT NULL DEFAULT 1,
            allow_move INTEGER NOT NULL DEFAULT 1,
            allow_get INTEGER NOT NULL DEFAULT 1,
            allow_store INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
            updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
        );

        CREATE TABLE settings(
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        """,
        // 2: web users (SPEC §5), their browser sessions and API tokens. Only hashes of
        // passwords and tokens are stored; times are UTC ISO 8601 text written by the program.
        // Usernames are case-sensitive (BINARY collation).
        """
        CREATE TABLE users(
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL UNIQUE,
            role TEXT NOT NULL CHECK (role IN ('admin', 'user')),
            password_hash TEXT NOT NULL,
            enabled INTEGER NOT NULL DEFAULT 1,
            can_send INTEGER NOT NULL DEFAULT 0,
            can_upload INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            password_changed_at TEXT NOT NULL
        );

        CREATE TABLE sessions(
            id INTEGER PRIMARY KEY,
            token_hash TEXT NOT NULL UNIQUE,
            user_fk INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            csrf_token TEXT NOT NULL,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            last_seen_at TEXT NOT NULL,
            client TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX sessions_user ON sessions(user_fk);
        CREATE INDEX sessions_expires ON sessions(expires_at);

        CREATE TABLE api_tokens(
            id INTEGER PRIMARY KEY,
            token_hash TEXT NOT NULL UNIQUE,
            user_fk INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            created_at TEXT NOT NULL,
            last_used_at TEXT
        );
        CREATE INDEX api_tokens_user ON api_tokens(user_fk);
        """,
        // 3: a session's CSRF token is derived from its cookie token, no longer stored. Open
        // sessions end once (their pages held the stored token), and SQLite's secure_delete
        // overwrites what they occupied.
        """
        PRAGMA secure_delete = ON;
        DELETE FROM sessions;
        ALTER TABLE sessions DROP COLUMN csrf_token;
        PRAGMA secure_delete = OFF;
        """,
        // 4: the study description upper-cased as the patient name is (`NameNormalizer`), so
        // that the portal's description search ignores case beyond ASCII; filled by `backfills`.
        """
        ALTER TABLE studies ADD COLUMN description_norm TEXT NOT NULL DEFAULT '';
        """,
    ]

    /// Work in Swift that a migration needs (SQL cannot upper-case outside ASCII), run in the
    /// same transaction, right after the migration of the same version.
    static let backfills: [Int: @Sendable (SQLiteConnection) throws -> Void] = [
        4: { db in
            var rows: [(Int64, String)] = []
            try db.prepare("SELECT id, description FROM studies WHERE description <> ''").query([]) {
                rows.append(($0.int64(0), $0.string(1)))
            }
            let update = try db.prepare("UPDATE studies SET description_norm = ? WHERE id = ?")
            for (id, text) in rows { try update.run([.text(NameNormalizer.normalize(text)), .int(id)]) }
        },
    ]

    static var version: Int { migrations.count }

    /// Applies the migrations the database lacks, each in its own transaction.
    static func migrate(_ db: SQLiteConnection) throws {
        try db.execute("CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL)")
        let current = Int(try db.scalar("SELECT max(version) FROM schema_version") ?? 0)
        guard current <= version else {
            throw ArchiveError.incompatibleIndex("the index in \(db.path) has schema version \(current), newer than this program's \(version): use a newer swiftpacs")
        }
        for v in current..<version {
            try db.transaction {
                try db.execute(migrations[v])
                try backfills[v + 1]?(db)
                try db.prepare("INSERT INTO schema_version(version) VALUES (?)").run([.int(Int64(v + 1))])
            }
        }
    }
}
