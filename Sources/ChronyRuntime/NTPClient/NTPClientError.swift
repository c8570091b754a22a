import ChronyKit
/// Why an NTP query gave no sample. Each is one readable line; the exit status is the
/// probe's "no answer" (1) except a refusal (2).
public enum NTPClientError: Error, Sendable, Hashable, ReportableError {
    /// The host name did not resolve (getaddrinfo's message).
    case resolution(host: String, detail: String)
    /// A socket call failed for a reason other than the network saying no.
    case socket(operation: String, errno: Int32)
    /// The server answered with a refusal (kiss-of-death, not synchronised).
    case refused(NTPRefusal)
    /// No reply to our request; `dropped` lists the datagrams rejected meanwhile.
    case noAnswer(NoAnswerReason, dropped: [NTPDropReason])

    public var description: String {
        switch self {
        case .resolution(let host, let detail):
            return "cannot resolve \(SettingError.escape(host)): \(detail)"
        case .socket(let operation, let code):
            return "\(operation) failed: \(String(cString: strerror(code)))"
        case .refused(let refusal):
            return "server refused: \(refusal)"
        case .noAnswer(let reason, let dropped):
            return dropped.isEmpty ? reason.description : "\(reason) (dropped \(dropped.count) invalid replies)"
        }
    }

    public var exitCode: Int32 {
        switch self {
        case .refused: return ProbeExit.onlyInvalidOrRefused
        case .noAnswer(_, let dropped) where !dropped.isEmpty: return ProbeExit.onlyInvalidOrRefused
        default: return ProbeExit.noAnswer
        }
    }
}
