import ChronyRuntime
import Foundation
import Synchronization

/// `chronyvisor run` started by a test: the built binary, in its own temporary directory
/// (0755, so chronyd's user can reach the run and state directories inside it), with the
/// chrony paths, a free NTP port and a fast poll set; its stderr goes to a file the test reads.
/// Stopped by pid (and its chronyd pids killed) when the test is done.
final class RunningChronyvisor: @unchecked Sendable {
    let directory: URL
    let logFile: URL
    let environment: [String: String]
    private(set) var pid: pid_t = 0
    private var wrapped = false
    private var exit: ChildExit?

    var stateDirectory: String { directory.appendingPathComponent("state").path }
    var configFile: String { directory.appendingPathComponent("etc/chrony.conf").path }
    var runDirectory: String { directory.appendingPathComponent("run").path }

    /// - Parameters:
    ///   - environment: settings over the defaults below (NTP_SERVERS, CHRONYD_PATH …).
    ///   - wrapper: a command to run chronyvisor under (e.g. `unshare --pid --fork --mount-proc`).
    init(_ environment: [String: String], wrapper: [String] = [], start: Bool = true) throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("chronyvisor-run-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o755])
        logFile = directory.appendingPathComponent("chronyvisor.log")
        var env = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/sbin:/usr/bin:/sbin:/bin",
            "CHRONY_CONF": directory.appendingPathComponent("etc/chrony.conf").path,
            "CHRONY_RUN_DIR": directory.appendingPathComponent("run").path,
            "CHRONY_STATE_DIR": directory.appendingPathComponent("state").path,
            "CHRONY_CONF_DIR": directory.appendingPathComponent("conf.d").path,
            "NTP_PORT": String(TestPorts.next()),
            "NTP_ALLOW": "127.0.0.0/8",
            "NTP_MINPOLL": "-2",
            "NTP_MAXPOLL": "0",
            "POLL_INTERVAL": "200ms",
            "HEALTH_LISTEN": "127.0.0.1:\(TestPorts.next())",
        ]
        env.merge(environment) { $1 }
        self.environment = env
        if start { try self.start(wrapper: wrapper) }
    }

    func start(wrapper: [String] = []) throws {
        let log = open(logFile.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        defer { close(log) }
        let command = wrapper + [TestPaths.chronyvisor, "run"]
        wrapped = !wrapper.isEmpty
        pid = try ChildReaper.shared.spawn(command[0], arguments: Array(command.dropFirst()),
                                           options: SpawnOptions(stdout: log, stderr: log, environment: environment))
    }

    /// The port of the HTTP endpoints (HEALTH_LISTEN).
    var httpPort: Int { Int(environment["HEALTH_LISTEN"]!.split(separator: ":").last!)! }

    /// GETs `path` from the HTTP endpoints.
    func get(_ path: String) throws -> LoopbackHTTPClient.Response {
        try LoopbackHTTPClient.get(host: "127.0.0.1", port: httpPort, path: path, timeoutMilliseconds: 5000)
    }

    /// Everything chronyvisor (and chronyd through it) logged so far.
    var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    /// The log lines of chronyvisor's own events whose message starts with `message`.
    func events(_ message: String) -> [Substring] {
        log.split(separator: "\n").filter { $0.contains(" chronyvisor: \(message)") }
    }

    /// The value of `key=` in `line`.
    static func value(_ key: String, in line: Substring) -> String? {
        guard let range = line.range(of: " \(key)=") else { return nil }
        let rest = line[range.upperBound...]
        if rest.hasPrefix("\"") { return String(rest.dropFirst().prefix { $0 != "\"" }) }
        return String(rest.prefix { $0 != " " })
    }

    /// The pids of every chronyd chronyvisor started, in order.
    var chronydPIDs: [pid_t] {
        events("chronyd started").compactMap { Self.value("pid", in: $0).flatMap { pid_t($0) } }
    }

    /// The states chronyvisor went through, in order.
    var states: [String] {
        events("state changed").compactMap { Self.value("to", in: $0) }
    }

    func waitForLog(_ text: String, timeout: Double = 30) throws {
        try waitUntil(timeout: timeout, "chronyvisor logs \(text)\n--- log:\n\(log)") { log.contains(text) }
    }

    /// chronyvisor's pid: ours, or, under a wrapper such as unshare, the wrapper's child.
    var supervisorPID: pid_t {
        guard wrapped, let children = try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8),
            let child = children.split(separator: " ").first.flatMap({ pid_t($0) })
        else { return pid }
        return child
    }

    /// Sends `signal` to chronyvisor itself (from outside its PID namespace when wrapped).
    func signal(_ signal: Int32) { kill(supervisorPID, signal) }

    /// Waits for chronyvisor to end (SIGKILL after `timeout` seconds, and a failure).
    func waitForExit(timeout: Double = 30) throws -> ChildExit {
        if let exit { return exit }
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * testTimeScale * 1000))
        while ContinuousClock.now < deadline {
            if let done = ChildReaper.shared.exitIfFinished(pid) {
                exit = done
                return done
            }
            usleep(20_000)
        }
        kill(pid, SIGKILL)
        exit = ChildReaper.shared.waitForExit(pid)
        throw TimedOut(what: "chronyvisor exits\n--- log:\n\(log)")
    }

    deinit {
        if pid > 0, exit == nil {
            kill(pid, SIGKILL)
            _ = ChildReaper.shared.waitForExit(pid)
        }
        for chronyd in chronydPIDs { kill(chronyd, SIGKILL) }
        try? FileManager.default.removeItem(at: directory)
    }
}

/// A process with this pid exists (a zombie counts).
func processExists(_ pid: pid_t) -> Bool {
    kill(pid, 0) == 0 || errno == EPERM
}

/// A test script under Tests/RuntimeTests/Scripts.
func testScript(_ name: String) -> String {
    TestPaths.packageRoot.appendingPathComponent("Tests/RuntimeTests/Scripts/\(name)").path
}
