/// The supervisor's latest verdict as a small text file in chronyd's run directory, so that
/// `chronyvisor health` — which Docker, podman and Kubernetes exec every few seconds — reads
/// one file instead of asking over HTTP (no connection, no HTTP or JSON parsing, no answer to
/// wait for). It says what `/healthz` and `/readyz` would answer at that moment.
///
/// Line-oriented, one `key value` per line, written whole and renamed into place:
///
///     chronyvisor-verdict 1
///     pid 1
///     written 734118023451
///     stale-after 15000000000
///     state degraded
///     live true
///     ready true
///     reason serving its local clock at stratum 8
///
/// `written` is CLOCK_MONOTONIC in nanoseconds, which every process of the machine (and of a
/// container) shares and which no clock step moves; a record older than `stale-after` (the
/// supervisor's poll interval plus a margin: it rewrites the file after every poll) or from a
/// process that is gone says nothing, and `health` asks the supervisor over HTTP instead.
public struct VerdictRecord: Sendable, Equatable {
    /// The file's name in the run directory (CHRONY_RUN_DIR).
    public static let fileName = "chronyvisor.health"
    static let header = "chronyvisor-verdict 1"

    /// The supervisor that wrote it.
    public var pid: Int32
    /// CLOCK_MONOTONIC at writing, nanoseconds.
    public var writtenAt: Int64
    /// How long after `writtenAt` the record still counts, nanoseconds.
    public var staleAfter: Int64
    public var verdict: HealthVerdict
    /// Whether `/readyz` says ready (the supervisor's HEALTH_DEGRADED_OK applied).
    public var ready: Bool

    public init(pid: Int32, writtenAt: Int64, staleAfter: Int64, verdict: HealthVerdict, ready: Bool) {
        self.pid = pid
        self.writtenAt = writtenAt
        self.staleAfter = staleAfter
        self.verdict = verdict
        self.ready = ready
    }

    /// The answer of `/readyz`, or of `/healthz` when `liveness` (ready means live there).
    public func answer(liveness: Bool) -> HealthAnswer {
        HealthAnswer(verdict, ready: liveness ? verdict.live : ready)
    }

    /// Whether the record still speaks for the supervisor at monotonic time `now`. Total over
    /// every value a file may hold: an age too large for an Int64 is simply stale.
    public func isFresh(now: Int64) -> Bool {
        let (age, overflow) = now.subtractingReportingOverflow(writtenAt)
        return writtenAt <= now && !overflow && age <= staleAfter
    }

    /// The file's text. Line breaks inside a reason become spaces (one reason, one line).
    public var text: String {
        var lines = [Self.header, "pid \(pid)", "written \(writtenAt)", "stale-after \(staleAfter)",
                     "state \(verdict.state.rawValue)", "live \(verdict.live)", "ready \(ready)"]
        for reason in verdict.reasons {
            lines.append("reason " + String(reason.map { $0.isNewline ? " " : $0 }))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The record in `text`, or nil when it is not one this version wrote whole.
    public static func parse(_ text: String) -> VerdictRecord? {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.first.map(String.init) == header, lines.last == "" else { return nil }
        lines.removeFirst()
        lines.removeLast()
        var pid: Int32?, written: Int64?, staleAfter: Int64?, state: HealthState?, live: Bool?, ready: Bool?
        var reasons: [String] = []
        for line in lines {
            guard let space = line.firstIndex(of: " ") else { return nil }
            let value = String(line[line.index(after: space)...])
            switch line[..<space] {
            case "pid": pid = Int32(value)
            case "written": written = Int64(value)
            case "stale-after": staleAfter = Int64(value)
            case "state": state = HealthState(rawValue: value)
            case "live": live = Bool(value)
            case "ready": ready = Bool(value)
            case "reason": reasons.append(value)
            default: return nil
            }
        }
        guard let pid, pid > 0, let written, let staleAfter, staleAfter >= 0, let state, let live, let ready else {
            return nil
        }
        return VerdictRecord(pid: pid, writtenAt: written, staleAfter: staleAfter,
                             verdict: HealthVerdict(state: state, live: live, reasons: reasons), ready: ready)
    }
}
