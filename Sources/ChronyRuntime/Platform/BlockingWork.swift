import NIOPosix

/// The one way ChronyRuntime leaves the async world for work that blocks a thread (a
/// blocking `read`, `poll`, `waitpid`, or a loop made of them): NIO's thread pool, already
/// linked for the HTTP server. Swift's cooperative pool must never block.
///
/// The pool is the process's own, not `NIOThreadPool.singleton`: some of the work runs for
/// the process's lifetime (the signal relay, the reaper, chronyd's output), and the
/// singleton has one thread per core, which such loops would take from short jobs.
public enum BlockingWork {
    /// Threads for lifelong loops plus short jobs: the supervisor keeps at most four loops
    /// (signals, reaping, chronyd's stdout and stderr); the rest serve one-off calls.
    static let pool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 12)
        pool.start()
        return pool
    }()

    /// Runs `body` on a pool thread and returns what it returns.
    public static func run<Result: Sendable>(_ body: @escaping @Sendable () throws -> Result) async throws -> Result {
        try await pool.runIfActive(body)
    }

    /// Runs `body` on a pool thread and returns what it returns (for work that cannot fail).
    public static func run<Result: Sendable>(_ body: @escaping @Sendable () -> Result) async -> Result {
        await withCheckedContinuation { continuation in
            pool.submit { _ in continuation.resume(returning: body()) }
        }
    }

    /// Starts `body` on a pool thread without waiting for it: a loop that lives as long as
    /// the process (or until its descriptor closes).
    public static func start(_ body: @escaping @Sendable () -> Void) {
        pool.submit { _ in body() }
    }
}
