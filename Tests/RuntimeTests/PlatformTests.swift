import ChronyRuntime
import Foundation
import Testing

/// The platform layer: the system-call wrapper's typed errors, whole-file reads and atomic
/// writes, the latch, and blocking work off the async pool.
@Suite struct PlatformTests {
    @Test func failedCallsBecomeTypedErrorsNamingTheCall() throws {
        #expect(throws: SystemCallError(call: "open", errno: ENOENT)) {
            try SystemFile.bytes(at: "/nonexistent/chronyvisor-platform-test")
        }
        let error = SystemCallError(call: "open", errno: ENOENT)
        #expect(error.description == "open: No such file or directory")
    }

    @Test func atomicWriteCreatesParentsAndReadsBack() throws {
        let directory = try SystemFile.makeTemporaryDirectory("chronyvisor-platform")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/a/b/chrony.conf"
        try SystemFile.writeAtomically("one\n", to: path)
        try SystemFile.writeAtomically("two ü\n", to: path)
        #expect(try SystemFile.text(at: path) == "two ü\n")
        // No temporary file is left beside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory + "/a/b") == ["chrony.conf"])
    }

    @Test func writingIntoAFileAsADirectoryFails() throws {
        let directory = try SystemFile.makeTemporaryDirectory("chronyvisor-platform")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try SystemFile.writeAtomically("x", to: directory + "/file")
        #expect(throws: SystemCallError.self) { try SystemFile.writeAtomically("y", to: directory + "/file/inner") }
    }

    @Test func latchWaitsUntilOpenedOrTimesOut() async {
        let latch = Latch()
        #expect(latch.wait(seconds: 0.05) == false)
        let opened = await withTaskGroup(of: Bool.self) { group in
            group.addTask { await BlockingWork.run { latch.wait(seconds: 60) } }
            group.addTask {
                try? await Task.sleep(for: .milliseconds(50))
                latch.open()
                return true
            }
            return await group.reduce(true) { $0 && $1 }
        }
        #expect(opened)
        #expect(latch.wait(seconds: 0))
    }

    @Test func blockingWorkReturnsAndThrows() async throws {
        #expect(await BlockingWork.run { 6 * 7 } == 42)
        await #expect(throws: SystemCallError.self) {
            try await BlockingWork.run { try SystemFile.bytes(at: "/nonexistent/x") }
        }
    }
}
