/// The exit statuses of `chronyvisor probe`.
public enum ProbeExit {
    /// At least one good sample.
    public static let goodSample: Int32 = 0
    /// No answer at all (also: the host name could not be resolved).
    public static let noAnswer: Int32 = 1
    /// Answers came, but every one was invalid (dropped) or a refusal.
    public static let onlyInvalidOrRefused: Int32 = 2
    /// A command-line error.
    public static let usage: Int32 = ExitStatus.usage
}

/// What a probe run has seen so far: requests sent, samples (offset and delay), refusals
/// and dropped datagrams; from it the summary and the exit status. Keeps two doubles per
/// good sample (16 bytes), for the medians.
public struct ProbeTally: Sendable {
    public private(set) var sent = 0
    public private(set) var offsets: [Double] = []
    public private(set) var delays: [Double] = []
    /// Refusals by kind: a kiss code (`RATE`, `DENY`, …) or `unsynchronised`.
    public private(set) var refusals: [String: Int] = [:]
    /// Datagrams dropped by the reply checks (wrong origin, short, …).
    public private(set) var invalid = 0

    public init() {}

    /// Counts one exchange (one request sent).
    public mutating func record(_ outcome: NTPExchangeOutcome) {
        sent += 1
        invalid += outcome.dropped.count
        switch outcome.result {
        case .sample(let sample):
            offsets.append(sample.offset)
            delays.append(sample.delay)
        case .refused(let refusal, _):
            refusals[Self.kind(of: refusal), default: 0] += 1
        case .noAnswer:
            break
        }
    }

    /// Good samples.
    public var good: Int { offsets.count }
    /// Refusals of every kind.
    public var refused: Int { refusals.values.reduce(0, +) }
    /// Requests answered by a reply to them: a time or a refusal.
    public var answered: Int { good + refused }
    /// Requests with no reply to them.
    public var lost: Int { sent - answered }

    /// 0 with a good sample; else 2 when anything came back (invalid or refusing); else 1.
    public var exitStatus: Int32 {
        if good > 0 { return ProbeExit.goodSample }
        if refused > 0 || invalid > 0 { return ProbeExit.onlyInvalidOrRefused }
        return ProbeExit.noAnswer
    }

    public var offsetSpread: Spread? { SampleStatistics.spread(offsets) }
    public var delaySpread: Spread? { SampleStatistics.spread(delays) }
    /// RMS of successive offset differences (see `SampleStatistics.jitter`).
    public var jitter: Double? { SampleStatistics.jitter(offsets) }

    static func kind(of refusal: NTPRefusal) -> String {
        switch refusal {
        case .kissOfDeath(let code): code
        case .unsynchronised: "unsynchronised"
        }
    }
}
