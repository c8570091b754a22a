import ChronyKit
import Logging

/// The monitoring half of the supervisor, one poll as a pipeline: observe (a pure read of
/// chronyd) → decide (`HealthPolicy.decide`, pure: one `PollOutcome`) → publish (the
/// `PollPublisher`s) → act (the `AfterPollAction`s); then the wait `PollSchedule` gives. Also
/// the watch for a chronyd that stopped answering, and the watchdog.
extension Supervisor {
    /// Decides on `observation` and publishes the outcome. With a `pid`, only while that
    /// chronyd is still the current one (a poll that raced a restart is dropped). `poll`: the
    /// reading and how long it took, when chronyd was polled (nil for the lifecycle's own
    /// changes: a start, an exit).
    func apply(_ observation: Observation, pid: pid_t?, poll: (reading: ChronydReading, duration: Duration)? = nil) {
        transitions.withLock { _ in
            let published = state.update { s -> PublishedPoll? in
                if let pid, s.chronydPID != pid { return nil }
                if let poll {
                    s.reports = poll.reading.reports
                    if poll.reading.observation.answers { s.lastAnswerAt = .now }
                }
                s.observation = observation
                let reports = observation.answers ? s.reports : nil
                let (outcome, announced) = health.decide(
                    HealthSnapshot(chronydRunning: observation.processAlive, reports: reports,
                                   unreachableReason: poll?.reading.failure,
                                   secondsSinceStart: (ContinuousClock.now - s.startedAt).inSeconds,
                                   servedTime: poll?.reading.servedTime, now: Self.realtimeSeconds()),
                    failedServices: s.failedServices, after: s.announced)
                s.verdict = outcome.verdict
                s.announced = announced
                return PublishedPoll(outcome: outcome, reports: reports, duration: poll?.duration ?? .zero,
                                     failure: poll?.reading.failure)
            }
            guard let published else { return }
            for publisher in publishers { publisher.publish(published) }
        }
    }

    /// The real-time clock in Unix seconds: the verdict's "now" for the age of chronyd's last
    /// clock update (`Reselection`).
    public static func realtimeSeconds() -> Double {
        let now = SystemExchangeClock().realtime()
        return Double(now.seconds) + Double(now.nanoseconds) / 1e9
    }

    /// How long the running chronyd `pid` has gone without answering (since its start or
    /// its last answer), when it is still the current one and not answering.
    func silence(of pid: pid_t, now: ContinuousClock.Instant = .now) -> Duration? {
        let s = state.snapshot
        guard s.chronydPID == pid, s.announced.state != .stopping, !s.observation.answers,
              let since = s.lastAnswerAt ?? s.chronydStartedAt else { return nil }
        return now - since
    }

    func enterStopping(because signal: Int32) {
        transitions.withLock { _ in
            let summary = "stopping: \(Signals.name(signal)) received"
            let from = state.update { s in
                let old = s.announced.state
                s.announced.state = .stopping
                s.announced.statusLine = summary
                return old
            }
            logger.info("state changed", metadata: ["from": "\(from.rawValue)", "to": "stopping", "status": "\(summary)"])
            notifier.stopping(status: summary)
            verdictFile?.remove()  // `health` asks /readyz while chronyd stops
        }
    }

    /// Polls chronyd while it runs: observe, decide and publish (`apply`), tell `onSilent`
    /// when the running chronyd has not answered for UNRESPONSIVE_TIMEOUT (after every such
    /// poll; the lifecycle acts once per chronyd), then the after-poll actions; waits as
    /// `PollSchedule` says (briskly until ready, so READY=1 does not wait a whole interval).
    func pollLoop(onSilent: @Sendable (pid_t, Duration) -> Void = { _, _ in }) async {
        var schedule = PollSchedule(interval: supervision.pollInterval)
        while !Task.isCancelled {
            let snapshot = state.update { s in
                s.lastPollLoopTick = .now
                return s
            }
            if let pid = snapshot.chronydPID, snapshot.announced.state != .stopping {
                let started = ContinuousClock.now
                let reading = await observer.observe()
                apply(reading.observation, pid: pid, poll: (reading, .now - started))
                if let silent = silence(of: pid), silent >= supervision.unresponsiveTimeout { onSilent(pid, silent) }
                for action in afterPoll { await action.afterPoll(reading, pid: pid) }
            }
            try? await Task.sleep(for: schedule.next(phase(of: state.snapshot)))
        }
    }

    /// Where the node stands for the poll schedule.
    private func phase(of s: SupervisorSnapshot) -> PollSchedule.Phase {
        if s.chronydPID == nil || s.lastAnswerAt == nil { return .waitingForAnswer }
        if afterPoll.contains(where: { $0.wantsBriskPolls(after: s.observation) }) { return .probingRelays }
        return s.announced.ready ? .ready : .awaitingReadiness
    }

    /// Sends WATCHDOG=1 every `interval` (half of WATCHDOG_USEC) while supervision works: a
    /// stalled poll loop withholds it, and so does a chronyd still silent well past
    /// UNRESPONSIVE_TIMEOUT (the kill that should have recovered it did not), so systemd's
    /// watchdog acts on a supervisor that no longer keeps chronyd answering.
    func watchdogLoop(every interval: Duration) async {
        let staleAfter = supervision.verdictStaleAfter
        let silentAfter = supervision.unresponsiveTimeout + supervision.stopGrace + supervision.pollInterval + .seconds(10)
        while !Task.isCancelled {
            let snapshot = state.snapshot
            if snapshot.announced.state != .stopping {
                if let tick = snapshot.lastPollLoopTick, ContinuousClock.now - tick > staleAfter {
                    logger.warning("supervision loop stalled: WATCHDOG=1 withheld")
                } else if let pid = snapshot.chronydPID, let silent = silence(of: pid), silent > silentAfter {
                    logger.warning("chronyd silent beyond recovery: WATCHDOG=1 withheld", metadata: [
                        "pid": "\(pid)", "silent_for": "\(DurationValue.format(silent))"])
                } else {
                    notifier.watchdog()
                }
            }
            try? await Task.sleep(for: interval)
        }
    }
}
