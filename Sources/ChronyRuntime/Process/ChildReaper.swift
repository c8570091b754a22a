/// The one place that calls `waitpid`. Every child chronyvisor starts is spawned through
/// `spawn` and collected through `waitForExit`, so exit statuses are never stolen.
///
/// Two modes:
/// - own children (default, for CLI commands and tests): `waitForExit` waits for that pid only,
///   leaving other children of the process alone.
/// - reap all (`reapAll()`, for the supervisor as PID 1 or child subreaper): one thread waits
///   for any child; statuses of pids we spawned are handed to their waiters, everything else
///   (orphans re-parented to us) is reaped and counted.
public final class ChildReaper: @unchecked Sendable {
    /// The process-wide reaper.
    public static let shared = ChildReaper()

    private let condition = Condition()
    private var reapingAll = false
    /// Pids spawned by us and not yet collected.
    private var ours: Set<pid_t> = []
    /// Statuses collected by the reaper thread, waiting for `waitForExit`.
    private var finished: [pid_t: ChildExit] = [:]
    /// Async waiters (`exit(of:)`) in reap-all mode, resumed by the reaper thread.
    private var waiters: [pid_t: CheckedContinuation<ChildExit, Never>] = [:]
    private var orphans = 0

    /// Orphaned descendants reaped so far (reap-all mode).
    public var orphansReaped: Int {
        condition.lock()
        defer { condition.unlock() }
        return orphans
    }

    /// Switches to reap-all mode and starts the reaper thread. Idempotent.
    public func reapAll() {
        condition.lock()
        defer { condition.unlock() }
        guard !reapingAll else { return }
        reapingAll = true
        BlockingWork.start { [self] in reapLoop() }
    }

    /// Starts `path` with `arguments` through posix_spawn, registering the pid atomically
    /// with respect to the reaper thread.
    public func spawn(_ path: String, arguments: [String], options: SpawnOptions = SpawnOptions()) throws(SpawnError) -> pid_t {
        condition.lock()
        defer { condition.unlock() }
        let pid = try Spawner.spawn(path, arguments: arguments, options: options)
        ours.insert(pid)
        condition.broadcast()
        return pid
    }

    /// A pipe whose both ends are close-on-exec, made under the spawn lock so no child
    /// started by another thread can inherit it (which would keep it open past EOF).
    public func makePipe() -> [Int32]? {
        condition.lock()
        defer { condition.unlock() }
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return nil }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return fds
    }

    /// Blocks until `pid` (spawned by `spawn`) ends, and returns how.
    public func waitForExit(_ pid: pid_t) -> ChildExit {
        condition.lock()
        if reapingAll {
            while finished[pid] == nil { condition.wait() }
            let exit = finished.removeValue(forKey: pid)!
            ours.remove(pid)
            condition.unlock()
            return exit
        }
        condition.unlock()
        var status: Int32 = 0
        guard (try? systemCall("waitpid", { waitpid(pid, &status, 0) })) != nil else {
            // Already collected elsewhere: report it as lost rather than hang.
            return .exited(255)
        }
        condition.lock()
        ours.remove(pid)
        condition.unlock()
        return ChildExit(waitStatus: status)
    }

    /// Returns the exit of `pid` if it has ended, without blocking.
    public func exitIfFinished(_ pid: pid_t) -> ChildExit? {
        condition.lock()
        defer { condition.unlock() }
        if reapingAll {
            guard let exit = finished.removeValue(forKey: pid) else { return nil }
            ours.remove(pid)
            return exit
        }
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
        ours.remove(pid)
        return ChildExit(waitStatus: status)
    }

    /// Awaits the end of `pid` without blocking a Swift concurrency thread. In reap-all mode
    /// the reaper thread resumes the waiter itself (no thread per wait); otherwise a thread
    /// blocks in `waitpid` for it.
    public func exit(of pid: pid_t) async -> ChildExit {
        await withCheckedContinuation { continuation in
            condition.lock()
            if reapingAll {
                if let exit = finished.removeValue(forKey: pid) {
                    ours.remove(pid)
                    condition.unlock()
                    continuation.resume(returning: exit)
                } else {
                    waiters[pid] = continuation
                    condition.unlock()
                }
                return
            }
            condition.unlock()
            BlockingWork.start { [self] in continuation.resume(returning: waitForExit(pid)) }
        }
    }

    private func reapLoop() {
        while true {
            var status: Int32 = 0
            guard let pid = try? systemCall("waitpid", { waitpid(-1, &status, 0) }) else {
                // ECHILD: nothing to wait for yet; sleep until a spawn or a short timeout
                // (an orphan may be re-parented to us meanwhile).
                condition.lock()
                condition.wait(seconds: 0.2)
                condition.unlock()
                continue
            }
            condition.lock()
            var waiter: CheckedContinuation<ChildExit, Never>?
            if ours.contains(pid) {
                waiter = waiters.removeValue(forKey: pid)
                if waiter != nil {
                    ours.remove(pid)
                } else {
                    finished[pid] = ChildExit(waitStatus: status)
                }
            } else {
                orphans += 1
            }
            condition.broadcast()
            condition.unlock()
            waiter?.resume(returning: ChildExit(waitStatus: status))
        }
    }
}
