import ChronyKit

/// The supervisor's verdict file (`VerdictRecord`) in chronyd's run directory: `run` writes it
/// after every poll and removes it when it starts, stops and ends; `VerdictSource` reads it.
/// Its stamps are on the clock `SystemExchangeClock.monotonicNanoseconds` reads.
public struct VerdictFile: Sendable {
    public let path: String
    /// Written first, then renamed over `path`. Its `.tmp` suffix is one the run directory's
    /// take-over check accepts, should a kill leave it behind.
    var temporaryPath: String { path + ".tmp" }

    public init(runDirectory: String) {
        path = runDirectory + "/" + VerdictRecord.fileName
    }

    /// Replaces the file with `record` (no fsync: a record outlives neither its writer nor
    /// a reboot, so a torn write after a crash is harmless and is refused by `parse`).
    public func write(_ record: VerdictRecord) throws(SystemCallError) {
        let fd = try systemCall("open") {
            open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
        }
        do throws(SystemCallError) {
            try SystemFile.writeAll(fd, Array(record.text.utf8))
            close(fd)
            _ = try systemCall("rename") { rename(temporaryPath, path) }
        } catch {
            close(fd)
            unlink(temporaryPath)
            throw error
        }
    }

    /// Removes the file (and a temporary one a kill left behind); missing files are fine.
    public func remove() {
        unlink(path)
        unlink(temporaryPath)
    }

    /// The answer the record gives (`/healthz`'s when `liveness`, else `/readyz`'s), or nil
    /// when there is no record, it is not whole, it is stale, or its writer is gone.
    public func answer(liveness: Bool) -> HealthAnswer? {
        guard let bytes = try? SystemFile.bytes(at: path),
              let record = VerdictRecord.parse(String(decoding: bytes, as: UTF8.self)),
              record.isFresh(now: SystemExchangeClock().monotonicNanoseconds()),
              kill(record.pid, 0) == 0 || errno == EPERM else { return nil }
        return record.answer(liveness: liveness)
    }
}
