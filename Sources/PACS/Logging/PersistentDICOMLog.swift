import Synchronization

/// The DICOM log of the running server: each record goes to the log store (for
/// `/api/logs/dicom`) and to the console. Debug records are kept only while debug mode is on.
public final class PersistentDICOMLog: DICOMLog {
    public let store: LogStore
    let console: ConsoleLog?
    let debug: Atomic<Bool>

    /// - Parameters:
    ///   - console: also print each record on standard error.
    public init(store: LogStore, console: Bool = true, debug: Bool = false) {
        self.store = store
        self.console = console ? ConsoleLog(minimum: .debug) : nil
        self.debug = Atomic(debug)
    }

    public var isDebug: Bool { debug.load(ordering: .relaxed) }

    public func setDebug(_ on: Bool) { debug.store(on, ordering: .relaxed) }

    public func wants(_ level: LogLevel) -> Bool { level > .debug || isDebug }

    public func record(_ level: LogLevel, _ message: String, peer: String?) {
        record(level, message, peer: peer, association: nil)
    }

    public func record(_ level: LogLevel, _ message: String, peer: String?, association: Int?) {
        guard wants(level) else { return }
        store.append(DICOMLogEntry(level: level, peer: peer ?? "", association: association, message: message))
        console?.record(level, message, peer: peer)
    }
}
