import Dispatch

/// A task executor with a thread of its own: a serial dispatch queue, which runs on an
/// overcommitting root queue and so gets a thread even while every thread of the shared
/// cooperative pool is blocked. The synchronous real-process tests block those threads for
/// seconds at a time on a 2-core machine (a sync test runs on the pool), which starved the
/// in-process async tests (the HTTP server, the supervisor) for minutes.
final class OwnThreadExecutor: TaskExecutor {
    private let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

/// Runs `body`, and the tasks it creates, on an executor of its own rather than the shared
/// cooperative pool (see `OwnThreadExecutor`).
func onOwnThread<T: Sendable>(_ label: String = "chronyvisor-test", _ body: () async throws -> T) async throws -> T {
    try await withTaskExecutorPreference(OwnThreadExecutor(label: label), operation: body)
}
