import ChronyKit

/// What became of the requests of one load run, and the round-trip latencies of the
/// answered ones. Pure: the run feeds it, the report reads it.
struct LoadTally: Sendable, Equatable {
    /// Requests handed to the kernel.
    var sent = 0
    /// Requests the kernel refused to send (EAGAIN, ENOBUFS…): offered but never on the wire.
    var sendErrors = 0
    /// Genuine replies carrying the server's time.
    var answered = 0
    /// Genuine replies that refuse (kiss-of-death such as RATE, or an unsynchronised server).
    var refused = 0
    /// Datagrams that were not a believable reply (wrong origin, mode, short, T3 < T2…).
    var invalid = 0
    /// A second reply to a request already answered.
    var duplicates = 0
    /// Round trips of the answered requests, in nanoseconds.
    var latencies: [UInt64] = []

    /// Requests sent that got no reply at all before the run's reply timeout.
    var lost: Int { max(0, sent - answered - refused) }

    /// Lost and refused requests as a fraction of those sent (0 when none were sent).
    var lossRatio: Double { sent == 0 ? 0 : Double(sent - answered) / Double(sent) }

    /// The `fraction` quantile (0…1) of the latencies in microseconds, nearest rank; nil
    /// when nothing was answered.
    func latencyMicroseconds(quantile fraction: Double) -> Double? {
        LoadTally.quantile(of: latencies.sorted(), fraction).map { Double($0) / 1000 }
    }

    /// Nearest-rank quantile of an ascending array.
    static func quantile(of sorted: [UInt64], _ fraction: Double) -> UInt64? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}

/// One run's figures as printed: offered and achieved rates, outcome counts and latency
/// percentiles.
struct LoadReport: Sendable {
    var target: String
    var offeredRate: Double
    /// Seconds the schedule gave the sending, and seconds it really took (longer when the
    /// generator could not keep up: then the offered rate was not really offered).
    var scheduledSeconds: Double
    var sendSeconds: Double
    var tally: LoadTally

    /// Replies with time per second of sending.
    var answeredRate: Double { sendSeconds > 0 ? Double(tally.answered) / sendSeconds : 0 }

    /// Requests really sent per second.
    var sentRate: Double { sendSeconds > 0 ? Double(tally.sent) / sendSeconds : 0 }

    /// One flat JSON object of numbers (and the target), stable keys, for scripts.
    func json() -> String {
        let sorted = tally.latencies.sorted()
        func micro(_ q: Double) -> String {
            LoadTally.quantile(of: sorted, q).map { formatted(Double($0) / 1000, decimals: 1) } ?? "null"
        }
        let fields: [(String, String)] = [
            ("target", "\"\(target)\""),
            ("offered_rate", formatted(offeredRate, decimals: 1)),
            ("scheduled_seconds", formatted(scheduledSeconds, decimals: 3)),
            ("send_seconds", formatted(sendSeconds, decimals: 3)),
            ("sent_rate", formatted(sentRate, decimals: 1)),
            ("sent", "\(tally.sent)"),
            ("send_errors", "\(tally.sendErrors)"),
            ("answered", "\(tally.answered)"),
            ("refused", "\(tally.refused)"),
            ("lost", "\(tally.lost)"),
            ("invalid", "\(tally.invalid)"),
            ("duplicates", "\(tally.duplicates)"),
            ("loss_ratio", formatted(tally.lossRatio, decimals: 6)),
            ("answered_rate", formatted(answeredRate, decimals: 1)),
            ("latency_p50_us", micro(0.5)),
            ("latency_p99_us", micro(0.99)),
            ("latency_p999_us", micro(0.999)),
        ]
        return "{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
    }

    /// Human-readable lines.
    func text() -> String {
        let sorted = tally.latencies.sorted()
        func micro(_ q: Double) -> String {
            LoadTally.quantile(of: sorted, q).map { formatted(Double($0) / 1000, decimals: 1) + " us" } ?? "-"
        }
        return """
        target \(target): offered \(formatted(offeredRate, decimals: 0))/s, sent \(formatted(sentRate, decimals: 0))/s for \(formatted(sendSeconds, decimals: 2)) s
        \(tally.sent) sent, \(tally.answered) answered, \(tally.refused) refused, \(tally.lost) lost, \
        \(tally.invalid) invalid, \(tally.duplicates) duplicate, \(tally.sendErrors) send errors
        answered \(formatted(answeredRate, decimals: 0))/s, loss \(formatted(tally.lossRatio * 100, decimals: 3)) %
        latency p50 \(micro(0.5)), p99 \(micro(0.99)), p99.9 \(micro(0.999))
        """
    }
}

/// `value` with exactly `decimals` decimals, without Foundation's formatters.
func formatted(_ value: Double, decimals: Int) -> String {
    ChronyUnits.format("%.\(decimals)f", value)
}
