import ChronyKit
/// `chronyvisor probe`'s work: ask one server for the time every `interval` seconds, print a
/// line per exchange and, at the end (count reached, SIGINT, SIGTERM, a DENY/RSTR kiss),
/// a summary; return the exit status (`ProbeExit`).
///
/// Requests go out on a fixed monotonic schedule (start + k·interval, never in a burst to
/// catch up). After a `RATE` kiss-of-death the interval is doubled (at least 1 s), after
/// `DENY` or `RSTR` querying stops, as RFC 5905 §7.4 asks of clients.
public struct ProbeLoop: Sendable {
    public let parameters: ProbeParameters
    private let output: @Sendable (String) -> Void
    private let clock: any ExchangeClock

    /// `output` receives each line without its newline (default: stdout, written at once).
    public init(parameters: ProbeParameters, clock: any ExchangeClock = SystemExchangeClock(),
                output: @escaping @Sendable (String) -> Void = StandardOutput.writeLine) {
        self.parameters = parameters
        self.clock = clock
        self.output = output
    }

    /// Runs on a thread of its own (the loop blocks in `poll`) and returns the exit status.
    public func run() async throws(NTPClientError) -> Int32 {
        let result: Result<Int32, NTPClientError> = await BlockingWork.run { [self] in
            Result { () throws(NTPClientError) -> Int32 in try runSynchronously() }
        }
        return try result.get()
    }

    /// The loop on the calling thread. Throws only for an unresolvable host or a local
    /// socket failure; everything the server does is a line and a count.
    public func runSynchronously() throws(NTPClientError) -> Int32 {
        let signals = StopSignals.install()
        let server = try NTPServerAddress.resolve(host: parameters.host, port: parameters.port)[0]
        let target = ProbeTarget(host: parameters.host, address: server.numericHost, port: parameters.port)
        let client = NTPClient(server: server, timeout: parameters.timeout, clock: clock)
        if !parameters.json {
            let limit = parameters.count == 0 ? "until stopped" : parameters.count == 1 ? "1 request" : "\(parameters.count) requests"
            output("probe \(target.display): every \(ProbeReport.plainSeconds(parameters.interval.inSeconds)), "
                + "timeout \(ProbeReport.plainSeconds(parameters.timeout.inSeconds)), \(limit)")
        }

        var tally = ProbeTally()
        var interval = parameters.interval
        var nextSend = clock.monotonicNanoseconds()
        var sequence = 0
        while parameters.count == 0 || sequence < parameters.count {
            if signals?.received == true { break }
            sequence += 1
            let outcome = try client.exchange(stop: signals?.fileDescriptor)
            tally.record(outcome)
            output(parameters.json
                ? ProbeReport.json(outcome, sequence: sequence, target: target)
                : ProbeReport.text(outcome, sequence: sequence))
            if case .noAnswer(.interrupted) = outcome.result { break }
            if case .refused(let refusal, _) = outcome.result {
                if refusal.stopsQuerying {
                    if !parameters.json { output("stopping: the server asks clients to stop querying it") }
                    break
                }
                if refusal.asksToSlowDown {
                    interval = max(interval * 2, .seconds(1))
                    if !parameters.json { output("slowing down: interval now \(ProbeReport.plainSeconds(interval.inSeconds))") }
                }
            }
            if parameters.count != 0 && sequence >= parameters.count { break }
            nextSend = max(nextSend + interval.wholeNanoseconds, clock.monotonicNanoseconds())
            let wait = nextSend - clock.monotonicNanoseconds()
            if let signals {
                if signals.sleep(nanoseconds: wait, clock: clock) { break }
            } else if wait > 0 {
                usleep(UInt32(clamping: wait / 1000))
            }
        }
        output(parameters.json
            ? ProbeReport.jsonSummary(tally, target: target)
            : ProbeReport.textSummary(tally, target: target))
        return tally.exitStatus
    }
}

/// Writes whole lines to standard output with one `write` each: unbuffered, so a reader of
/// a pipe sees each line as it happens, and never interleaved mid-line.
public enum StandardOutput {
    @Sendable public static func writeLine(_ line: String) {
        try? SystemFile.writeAll(STDOUT_FILENO, Array((line + "\n").utf8))
    }
}
