import ChronyKit
import FoundationEssentials

/// Where a command gets the node's health verdict, cheapest first: the running supervisor's
/// verdict file in the run directory (written after every poll; `VerdictFile`), the
/// supervisor over HTTP on loopback (its latest verdict, with the start grace and the
/// served-time check), or — when no supervisor answers — chronyd asked directly under the
/// same policy. `answer(…)` walks the chain; `health` and `status` both use it.
public enum VerdictSource {
    /// How the verdict was obtained.
    public enum Origin: Sendable, Equatable {
        /// The supervisor's verdict file.
        case file
        /// The supervisor's endpoints.
        case supervisor
        /// The supervisor did not answer (the reason); chronyd was asked directly.
        case chronyd(String)
    }

    /// The supervisor's answer from its verdict file in `runDirectory` (`/healthz`'s when
    /// `liveness`, else `/readyz`'s); nil when there is no fresh record of a live supervisor.
    public static func fromFile(runDirectory: String, liveness: Bool) -> HealthAnswer? {
        VerdictFile(runDirectory: runDirectory).answer(liveness: liveness)
    }

    /// The supervisor's answer at `path` (/readyz or /healthz); throws why there is none.
    public static func fromSupervisor(_ health: HealthSettings, path: String, timeout: Duration) throws(SupervisorUnavailable) -> HealthAnswer {
        let response: LoopbackHTTPClient.Response
        do {
            response = try LoopbackHTTPClient.get(host: health.listen.connectHost, port: health.listen.port, path: path,
                                                  timeoutMilliseconds: Int32(clamping: timeout.wholeMilliseconds + 1))
        } catch {
            throw SupervisorUnavailable(reason: "no supervisor at \(health.listen): \(error)")
        }
        guard let answer = try? JSONDecoder().decode(HealthAnswer.self, from: Data(response.body.utf8)) else {
            throw SupervisorUnavailable(reason: "unexpected answer from \(health.listen)\(path): HTTP \(response.status)")
        }
        return answer
    }

    /// The policy applied to what chronyd answered (or why it did not). Without the
    /// supervisor, the process state and the time since start are unknown: no start grace.
    public static func evaluate(settings: ChronySettings, health: HealthSettings,
                                reports: Result<ReportSet, ChronycError>) -> HealthVerdict {
        let policy = HealthPolicy(settings: settings, thresholds: health.thresholds)
        switch reports {
        case .success(let set):
            return policy.evaluate(HealthSnapshot(chronydRunning: nil, reports: set, secondsSinceStart: nil,
                                                  now: Supervisor.realtimeSeconds()))
        case .failure(let error):
            return policy.evaluate(HealthSnapshot(chronydRunning: nil, reports: nil, unreachableReason: "\(error)",
                                                  secondsSinceStart: nil))
        }
    }

    /// The answer of `/readyz` (or `/healthz` when `liveness`), cheapest source first: the
    /// verdict file in `runDirectory`; then, with the `settings` (resolved only when the file
    /// has no answer; their error is thrown), the supervisor at HEALTH_LISTEN within
    /// `supervisorTimeout`; then the policy applied to `chronydReports`.
    public static func answer(
        runDirectory: String, liveness: Bool, supervisorTimeout: Duration,
        settings: () throws(SettingError) -> (chrony: ChronySettings, health: HealthSettings),
        chronydReports: (ChronySettings) -> Result<ReportSet, ChronycError>
    ) throws(SettingError) -> (HealthAnswer, Origin) {
        if let answer = fromFile(runDirectory: runDirectory, liveness: liveness) { return (answer, .file) }
        let (chrony, health) = try settings()
        do {
            return (try fromSupervisor(health, path: liveness ? "/healthz" : "/readyz", timeout: supervisorTimeout), .supervisor)
        } catch {
            let verdict = evaluate(settings: chrony, health: health, reports: chronydReports(chrony))
            return (health.readiness.answer(verdict, liveness: liveness), .chronyd(error.reason))
        }
    }

    /// What chronyd answers `health` with: tracking, sources and authdata, within `timeout`.
    public static func chronydReports(_ settings: ChronySettings, timeout: Duration) -> Result<ReportSet, ChronycError> {
        do throws(ChronycError) {
            return .success(try ChronycClient(settings: settings, timeout: timeout).fetch([.tracking, .sources, .authdata]))
        } catch {
            return .failure(error)
        }
    }
}

/// The supervisor's endpoints did not give an answer.
public struct SupervisorUnavailable: Error, Sendable {
    public let reason: String
}
