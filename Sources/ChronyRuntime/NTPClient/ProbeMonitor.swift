import ChronyKit
import Logging
import NIOHTTP1
import Synchronization

/// Why `chronyvisor probe --monitor` cannot start: exit 78 (a setting is wrong), one line.
public enum ProbeMonitorError: Error, Sendable, Hashable, ReportableError {
    /// A target's name does not resolve when the monitor starts.
    case unresolvable(target: String, detail: String)
    /// /metrics cannot be served at the `--listen` address.
    case listen(address: String, detail: String)

    public var description: String {
        switch self {
        case .unresolvable(let target, let detail):
            "target \(SettingError.escape(target)) does not resolve (\(detail)): expected a host name this machine can resolve, or an IP address"
        case .listen(let address, let detail):
            "--listen \(address): expected an address and port this host can listen on (\(detail))"
        }
    }

    public var exitCode: Int32 { ExitStatus.config }
}

/// `chronyvisor probe --monitor`: asks every target for the time once per round, every
/// `interval` seconds, prints a line per answer (as `probe` does, with the target's name after
/// the round number) and serves the results on /metrics (`ProbeMetrics`) through the
/// project's HTTP server, until SIGINT or SIGTERM (exit 0).
///
/// Every target must resolve when the monitor starts (`ProbeMonitorError.unresolvable`, exit
/// 78: the list is wrong). Afterwards each round resolves again (a container that was
/// recreated has a new address) and a target that no longer resolves is a failed probe
/// (`chronyvisor_probe_success 0`), not the end of the monitor.
public struct ProbeMonitor: Sendable {
    public let parameters: MonitorParameters
    public let metrics: ProbeMetrics
    private let output: @Sendable (String) -> Void
    private let clock: any ExchangeClock
    private let logger: Logger

    public init(parameters: MonitorParameters, clock: any ExchangeClock = SystemExchangeClock(),
                logger: Logger = Logger(label: "chronyvisor-probe"),
                output: @escaping @Sendable (String) -> Void = StandardOutput.writeLine) {
        self.parameters = parameters
        self.metrics = ProbeMetrics(targets: parameters.targets)
        self.clock = clock
        self.logger = logger
        self.output = output
    }

    /// Runs until a stop signal; returns the exit status (0).
    public func run() async throws(ProbeMonitorError) -> Int32 {
        for target in parameters.targets {
            do {
                _ = try NTPServerAddress.resolve(host: target.host, port: target.port)
            } catch {
                if case .resolution(_, let detail) = error { throw .unresolvable(target: target.label, detail: detail) }
                throw .unresolvable(target: target.label, detail: error.description)
            }
        }
        let stop = StopFlag()
        let metrics = self.metrics
        let server = HTTPEndpointServer(host: parameters.listen.host, port: parameters.listen.port, logger: logger) { request in
            Self.respond(to: request, metrics: metrics)
        }
        let bound = StopFlag()
        let result: Result<Void, ProbeMonitorError> = await withTaskGroup(of: Result<Void, ProbeMonitorError>.self) { group in
            group.addTask {
                do {
                    try await server.run { _ in bound.set() }
                    return .success(())
                } catch {
                    stop.set()
                    if !bound.isSet && !(error is CancellationError) {
                        return .failure(.listen(address: parameters.listen.description, detail: "\(error)"))
                    }
                    return .success(())
                }
            }
            group.addTask {
                await BlockingWork.run { [self] in loop(stop: stop, bound: bound) }
                return .success(())
            }
            let first = await group.next() ?? .success(())
            stop.set()
            group.cancelAll()
            var outcome = first
            while let next = await group.next() { if case .failure = next { outcome = next } }
            return outcome
        }
        try result.get()
        return 0
    }

    /// The rounds, on the calling thread, once /metrics is served (`bound`), until `stop` is
    /// set or a stop signal arrives.
    func loop(stop: StopFlag, bound: StopFlag) {
        while !bound.isSet && !stop.isSet { usleep(10_000) }
        let signals = StopSignals.install()
        var round = 0
        var next = clock.monotonicNanoseconds()
        let timeout = parameters.timeout
        while !stop.isSet && signals?.received != true {
            round += 1
            for target in parameters.targets {
                if stop.isSet || signals?.received == true { break }
                let line = probe(target, round: round, timeout: timeout, stopDescriptor: signals?.fileDescriptor)
                output(line)
            }
            next = max(next + parameters.interval.wholeNanoseconds, clock.monotonicNanoseconds())
            // Sleep in slices, so that `stop` (the HTTP server failed) is seen within 100 ms.
            while !stop.isSet {
                let wait = next - clock.monotonicNanoseconds()
                if wait <= 0 { break }
                let slice = min(wait, 100_000_000)
                if let signals {
                    if signals.sleep(nanoseconds: slice, clock: clock) { return }
                } else {
                    usleep(UInt32(clamping: slice / 1000))
                }
            }
        }
    }

    /// One request to `target`: records it in the metrics and returns the line to print.
    private func probe(_ target: MonitorTarget, round: Int, timeout: Duration, stopDescriptor: Int32?) -> String {
        var address = target.host
        let outcome: NTPExchangeOutcome
        do {
            let server = try NTPServerAddress.resolve(host: target.host, port: target.port)[0]
            address = server.numericHost
            outcome = try NTPClient(server: server, timeout: timeout, clock: clock).exchange(stop: stopDescriptor)
        } catch {
            // No longer resolvable, or a local socket failure: a probe that failed.
            outcome = NTPExchangeOutcome(.noAnswer(.unreachable(error.description)))
        }
        if case .noAnswer(.interrupted) = outcome.result {} else {
            metrics.record(outcome, for: target, now: clock.realtime())
        }
        let probeTarget = ProbeTarget(host: target.host, address: address, port: target.port)
        return parameters.json
            ? ProbeReport.json(outcome, sequence: round, target: probeTarget)
            : ProbeReport.text(outcome, sequence: round, label: target.label)
    }

    /// /metrics and an index; nothing else.
    static func respond(to request: EndpointRequest, metrics: ProbeMetrics) -> EndpointResponse {
        guard request.method == .GET || request.method == .HEAD else {
            return EndpointResponse(status: .methodNotAllowed, contentType: "text/plain; charset=utf-8", body: "only GET\n")
        }
        switch request.path {
        case "/metrics":
            return EndpointResponse(status: .ok, contentType: "text/plain; version=0.0.4; charset=utf-8", body: metrics.exposition())
        case "/":
            return EndpointResponse(status: .ok, contentType: "text/plain; charset=utf-8",
                                    body: "chronyvisor \(ChronyvisorVersion.current) probe monitor: /metrics\n")
        default:
            return EndpointResponse(status: .notFound, contentType: "text/plain; charset=utf-8", body: "no such endpoint: \(request.path)\n")
        }
    }
}

/// A flag one task sets and a blocking loop on another thread reads.
final class StopFlag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .relaxed) }
    var isSet: Bool { value.load(ordering: .relaxed) }
}
