#if canImport(Glibc)
import Glibc
#endif
import DICOM
import DICOMNetwork
import Archive
import PACS
import HTTPServer
import WebAPI

/// Wiring of `swiftpacs serve`: the archive, the DICOM acceptor, signal handling.
enum Server {
    static func run(_ o: ServeCommand.Options) -> Int32 {
        // Block the stop signals in every thread; the main thread waits for them with sigwait.
        var stopSignals = sigset_t()
        sigemptyset(&stopSignals)
        sigaddset(&stopSignals, SIGTERM)
        sigaddset(&stopSignals, SIGINT)
        pthread_sigmask(SIG_BLOCK, &stopSignals, nil)
        signal(SIGPIPE, SIG_IGN)

        let log = ConsoleLog(minimum: o.debug ? .debug : .info)
        let archive: Archive
        do {
            archive = try Archive(dataDirectory: o.data)
        } catch {
            Console.error("swiftpacs serve: \(error)")
            return 1
        }
        if archive.recovery.temporary + archive.recovery.orphans > 0 {
            log.record(.warning, "start-up recovery removed \(archive.recovery.temporary) interrupted write(s) and \(archive.recovery.orphans) uncommitted file(s)", peer: nil)
        }
        // First start: an `admin` to log in with (SPEC §1), before anything listens.
        let firstRun: AdminBootstrap
        do {
            firstRun = try UserStore(archive: archive).ensureAdmin(passwordFromEnvironment: Environment.get("SWIFTPACS_ADMIN_PASSWORD"))
        } catch let e as UserError {
            Console.error("swiftpacs serve: SWIFTPACS_ADMIN_PASSWORD cannot be the first admin's password: \(e.message) (set a stronger one, or unset it to get a random password)")
            archive.close()
            return 1
        } catch {
            Console.error("swiftpacs serve: cannot create the first user: \(error)")
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
        if let a = o.acceptUnknownStorers {
            try? archive.setSetting(SettingKey.acceptUnknownStorers, a ? "true" : "false")
        }
        let provider = PACSServiceProvider(archive: archive, log: log, debug: o.debug)
        var dicom: DICOMServer?
        if o.dicomPort > 0 {
            do {
                dicom = try DICOMServer(configuration: ServerConfiguration(aeTitle: o.aet, host: o.host, port: o.dicomPort), provider: provider)
            } catch {
                Console.error("swiftpacs serve: the DICOM server cannot listen on \(o.host):\(o.dicomPort): \(error) (set --dicom-port or SWIFTPACS_DICOM_PORT to a free port, or 0 to disable)")
                archive.close()
                return 1
            }
            dicom?.start()
        }
        let dicomStatus: String = dicom.map { "listening on \(o.host):\($0.port)" } ?? "disabled"
        var http: HTTPServer?
        if o.httpPort > 0 {
            var config = HTTPServerConfiguration(host: o.host, port: o.httpPort)
            config.accessLog = { record in log.record(.debug, record.logLine, peer: nil) }
            let app = WebApplication(version: Version.string, archive: archive, dicomStatus: { dicomStatus })
            do {
                http = try HTTPServer(configuration: config, responder: app.router())
            } catch {
                Console.error("swiftpacs serve: the web server cannot listen on \(o.host):\(o.httpPort): \(error) (set --http-port or SWIFTPACS_HTTP_PORT to a free port, or 0 to disable)")
                dicom?.stop()
                archive.close()
                return 1
            }
            http?.start()
        }
        let stats = try? archive.statistics()
        // Written straight to the descriptor: scripts wait for these lines, so no buffering.
        Console.write("swiftpacs \(Version.string): data in \(o.data) (\(stats?.instances ?? 0) instances)\n")
        if let d = dicom {
            Console.write("DICOM: AE title \(o.aet) listening on \(o.host):\(d.port)\n")
        } else {
            Console.write("DICOM: disabled (port 0)\n")
        }
        if let h = http {
            Console.write("HTTP: listening on \(o.host):\(h.port) (GET /api/health)\n")
        } else {
            Console.write("HTTP: disabled (port 0)\n")
        }
        var sig: Int32 = 0
        sigwait(&stopSignals, &sig)
        log.record(.info, "stopping on \(sig == SIGTERM ? "SIGTERM" : "SIGINT"): no new associations; waiting for those in progress", peer: nil)
        dicom?.stop()
        http?.stop(grace: 5)
        var waited = 0
        while let d = dicom, d.activeAssociations > 0, waited < 100 {
            usleep(100_000)
            waited += 1
        }
        archive.close()
        log.record(.info, "stopped", peer: nil)
        return 0
    }
}
