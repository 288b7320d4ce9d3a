import Synchronization
import Archive

/// The appliance's settings, typed, with the defaults of the SPEC, persisted as one JSON
/// object per section in the archive's settings table (key `settings.<section>`), so that
/// they travel with the data directory.
///
/// One run's flags and environment variables (`overrides`) win over the stored values and
/// are never written. Saving a section persists what it holds, except a field that is
/// overridden and left at its overriding value: that field keeps its stored value and the
/// override stays. A field changed away from its override is persisted, and the override
/// lapses for the rest of the run.
public final class SettingsStore: Sendable {
    public let archive: Archive
    /// What loading set aside (unreadable or invalid stored values replaced by defaults).
    public let loadProblems: [String]
    let state: Mutex<State>

    struct State {
        var stored: Settings
        var overrides: SettingsOverrides
    }

    /// Keys that earlier versions wrote for single DICOM settings; read when the section
    /// itself was never stored.
    static let legacyAcceptUnknownStorers = "acceptUnknownStorers"
    static let legacyDuplicatePolicy = "duplicatePolicy"

    public init(archive: Archive, overrides: SettingsOverrides = SettingsOverrides()) throws {
        self.archive = archive
        var s = Settings()
        var problems: [String] = []
        func load<S: SettingsSection>(_: S.Type) throws -> S? {
            guard let text = try archive.setting(S.storageKey) else { return nil }
            let (value, p) = S.load(json: text)
            problems += p
            return value
        }
        if let d = try load(DICOMSettings.self) {
            s.dicom = d
        } else {
            if let v = try archive.setting(Self.legacyAcceptUnknownStorers) { s.dicom.acceptUnknownStorers = v == "true" }
            if let v = try archive.setting(Self.legacyDuplicatePolicy), let p = Archive.DuplicatePolicy(rawValue: v) { s.dicom.duplicatePolicy = p }
        }
        if let n = try load(NetworkSettings.self) { s.network = n }
        if let h = try load(HTTPSettings.self) { s.http = h }
        if let w = try load(WorklistSettings.self) { s.worklist = w }
        loadProblems = problems
        state = Mutex(State(stored: s, overrides: overrides))
    }

    /// The settings as stored (what the next run starts from, before its flags).
    public var stored: Settings { state.withLock { $0.stored } }
    /// This run's flags and environment variables still in force.
    public var overrides: SettingsOverrides { state.withLock { $0.overrides } }
    /// The settings in force: stored, with this run's overrides.
    public var effective: Settings { state.withLock { $0.stored.applying($0.overrides) } }

    /// The stored settings with other overrides.
    public func effective(overrides: SettingsOverrides) -> Settings { stored.applying(overrides) }

    /// The section in force.
    public func current<S: SettingsSection>(_: S.Type) -> S { effective.section(S.self) }

    /// What `new` breaks, on its own and beside the other sections in force (ports).
    public func check<S: SettingsSection>(_ new: S) -> [SettingsError] {
        var candidate = effective
        candidate.replace(new)
        return new.validate() + candidate.portConflicts(focus: S.section)
    }

    /// Validates and persists a section; it is in force at once (see the type's note on
    /// overrides). Throws the first problem (`check` lists them all), or `storage_failed`.
    @discardableResult
    public func save<S: SettingsSection>(_ new: S) throws(SettingsError) -> S {
        if let first = check(new).first { throw first }
        let result: Result<S, SettingsError> = state.withLock { st in
            var toStore = new
            var overrides = st.overrides
            let inForce = st.stored.applying(st.overrides).section(S.self)
            let storedSection = st.stored.section(S.self)
            for (field, _) in st.overrides.values(for: S.section) {
                if new.value(of: field) == inForce.value(of: field), let old = storedSection.value(of: field) {
                    try? toStore.set(field, old)
                } else {
                    overrides.remove(section: S.section, field: field)
                }
            }
            do {
                try archive.setSetting(S.storageKey, toStore.json)
            } catch {
                return .failure(SettingsError(.storageFailed, "the \(S.title) settings could not be saved in \(archive.dataDirectory): \(error)", field: nil))
            }
            st.stored.replace(toStore)
            st.overrides = overrides
            return .success(st.stored.applying(overrides).section(S.self))
        }
        return try result.get()
    }
}
