import Foundation

/// One file of the run log (`RunLog`): the simulator's thread writes it, the applier's
/// thread (`LogApplier`) reads what was written, both by position (`pwrite`, `pread`), so
/// neither moves a file offset the other relies on. Closed when the last of them lets go of it.
final class LogFile: Sendable {
    /// Where it was opened (a retired file is renamed; its reads go through `fd`).
    let path: String
    private let fd: Int32

    /// Opens `path` empty (a new run, or a fresh file after a rotation).
    init(path: String) throws(RunLogError) {
        self.path = path
        fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .io(path, reason: String(cString: strerror(errno))) }
    }

    deinit { close(fd) }

    /// Writes `raw` at `offset`, whole (the log's buffer, where it lies: `LogEncoder.withBytes`).
    func write(_ raw: UnsafeRawBufferPointer, at offset: Int) throws(RunLogError) {
        var done = 0
        while done < raw.count {
            let n = pwrite(fd, raw.baseAddress! + done, raw.count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(path, reason: String(cString: strerror(errno)))
            }
            done += n
        }
    }

    /// Bytes of the file, as the operating system holds them. The array is not zeroed first:
    /// `pread` fills it, and a read that falls short fails.
    func read(_ range: Range<Int>) throws(RunLogError) -> ArraySlice<UInt8> {
        var failure: String?
        let bytes = [UInt8](unsafeUninitializedCapacity: range.count) { buffer, count in
            var done = 0
            while done < buffer.count {
                let n = pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(range.lowerBound + done))
                if n < 0, errno == EINTR { continue }
                guard n > 0 else {
                    failure = n < 0 ? String(cString: strerror(errno)) : "shorter than what was written to it"
                    break
                }
                done += n
            }
            count = done
        }
        if let failure { throw .io(path, reason: failure) }
        return bytes[...]
    }

    /// Empties the file (the run's end: every record is in its database).
    func truncate() throws(RunLogError) {
        guard ftruncate(fd, 0) == 0 else { throw .io(path, reason: String(cString: strerror(errno))) }
    }
}
