import ChronyRuntime
import Logging
import Synchronization
import Testing

/// The second release of the executable's pages: not before the supervisor is ready, once
/// after it settled, and the service keeps running (a returning service is not a failure).
@Suite struct SteadyStatePagesTests {
    final class Calls: Sendable {
        let count = Atomic(0)
    }

    @Test func releasesOnceAfterReadinessAndKeepsRunning() async throws {
        let calls = Calls()
        let state = SupervisorState()
        let service = SteadyStatePages(settle: .milliseconds(10), check: .milliseconds(5),
                                       logger: Logger(label: "test")) {
            calls.count.add(1, ordering: .relaxed)
            return 4096
        }
        let started = Atomic(false)
        let task = Task { try await service.run(state: state) { started.store(true, ordering: .relaxed) } }
        defer { task.cancel() }
        // 120 s as the other async waits: the synchronous tests that run beside this one block
        // the cooperative pool's threads (two on a 2-core machine) while they wait for their
        // processes, so a new task may wait that long for a thread.
        try await waitUntilAsync(timeout: 120, "the service started") { started.load(ordering: .relaxed) }
        // Not ready: polls and scrapes of start-up are still to come; nothing is released.
        // (What is checked is the order of events, not a time: readiness comes after this read.)
        #expect(calls.count.load(ordering: .relaxed) == 0)
        state.update { $0.ready = true }
        try await waitUntilAsync(timeout: 120, "one release after readiness") { calls.count.load(ordering: .relaxed) == 1 }
        #expect(calls.count.load(ordering: .relaxed) == 1)
        task.cancel()
        _ = try? await task.value
        #expect(calls.count.load(ordering: .relaxed) == 1)
    }
}
