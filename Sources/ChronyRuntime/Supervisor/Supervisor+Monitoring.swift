import ChronyKit
import Logging

/// The monitoring half of the supervisor: poll → verdict → state → STATUS=/READY=1/metrics,
/// the watch for a chronyd that stopped answering, and the watchdog.
extension Supervisor {
    /// Feeds `observation` to the state machine. With a `pid`, only while that chronyd is
    /// still the current one (a poll that raced a restart is dropped).
    func apply(_ observation: Observation, pid: pid_t?, poll: (reading: ChronydReading, duration: Duration)? = nil) {
        transitions.withLock { _ in transition(observation, pid: pid, poll: poll) }
    }

    private func transition(_ observation: Observation, pid: pid_t?, poll: (reading: ChronydReading, duration: Duration)?) {
        // The verdict to record for `health` (none for a poll that raced a restart, or while
        // stopping), and the state change to announce (none when nothing changed).
        let (recorded, change) = state.update { s -> (HealthVerdict?, (from: NodeState, to: NodeState, ready: Bool, summary: String)?) in
            if let pid, s.chronydPID != pid { return (nil, nil) }
            if let poll {
                s.lastPollDuration = poll.duration
                s.lastPollFailure = poll.reading.failure
                s.reports = poll.reading.reports
                if poll.reading.observation.answers { s.lastAnswerAt = .now }
            }
            s.observation = observation
            var verdict = health.evaluate(HealthSnapshot(
                chronydRunning: observation.processAlive, reports: observation.answers ? s.reports : nil,
                unreachableReason: poll?.reading.failure,
                secondsSinceStart: (ContinuousClock.now - s.startedAt).inSeconds,
                servedTime: poll?.reading.servedTime, now: Self.realtimeSeconds()))
            for (name, error) in s.failedServices.sorted(by: { $0.key < $1.key }) {
                verdict.state = max(verdict.state, .degraded)
                verdict.reasons.append("the \(name) service failed: \(error)")
            }
            s.verdict = verdict
            metrics?.record(reports: observation.answers ? s.reports : nil,
                            pollDuration: poll?.duration ?? .zero, verdict: verdict)
            let old = s.state
            let new = NodeState.evaluate(from: old, processAlive: observation.processAlive, verdict: verdict)
            // READY=1 follows the verdict /readyz and `health` give (HEALTH_DEGRADED_OK included).
            let readyNow = new != .stopping && supervision.readyWhen.isMet(by: verdict, degradedIsReady: degradedIsReady)
            let becameReady = !s.ready && readyNow
            if becameReady { s.ready = true }
            let summary = new.summary(verdict)
            let recorded = new == .stopping ? nil : verdict
            // STATUS= follows the summary (reasons change within a state: "2 of 3 reachable").
            guard new != old || becameReady || summary != s.statusLine else { return (recorded, nil) }
            s.statusLine = summary
            s.state = new
            if new != old { s.stateSince = .now }
            return (recorded, (old, new, becameReady, summary))
        }
        if let recorded { recordVerdict(recorded) }
        guard let change else { return }
        let summary = change.summary
        if change.from != change.to {
            var metadata: Logger.Metadata = ["from": "\(change.from.rawValue)", "to": "\(change.to.rawValue)", "status": "\(summary)"]
            if let failure = poll?.reading.failure { metadata["chronyc"] = "\(failure)" }
            logger.info("state changed", metadata: metadata)
        }
        if change.ready {
            let sent = notifier.ready(status: summary)
            let notified = sent ? "READY=1 sent" : notifier.isEnabled ? "failed: NOTIFY_SOCKET does not accept" : "no NOTIFY_SOCKET"
            logger.log(level: sent || !notifier.isEnabled ? .info : .warning, "ready", metadata: [
                "ready_when": "\(supervision.readyWhen.rawValue)", "notify": "\(notified)",
                "verdict": "\(state.snapshot.verdict?.state.rawValue ?? "none")"])
            if releasesStartupPages {
                let released = StartupPages.release()
                logger.debug("start-up pages released", metadata: ["bytes": "\(released.map(String.init) ?? "refused")"])
            }
        } else {
            notifier.status(summary)
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
        guard s.chronydPID == pid, s.state != .stopping, !s.observation.answers,
              let since = s.lastAnswerAt ?? s.chronydStartedAt else { return nil }
        return now - since
    }

    func enterStopping(because signal: Int32) {
        transitions.withLock { _ in
            let summary = "stopping: \(Signals.name(signal)) received"
            let from = state.update { s in
                let old = s.state
                s.state = .stopping
                s.statusLine = summary
                s.stateSince = .now
                return old
            }
            logger.info("state changed", metadata: ["from": "\(from.rawValue)", "to": "stopping", "status": "\(summary)"])
            notifier.stopping(status: summary)
            verdictFile?.remove()  // `health` asks /readyz while chronyd stops
        }
    }

    /// Writes the verdict file `chronyvisor health` reads: after every transition, so that its
    /// age shows the poll loop is alive (stale after a poll interval plus the watchdog's margin).
    private func recordVerdict(_ verdict: HealthVerdict) {
        guard let verdictFile else { return }
        let staleAfter = supervision.pollInterval + .seconds(10)
        let record = VerdictRecord(
            pid: getpid(), writtenAt: SystemExchangeClock().monotonicNanoseconds(),
            staleAfter: staleAfter.wholeMicroseconds * 1000,
            verdict: verdict, ready: verdict.isReady(degradedIsReady: degradedIsReady))
        do {
            try verdictFile.write(record)
            if verdictWriteFailing.exchange(false, ordering: .relaxed) {
                logger.info("verdict file written again", metadata: ["path": "\(verdictFile.path)"])
            }
        } catch {
            if !verdictWriteFailing.exchange(true, ordering: .relaxed) {
                logger.warning("cannot write the verdict file: `chronyvisor health` asks HEALTH_LISTEN instead",
                               metadata: ["path": "\(verdictFile.path)", "error": "\(error)"])
            }
        }
    }

    /// Polls chronyd every POLL_INTERVAL, more briskly while readiness is pending: every
    /// 100 ms until the command socket answers, then 250 ms, 500 ms, 1 s … up to the interval
    /// until chronyd first keeps time, so READY=1 does not wait a whole interval.
    /// `onSilent` is told when the running chronyd has not answered for UNRESPONSIVE_TIMEOUT
    /// (after every such poll; the lifecycle acts once per chronyd).
    func pollLoop(onSilent: @Sendable (pid_t, Duration) -> Void = { _, _ in }) async {
        var ramp = Duration.milliseconds(250)
        var burst = StartupBurst()
        var burstFor: pid_t?
        while !Task.isCancelled {
            let snapshot = state.update { s in
                s.lastPollLoopTick = .now
                return s
            }
            if let pid = snapshot.chronydPID, snapshot.state != .stopping {
                let started = ContinuousClock.now
                let reading = await observer.observe()
                apply(reading.observation, pid: pid, poll: (reading, .now - started))
                if let silent = silence(of: pid), silent >= supervision.unresponsiveTimeout { onSilent(pid, silent) }
                if let accelerator {
                    if burstFor != pid { burst.reset(); burstFor = pid }
                    burst = await accelerator.step(burst, observation: reading.observation, logger: logger)
                }
            }
            let interval: Duration
            let current = state.snapshot
            if current.chronydPID == nil || current.lastAnswerAt == nil {
                interval = .milliseconds(100)  // down (no chronyc runs: a tick costs nothing) or no answer yet
                ramp = .milliseconds(250)
            } else if accelerator != nil && burst.wantsProbe(role: .gateway, observation: current.observation) {
                interval = .milliseconds(250)  // watching for the relays to synchronise
            } else if !current.ready {
                interval = ramp
                ramp = min(ramp * 2, supervision.pollInterval)
            } else {
                interval = supervision.pollInterval
            }
            try? await Task.sleep(for: min(interval, supervision.pollInterval))  // POLL_INTERVAL may be below 100 ms
        }
    }

    /// Sends WATCHDOG=1 every `interval` (half of WATCHDOG_USEC) while supervision works: a
    /// stalled poll loop withholds it, and so does a chronyd still silent well past
    /// UNRESPONSIVE_TIMEOUT (the kill that should have recovered it did not), so systemd's
    /// watchdog acts on a supervisor that no longer keeps chronyd answering.
    func watchdogLoop(every interval: Duration) async {
        let staleAfter = supervision.pollInterval + .seconds(10)
        let silentAfter = supervision.unresponsiveTimeout + supervision.stopGrace + supervision.pollInterval + .seconds(10)
        while !Task.isCancelled {
            let snapshot = state.snapshot
            if snapshot.state != .stopping {
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
