#if canImport(Glibc)
import Glibc
#endif

/// A record on its way to the log database.
enum LogRecord: Sendable {
    case web(WebLogEntry)
    case dicom(DICOMLogEntry)
    case audit(AuditLogEntry)
}

/// The bounded queue between the threads that log and the one writer thread. Pushing never
/// blocks: when the queue is full the record is dropped and counted. Each pushed record gets
/// a sequence number so that `waitWritten` can wait for everything pushed before it.
final class LogQueue: @unchecked Sendable {
    let capacity: Int
    // Guarded by `mutex`.
    private var items: [LogRecord] = []
    private var pushed: UInt64 = 0
    private var written: UInt64 = 0
    private var droppedSinceReport = 0
    private var droppedTotal = 0
    private var closed = false
    private var writerFinished = false

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    /// Signalled when records arrive or the queue closes (the writer waits on it).
    private let work = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    /// Broadcast when a batch is written or the writer finishes (flushers wait on it).
    private let done = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(work, nil)
        pthread_cond_init(done, nil)
    }

    deinit {
        pthread_cond_destroy(done)
        pthread_cond_destroy(work)
        pthread_mutex_destroy(mutex)
        done.deallocate()
        work.deallocate()
        mutex.deallocate()
    }

    private func locked<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body()
    }

    /// Queues a record; false when the queue is closed, or full (then the record is counted).
    @discardableResult
    func push(_ r: LogRecord) -> Bool {
        locked {
            if closed { return false }
            guard items.count < capacity else {
                droppedSinceReport += 1
                droppedTotal += 1
                return false
            }
            items.append(r)
            pushed += 1
            pthread_cond_signal(work)
            return true
        }
    }

    var dropped: Int { locked { droppedTotal } }

    /// The writer's next batch: up to `max` records, and the records dropped since the last
    /// batch. Waits until there is work; nil once the queue is closed and empty.
    func take(max: Int) -> (records: [LogRecord], upTo: UInt64, dropped: Int)? {
        locked {
            while items.isEmpty && !closed && droppedSinceReport == 0 { pthread_cond_wait(work, mutex) }
            if items.isEmpty && closed && droppedSinceReport == 0 { return nil }
            let n = min(max, items.count)
            let batch = Array(items.prefix(n))
            items.removeFirst(n)
            let d = droppedSinceReport
            droppedSinceReport = 0
            return (batch, pushed - UInt64(items.count), d)
        }
    }

    /// The writer has written every record up to sequence number `seq`.
    func markWritten(_ seq: UInt64) {
        locked {
            written = Swift.max(written, seq)
            pthread_cond_broadcast(done)
        }
    }

    /// Waits until everything pushed so far is written (or the writer has finished).
    func waitWritten() {
        locked {
            let target = pushed
            while written < target && !writerFinished { pthread_cond_wait(done, mutex) }
        }
    }

    /// No more records; the writer drains what is queued and finishes.
    func close() {
        locked {
            closed = true
            pthread_cond_broadcast(work)
        }
    }

    func finishWriter() {
        locked {
            writerFinished = true
            pthread_cond_broadcast(done)
        }
    }

    /// Waits until the writer thread has finished.
    func waitWriterFinished() {
        locked {
            while !writerFinished { pthread_cond_wait(done, mutex) }
        }
    }
}
