/// Why reading reports from chronyd through chronyc failed. Every case ends a command with
/// exit status 1 and one line; the connection cases read
/// `cannot reach chronyd at SOCKET: REASON`.
public enum ChronycError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No chronyc executable was found (or it could not be started).
    case cannotStart(executable: String, reason: String)
    /// chronyc did not finish within the timeout and was killed (chronyd stopped or hung).
    case timedOut(socket: String, timeout: Duration)
    /// `Could not open connection to daemon`: no socket, or nothing listens on it.
    case cannotConnect(socket: String)
    /// `506 Cannot talk to daemon`: chronyd did not answer.
    case noAnswer(socket: String)
    /// `501 Not authorised`: the report needs chronyd's Unix command socket.
    case notAuthorised(socket: String)
    /// `508 Bad reply`, `517 Protocol version mismatch` or `518 Packet length mismatch`:
    /// chronyc and chronyd are different versions.
    case versionMismatch(socket: String, answer: String)
    /// Another `5xx` answer from chronyd.
    case daemonError(socket: String, answer: String)
    /// chronyc failed in another way (exit status and its last words).
    case failed(socket: String, status: String, message: String)
    /// chronyc answered, but not in the CSV shape chronyvisor knows.
    case malformed(ReportParseError)

    public var description: String {
        switch self {
        case .cannotStart(let executable, let reason):
            return "cannot run chronyc (\(executable)): \(reason)"
        case .timedOut(let socket, let timeout):
            return "cannot reach chronyd at \(socket): no answer within \(Self.seconds(timeout)) s (chronyc was killed)"
        case .cannotConnect(let socket):
            return "cannot reach chronyd at \(socket): Could not open connection to daemon (is chronyd running?)"
        case .noAnswer(let socket):
            return "cannot reach chronyd at \(socket): 506 Cannot talk to daemon"
        case .notAuthorised(let socket):
            return "cannot reach chronyd at \(socket): 501 Not authorised (this report needs chronyd's Unix command socket)"
        case .versionMismatch(let socket, let answer):
            return "cannot reach chronyd at \(socket): \(answer) (chronyc and chronyd versions differ)"
        case .daemonError(let socket, let answer):
            return "chronyd at \(socket) answered: \(answer)"
        case .failed(let socket, let status, let message):
            return "chronyc failed for \(socket) (\(status))\(message.isEmpty ? "" : ": \(message)")"
        case .malformed(let error):
            return error.description
        }
    }

    /// True when chronyd could not be reached at all (down, hung, or no socket).
    public var isUnreachable: Bool {
        switch self {
        case .timedOut, .cannotConnect, .noAnswer: return true
        default: return false
        }
    }

    static func seconds(_ duration: Duration) -> String {
        let (s, atto) = duration.components
        let millis = atto / 1_000_000_000_000_000
        if millis == 0 { return "\(s)" }
        var fraction = String(millis)
        fraction = String(repeating: "0", count: 3 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(s).\(fraction)"
    }

    /// Classifies a finished chronyc run that did not succeed (`exitCode` != 0), from what it
    /// printed: failure answers are `NNN text` lines on stdout, connection errors on stderr.
    public static func classify(exitDescription: String, stdout: String, stderr: String, socket: String) -> ChronycError {
        if stderr.contains("Could not open connection to daemon") { return .cannotConnect(socket: socket) }
        let answer = stdout.split(separator: "\n").last { line in
            line.count >= 4 && line.utf8.prefix(3).allSatisfy { (0x30...0x39).contains($0) }
                && line.utf8.first == UInt8(ascii: "5") && line.utf8.dropFirst(3).first == UInt8(ascii: " ")
        }.map(String.init)
        if let answer {
            switch answer.prefix(3) {
            case "506": return .noAnswer(socket: socket)
            case "501": return .notAuthorised(socket: socket)
            case "508", "517", "518": return .versionMismatch(socket: socket, answer: answer)
            default: return .daemonError(socket: socket, answer: answer)
            }
        }
        let lastWords = (stderr.split(separator: "\n").last ?? stdout.split(separator: "\n").last).map(String.init) ?? ""
        return .failed(socket: socket, status: exitDescription, message: lastWords)
    }
}

extension ChronycError: ReportableError {
    /// Always 1 (a general failure): chronyd is down, unreachable or answered wrongly.
    public var exitCode: Int32 { ExitStatus.failure }
}
