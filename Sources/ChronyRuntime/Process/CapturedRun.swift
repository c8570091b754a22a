#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A short-lived command run to completion with its output captured: chronyc, chronyd -p.
/// The command is killed (SIGKILL) when it outlives its timeout, so a stuck peer can never
/// hang the caller.
public struct CapturedRun: Sendable {
    public let stdout: String
    public let stderr: String
    public let status: ChildExit

    /// Runs `path` with `arguments`; stdin is /dev/null.
    public static func run(_ path: String, arguments: [String], timeout: Duration,
                           environment: [String: String]? = nil) throws(CapturedRunError) -> CapturedRun {
        guard let out = ChildReaper.shared.makePipe() else { throw .cannotStart(path, "pipe: \(String(cString: strerror(errno)))") }
        guard let err = ChildReaper.shared.makePipe() else {
            close(out[0]); close(out[1])
            throw .cannotStart(path, "pipe: \(String(cString: strerror(errno)))")
        }
        let devNull = open("/dev/null", O_RDONLY | O_CLOEXEC)
        defer { if devNull >= 0 { close(devNull) } }
        let pid: pid_t
        do {
            pid = try ChildReaper.shared.spawn(path, arguments: arguments, options: SpawnOptions(
                stdin: devNull >= 0 ? devNull : nil, stdout: out[1], stderr: err[1], environment: environment))
        } catch {
            [out[0], out[1], err[0], err[1]].forEach { close($0) }
            throw .cannotStart(path, String(cString: strerror(error.errno)))  // SpawnError's text already names the path
        }
        close(out[1])
        close(err[1])
        defer { close(out[0]); close(err[0]) }

        let deadline = ContinuousClock.now.advanced(by: timeout)
        var buffers: [Int32: [UInt8]] = [out[0]: [], err[0]: []]
        var open = [out[0], err[0]]
        var timedOut = false
        while !open.isEmpty {
            let remaining = ContinuousClock.now.duration(to: deadline)
            if remaining <= .zero { timedOut = true; break }
            let ms = Int32(min(remaining.wholeMilliseconds + 1, 60_000))
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&fds, nfds_t(fds.count), ms)
            if ready < 0 && errno == EINTR { continue }
            if ready <= 0 { continue }
            for entry in fds where entry.revents != 0 {
                var chunk = [UInt8](repeating: 0, count: 65536)
                let n = read(entry.fd, &chunk, chunk.count)
                if n > 0 {
                    buffers[entry.fd]!.append(contentsOf: chunk[0..<n])
                } else if n == 0 || (errno != EINTR && errno != EAGAIN) {
                    open.removeAll { $0 == entry.fd }
                }
            }
        }
        if timedOut {
            kill(pid, SIGKILL)
            _ = ChildReaper.shared.waitForExit(pid)
            throw .timedOut(path, timeout)
        }
        let status = ChildReaper.shared.waitForExit(pid)
        return CapturedRun(
            stdout: String(decoding: buffers[out[0]]!, as: UTF8.self),
            stderr: String(decoding: buffers[err[0]]!, as: UTF8.self),
            status: status)
    }
}

/// A captured command could not be started or did not finish in time.
public enum CapturedRunError: Error, Sendable, CustomStringConvertible {
    case cannotStart(String, String)
    case timedOut(String, Duration)

    public var description: String {
        switch self {
        case .cannotStart(let path, let why): return "cannot start \(path): \(why)"
        case .timedOut(let path, let timeout): return "\(path) did not answer within \(timeout) and was killed"
        }
    }
}
