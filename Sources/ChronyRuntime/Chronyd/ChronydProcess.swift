import Logging

/// Starts chronyd through `ChildReaper` and forwards what it prints into our log.
public enum ChronydProcess {
    /// A started chronyd: its pid and the end of its output.
    public struct Spawned: Sendable {
        public let pid: pid_t
        private let outputClosed: Latch

        init(pid: pid_t, outputClosed: Latch) {
            self.pid = pid
            self.outputClosed = outputClosed
        }

        /// Waits until every line chronyd wrote has been logged (its output reached EOF), at
        /// most `timeout` (a descendant may hold the pipe open).
        public func outputDrained(timeout: Duration) async {
            let seconds = timeout.inSeconds
            _ = await BlockingWork.run { [outputClosed] in outputClosed.wait(seconds: seconds) }
        }
    }

    /// Spawns `command` with stdin on /dev/null and stdout/stderr on a pipe whose lines a
    /// thread logs under the label `chronyd` (metadata `source=chronyd`, `pid`) until chronyd
    /// closes it. `ChildReaper.shared.exit(of:)` awaits chronyd's end.
    public static func launch(_ command: ChronydCommand) throws(SpawnError) -> Spawned {
        guard let output = ChildReaper.shared.makePipe() else {
            throw SpawnError(path: command.executable, errno: errno)
        }
        let devNull = open("/dev/null", O_RDONLY | O_CLOEXEC)
        defer { if devNull >= 0 { close(devNull) } }
        let pid: pid_t
        do {
            pid = try ChildReaper.shared.spawn(command.executable, arguments: command.arguments, options: SpawnOptions(
                stdin: devNull >= 0 ? devNull : nil, stdout: output[1], stderr: output[1],
                environment: command.environment))
        } catch {
            close(output[0])
            close(output[1])
            throw error
        }
        close(output[1])
        let closed = Latch()
        BlockingWork.start {
            forwardLines(from: output[0], pid: pid)
            closed.open()
        }
        return Spawned(pid: pid, outputClosed: closed)
    }

    private static func forwardLines(from fd: Int32, pid: pid_t) {
        defer { close(fd) }
        let logger = Logger(label: "chronyd")
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            guard let n = try? systemCall("read", { read(fd, &chunk, chunk.count) }), n > 0 else { break }
            pending.append(contentsOf: chunk[0..<n])
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                log(String(decoding: pending[..<newline], as: UTF8.self), pid: pid, logger: logger)
                pending.removeSubrange(...newline)
            }
        }
        if !pending.isEmpty { log(String(decoding: pending, as: UTF8.self), pid: pid, logger: logger) }
    }

    private static func log(_ line: String, pid: pid_t, logger: Logger) {
        let text = stripTimestamp(line)
        guard !text.isEmpty else { return }
        let level: Logger.Level = text.hasPrefix("Fatal error") ? .error : .info
        logger.log(level: level, "\(text)", metadata: ["source": "chronyd", "pid": "\(pid)"])
    }

    /// chronyd -d starts each line with its own `2026-11-27T03:40:00Z `; ours is enough.
    static func stripTimestamp(_ line: String) -> String {
        let bytes = Array(line.utf8)
        guard bytes.count > 21, bytes[4] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
            bytes[19] == UInt8(ascii: "Z"), bytes[20] == UInt8(ascii: " ")
        else { return line }
        return String(decoding: bytes[21...], as: UTF8.self)
    }
}
