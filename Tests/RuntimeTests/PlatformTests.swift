import ChronyRuntime
import Foundation
import Testing

/// The platform layer: the system-call wrapper's typed errors, whole-file reads and atomic
/// writes, the latch, and blocking work off the async pool.
@Suite struct PlatformTests {
    /// Resident kB of this process's own code (the executable's r-xp mapping), from smaps.
    static func residentCodeKB() throws -> Int {
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        var inCode = false
        var total = 0
        for line in try String(contentsOfFile: "/proc/self/smaps", encoding: .utf8).split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.first?.contains("-") == true && fields.count >= 5 {
                inCode = fields.count == 6 && fields[1] == "r-xp" && fields[5] == executable
            } else if inCode, fields.first == "Rss:", fields.count >= 2, let kb = Int(fields[1]) {
                total += kb
            }
        }
        return total
    }

    /// `run` gives back its start-up pages: the code stops being resident and keeps running
    /// (what it calls next comes back from the file).
    @Test func startupPagesAreGivenBackAndCodeStillRuns() throws {
        let before = try Self.residentCodeKB()
        let advised = try #require(ExecutablePages.release(), "madvise refused (Linux before 5.4?)")
        let after = try Self.residentCodeKB()
        #expect(advised > 0)
        #expect(before > 0)
        #expect(after < before, "resident code \(before) kB -> \(after) kB")
        #expect(try SystemFile.text(at: "/proc/self/comm").isEmpty == false)
    }

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
