import ChronyRuntime
import Foundation
import Synchronization

/// A real chronyd for tests, on loopback, always with -x (it never touches the clock).
/// Each instance has its own temporary directory (mode 0700, as chronyd requires for its
/// command socket), its own UDP port and its own log. Stopped by pid in `stop()`/deinit.
final class LocalChronyd: @unchecked Sendable {
    let directory: URL
    let address: String
    let port: UInt16
    let configFile: URL
    let logFile: URL
    private(set) var pid: pid_t = 0
    private var stopped = true

    /// chronyd's Unix command socket.
    var socketPath: String { directory.appendingPathComponent("chronyd.sock").path }

    /// A reference server: serves its own clock at stratum 1 (`local stratum 1`).
    static func reference(address: String = "127.0.0.1", port: UInt16? = nil) throws -> LocalChronyd {
        try LocalChronyd(address: address, port: port, directives: ["local stratum 1"])
    }

    /// A client of `servers` (each "address port") that also serves on its own port.
    static func client(of servers: [LocalChronyd], address: String = "127.0.0.1", port: UInt16? = nil,
                       extra: [String] = []) throws -> LocalChronyd {
        let lines = servers.map { "server \($0.address) port \($0.port) iburst minpoll -2 maxpoll 0" }
        return try LocalChronyd(address: address, port: port, directives: lines + extra)
    }

    /// Writes the config and starts chronyd; waits until the command socket answers.
    init(address: String = "127.0.0.1", port: UInt16? = nil, directives: [String]) throws {
        self.address = address
        self.port = port ?? TestPorts.next()
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("chronyvisor-test-\(getpid())-\(self.port)-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        configFile = directory.appendingPathComponent("chrony.conf")
        logFile = directory.appendingPathComponent("chronyd.log")
        let config = directives + [
            "port \(self.port)",
            "bindaddress \(address)",
            "allow 127.0.0.0/8",
            "cmdport 0",
            "bindcmdaddress \(socketPath)",
            "pidfile \(directory.appendingPathComponent("chronyd.pid").path)",
        ]
        try (config.joined(separator: "\n") + "\n").write(to: configFile, atomically: true, encoding: .utf8)
        try start()
    }

    /// (Re)starts chronyd with the same config. Always `-x`: the clock is never touched.
    func start() throws {
        let log = open(logFile.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        defer { close(log) }
        let chronyd = Executables.find("chronyd", fallbacks: ["/usr/sbin/chronyd"]) ?? "/usr/sbin/chronyd"
        pid = try ChildReaper.shared.spawn(chronyd, arguments: ["-x", "-d", "-u", "root", "-f", configFile.path],
                                           options: SpawnOptions(stdout: log, stderr: log))
        stopped = false
        try waitUntil(timeout: 10, "command socket of chronyd on port \(port) answers") {
            (try? chronyc(["tracking"]))?.status == .exited(0)
        }
    }

    /// Runs chronyc against this chronyd's socket.
    func chronyc(_ arguments: [String]) throws -> CapturedRun {
        let chronyc = Executables.find("chronyc", fallbacks: ["/usr/bin/chronyc"]) ?? "/usr/bin/chronyc"
        return try CapturedRun.run(chronyc, arguments: ["-h", socketPath] + arguments, timeout: .seconds(5))
    }

    /// Stops chronyd (SIGTERM, then SIGKILL after 3 s) and collects it.
    func stop() {
        guard !stopped else { return }
        stopped = true
        kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + .seconds(3)
        while ContinuousClock.now < deadline {
            if ChildReaper.shared.exitIfFinished(pid) != nil { return }
            usleep(20_000)
        }
        kill(pid, SIGKILL)
        _ = ChildReaper.shared.waitForExit(pid)
    }

    /// The log chronyd wrote, for failure messages.
    var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Distinct ports for the tests of one run (they run in parallel), each checked free on
/// loopback for both UDP (NTP) and TCP (HTTP) before it is handed out: another helper's
/// process, or a previous run's lingering socket, may hold one.
enum TestPorts {
    private static let counter = Atomic<UInt16>(UInt16(20000 + Int(getpid() % 500) * 40))
    static func next() -> UInt16 {
        while true {
            let port = counter.add(1, ordering: .relaxed).newValue
            if isFree(port, type: Int32(SOCK_DGRAM.rawValue)) && isFree(port, type: Int32(SOCK_STREAM.rawValue)) { return port }
        }
    }

    /// Whether `port` can be bound on 127.0.0.1 (any address in 127/8 then is, barring a
    /// bind to that one address).
    static func isFree(_ port: UInt16, type: Int32) -> Bool {
        let fd = socket(AF_INET, type, 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}

struct TimedOut: Error, CustomStringConvertible {
    let what: String
    var description: String { "timed out waiting until \(what)" }
}

/// How much longer than their nominal timeouts the test waits may take:
/// `CHRONYVISOR_TEST_TIME_SCALE` (default 1; e.g. 3 on a very slow machine).
let testTimeScale: Double = {
    guard let text = ProcessInfo.processInfo.environment["CHRONYVISOR_TEST_TIME_SCALE"], let scale = Double(text), scale >= 1
    else { return 1 }
    return scale
}()

/// Polls `condition` every 50 ms until it holds, or throws after `timeout` seconds (times
/// `testTimeScale`) on the monotonic clock. An error thrown by `condition` (a chronyc that
/// timed out on a loaded machine, a socket not yet open) counts as "not yet": the wait goes
/// on, and only when the deadline passes is the last error reported with `what`.
func waitUntil(timeout: Double, _ what: @autoclosure () -> String, _ condition: () throws -> Bool) throws {
    let deadline = ContinuousClock.now + .milliseconds(Int(timeout * testTimeScale * 1000))
    var lastError: (any Error)?
    repeat {
        do {
            if try condition() { return }
            lastError = nil
        } catch {
            lastError = error
        }
        usleep(50_000)
    } while ContinuousClock.now < deadline
    throw TimedOut(what: what() + (lastError.map { "\n--- last error: \($0)" } ?? ""))
}

/// `waitUntil` for async tests: sleeps with Task.sleep so the cooperative pool stays free.
func waitUntilAsync(timeout: Double, _ what: @autoclosure () -> String, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .milliseconds(Int(timeout * testTimeScale * 1000))
    var lastError: (any Error)?
    repeat {
        do {
            if try await condition() { return }
            lastError = nil
        } catch {
            lastError = error
        }
        try await Task.sleep(for: .milliseconds(50))
    } while ContinuousClock.now < deadline
    throw TimedOut(what: what() + (lastError.map { "\n--- last error: \($0)" } ?? ""))
}

/// Runs blocking work (a blocking socket client, a process wait) on its own thread so that
/// async tests do not starve the cooperative pool that servers under test need.
func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}
