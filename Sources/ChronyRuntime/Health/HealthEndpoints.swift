import ChronyKit
import Logging
import NIOHTTP1
import Synchronization

/// The HTTP face of `chronyvisor run`: /healthz (liveness), /readyz (readiness), /status
/// (the status overview with the verdict) and /metrics (Prometheus). Every answer comes from
/// the supervisor's latest poll: a request never runs chronyc.
public struct HealthEndpoints: SupervisedService {
    public let name = "http"
    let listen: ListenAddress
    let role: Role
    /// What the verdict means for /readyz and /healthz (the policy's `Readiness`).
    let readiness: Readiness
    let metrics: ChronyMetrics
    let logger: Logger
    /// Advice about the node's settings for /status (`SourceDiversity`).
    let warnings: [String]
    /// The leap-second list for /status; nil: not shown.
    let leapSecondsList: LeapSecondsListWatch?

    public init(listen: ListenAddress, role: Role, readiness: Readiness, metrics: ChronyMetrics, logger: Logger,
                warnings: [String] = [], leapSecondsList: LeapSecondsListWatch? = nil) {
        self.listen = listen
        self.role = role
        self.readiness = readiness
        self.metrics = metrics
        self.logger = logger
        self.warnings = warnings
        self.leapSecondsList = leapSecondsList
    }

    /// Serves until cancelled. A listener that cannot be bound is a bad HEALTH_LISTEN: it
    /// throws a `SettingError` naming it (exit 78), before `started` is called.
    public func run(state: SupervisorState, started: @escaping @Sendable () -> Void) async throws {
        let server = HTTPEndpointServer(host: listen.host, port: listen.port, logger: logger) { request in
            respond(to: request, snapshot: state.snapshot)
        }
        let bound = Atomic(false)
        do {
            try await server.run { _ in
                bound.store(true, ordering: .relaxed)
                started()
            }
        } catch where !bound.load(ordering: .relaxed) && !(error is CancellationError) {
            throw SettingError(source: SettingKey.healthListen.environmentName, value: listen.description,
                               expected: "an address and port this host can listen on (binding failed: \(error))")
        }
    }

    /// The answer to `request` given the supervisor's `snapshot`. Pure.
    public func respond(to request: EndpointRequest, snapshot: SupervisorSnapshot) -> EndpointResponse {
        guard request.method == .GET || request.method == .HEAD else {
            return EndpointResponse(status: .methodNotAllowed, contentType: "text/plain; charset=utf-8", body: "only GET\n")
        }
        let verdict = snapshot.verdict
            ?? HealthVerdict(state: .starting, live: false, reasons: ["no poll of chronyd yet"])
        switch request.path {
        case "/healthz", "/livez":
            let answer = readiness.answer(verdict, liveness: true)
            return json(StatusJSON.encode(answer), ok: answer.ready)
        case "/readyz":
            let answer = readiness.answer(verdict)
            return json(StatusJSON.encode(answer), ok: answer.ready)
        case "/status":
            guard let tracking = snapshot.reports?.tracking, let sources = snapshot.reports?.sources else {
                return json(StatusJSON.encode(readiness.answer(verdict)), ok: false)
            }
            var overview = StatusOverview(role: role, verdict: verdict, tracking: tracking, sources: sources)
            overview.warnings = warnings
            overview.leapSecondsList = leapSecondsList.flatMap {
                LeapSecondsListStatus($0.state, now: Int64(Supervisor.realtimeSeconds()))
            }
            return json(StatusJSON.encode(overview), ok: true)
        case "/metrics":
            return EndpointResponse(status: .ok, contentType: "text/plain; version=0.0.4; charset=utf-8", body: metrics.exposition())
        case "/":
            return EndpointResponse(status: .ok, contentType: "text/plain; charset=utf-8",
                                    body: "chronyvisor \(ChronyvisorVersion.current): /healthz /readyz /status /metrics\n")
        default:
            return EndpointResponse(status: .notFound, contentType: "text/plain; charset=utf-8", body: "no such endpoint: \(request.path)\n")
        }
    }

    private func json(_ body: String, ok: Bool) -> EndpointResponse {
        EndpointResponse(status: ok ? .ok : .serviceUnavailable, contentType: "application/json", body: body)
    }
}
