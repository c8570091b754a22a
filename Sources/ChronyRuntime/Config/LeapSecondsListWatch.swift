import ChronyKit
import Logging
import Synchronization

/// The leap-second list as `run` last read it, for /status and /metrics, kept fresh by its
/// service: read at start and again every `interval` (an upgraded tzdata shows without a
/// restart; the expiry alert warns 30 days ahead, so an hour is plenty).
public final class LeapSecondsListWatch: SupervisedService {
    public let name = "leap-seconds-list"
    let path: String?
    let interval: Duration
    let metrics: ChronyMetrics?
    let logger: Logger
    private let latest: Mutex<LeapSecondsListState>

    public init(path: String?, initial: LeapSecondsListState? = nil, interval: Duration = .seconds(3600),
                metrics: ChronyMetrics?, logger: Logger) {
        self.path = path
        self.interval = interval
        self.metrics = metrics
        self.logger = logger
        let state = initial ?? LeapSecondsListFile.read(path)
        latest = Mutex(state)
        metrics?.record(leapSecondsList: state)
    }

    /// The state last read.
    public var state: LeapSecondsListState { latest.withLock { $0 } }

    public func run(state _: SupervisorState, started: @escaping @Sendable () -> Void) async throws {
        started()
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            if Task.isCancelled { return }
            let now = LeapSecondsListFile.read(path)
            let old = latest.withLock { value in
                defer { value = now }
                return value
            }
            metrics?.record(leapSecondsList: now)
            if now != old {
                logger.info("leap-second list changed", metadata: ["state": "\(now.line(now: Int64(Supervisor.realtimeSeconds())))"])
            }
        }
    }
}
