#if canImport(Glibc)
import Glibc
#endif
import DICOM
import DICOMNetwork
import Archive
import PACS

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
        let stats = try? archive.statistics()
        // Written straight to the descriptor: scripts wait for these lines, so no buffering.
        Console.write("swiftpacs \(Version.string): data in \(o.data) (\(stats?.instances ?? 0) instances)\n")
        if let d = dicom {
            Console.write("DICOM: AE title \(o.aet) listening on \(o.host):\(d.port)\n")
        } else {
            Console.write("DICOM: disabled (port 0)\n")
        }
        Console.write("HTTP: not part of this build yet\n")
        var sig: Int32 = 0
        sigwait(&stopSignals, &sig)
        log.record(.info, "stopping on \(sig == SIGTERM ? "SIGTERM" : "SIGINT"): no new associations; waiting for those in progress", peer: nil)
        dicom?.stop()
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
