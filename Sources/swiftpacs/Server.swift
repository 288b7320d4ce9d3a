#if canImport(Glibc)
import Glibc
#endif
import DICOM
import DICOMNetwork
import Archive
import PACS
import HTTPServer
import WebAPI

/// Wiring of `swiftpacs serve`: the archive, the settings (stored, with this run's flags over
/// them), the persistent logs, the DICOM service, the web server, signal handling.
enum Server {
    static func run(_ o: ServeCommand.Options) -> Int32 {
        // Block the stop signals in every thread; the main thread waits for them with sigwait.
        var stopSignals = sigset_t()
        sigemptyset(&stopSignals)
        sigaddset(&stopSignals, SIGTERM)
        sigaddset(&stopSignals, SIGINT)
        pthread_sigmask(SIG_BLOCK, &stopSignals, nil)
        signal(SIGPIPE, SIG_IGN)

        let archive: Archive
        let store: SettingsStore
        do {
            archive = try Archive(dataDirectory: o.data)
            store = try SettingsStore(archive: archive, overrides: o.overrides)
        } catch {
            Console.error("swiftpacs serve: \(error)")
            return 1
        }
        let settings = store.effective
        if let problem = settings.validate().first {
            let hint = problem.code == .portConflict ? " (--dicom-port, --http-port or their SWIFTPACS_ variables)" : ""
            Console.error("swiftpacs serve: \(problem.message)\(hint)")
            archive.close()
            return 2
        }
        let logs: LogStore
        do {
            logs = try LogStore(dataDirectory: o.data)
        } catch {
            Console.error("swiftpacs serve: \(error)")
            archive.close()
            return 1
        }
        let log = PersistentDICOMLog(store: logs, debug: settings.dicom.debugMode)
        for p in store.loadProblems { log.record(.warning, p, peer: nil) }
        if archive.recovery.temporary + archive.recovery.orphans > 0 {
            log.record(.warning, "start-up recovery removed \(archive.recovery.temporary) interrupted write(s) and \(archive.recovery.orphans) uncommitted file(s)", peer: nil)
        }
        // First start: an `admin` to log in with (SPEC §1), before anything listens.
        let users = UserStore(archive: archive)
        let firstRun: AdminBootstrap
        do {
            firstRun = try users.ensureAdmin(passwordFromEnvironment: Environment.get("SWIFTPACS_ADMIN_PASSWORD"))
        } catch let e as UserError {
            Console.error("swiftpacs serve: SWIFTPACS_ADMIN_PASSWORD cannot be the first admin's password: \(e.message) (set a stronger one, or unset it to get a random password)")
            logs.close()
            archive.close()
            return 1
        } catch {
            Console.error("swiftpacs serve: cannot create the first user: \(error)")
            logs.close()
            archive.close()
            return 1
        }
        // Said at once: if a listener then fails, the password must not be lost with the run.
        switch firstRun {
        case let .createdWithRandomPassword(p):
            Console.write("created user \(UserStore.adminUsername) with password \(p) — change it after logging in\n")
        case .createdFromEnvironment:
            Console.write("created user \(UserStore.adminUsername) with the password from SWIFTPACS_ADMIN_PASSWORD\n")
        case .notNeeded:
            break
        }
        let provider = PACSServiceProvider(archive: archive, log: log, debug: settings.dicom.debugMode,
                                           acceptUnknownStorers: settings.dicom.acceptUnknownStorers,
                                           duplicatePolicy: settings.dicom.duplicatePolicy)
        let dicom = DICOMService(provider: provider, host: o.host, network: settings.network)
        do {
            try dicom.start(settings: settings.dicom)
        } catch {
            Console.error("swiftpacs serve: \(error.message) (set --dicom-port or SWIFTPACS_DICOM_PORT to a free port, or 0 to disable)")
            logs.close()
            archive.close()
            return 1
        }
        var http: HTTPServer?
        let web = WebService(settings: store, dataDirectory: o.data, host: o.host)
        var config = HTTPServerConfiguration(host: o.host, port: settings.http.port)
        // A request without Content-Length or Transfer-Encoding has no body (RFC 9112 §6.3):
        // `curl -X POST .../echo` is a fine request, not a 411.
        config.limits.lengthRequiredMethods = []
        let requestCounts = HTTPStatusCounts()
        config.accessLog = { r in
            requestCounts.record(status: r.status)
            logs.append(WebLogEntry(time: LogTimestamp(milliseconds: Int64((r.time * 1000).rounded(.down))), user: r.user ?? "",
                                    client: r.clientAddress, method: r.method, path: r.path, status: r.status,
                                    bytes: Int64(r.bytesSent), durationMs: r.duration * 1000))
            if log.isDebug { ConsoleLog(minimum: .debug).record(.debug, r.logLine, peer: nil) }
        }
        let app = WebApplication(version: Version.string, archive: archive, users: users, settings: store, dicom: dicom,
                                 web: web, logs: logs, dicomStatus: { dicom.listening },
                                 errorLog: { req, e in log.record(.error, "HTTP \(req.method) \(req.path): \(e)", peer: nil) },
                                 audit: { logs.append($0) }, requestCounts: requestCounts)
        do {
            http = try web.start(configuration: config, responder: app.router())
        } catch {
            let fix = error.code == .portUnavailable
                ? "set --http-port or SWIFTPACS_HTTP_PORT to a free port, or 0 to disable"
                : "upload a valid pair with PUT /api/settings/http/certificate after starting once with --ssl off (or SWIFTPACS_SSL=off)"
            Console.error("swiftpacs serve: \(error.message) (\(fix))")
            dicom.stop()
            logs.close()
            archive.close()
            return 1
        }
        let stats = try? archive.statistics()
        // Written straight to the descriptor: scripts wait for these lines, so no buffering.
        Console.write("swiftpacs \(Version.string): data in \(o.data) (\(stats?.instances ?? 0) instances)\n")
        if let p = dicom.port {
            Console.write("DICOM: AE title \(settings.dicom.aeTitle) listening on \(o.host):\(p)\n")
        } else {
            Console.write("DICOM: disabled (port 0)\n")
        }
        if http != nil {
            Console.write("HTTP: listening on \(web.listening) (GET /api/health)\n")
        } else {
            Console.write("HTTP: disabled (port 0)\n")
        }
        var sig: Int32 = 0
        sigwait(&stopSignals, &sig)
        log.record(.info, "stopping on \(sig == SIGTERM ? "SIGTERM" : "SIGINT"): no new associations; waiting for those in progress", peer: nil)
        dicom.stop()
        http?.stop(grace: 5)
        dicom.waitUntilIdle(timeout: 10)
        log.record(.info, "stopped", peer: nil)
        logs.close()
        archive.close()
        return 0
    }
}
