import ChronyKit
import Logging
/// The supervisor's view of chronyd: polling, the state machine, readiness and the watchdog.
extension Supervisor {
    /// Feeds `observation` to the state machine. With a `pid`, only while that chronyd is
    /// still the current one (a poll that raced a restart is dropped).
    func apply(_ observation: Observation, pid: pid_t?, poll: (reading: ChronydReading, duration: Duration)? = nil) {
        transitions.withLock { _ in transition(observation, pid: pid, poll: poll) }
    }

    private func transition(_ observation: Observation, pid: pid_t?, poll: (reading: ChronydReading, duration: Duration)?) {
        let change = state.update { s -> (from: NodeState, to: NodeState, ready: Bool)? in
            if let pid, s.chronydPID != pid { return nil }
            if let poll {
                s.lastPollDuration = poll.duration
                s.lastPollFailure = poll.reading.failure
                s.reports = poll.reading.reports
            }
            s.observation = observation
            if let health {
                let verdict = health.evaluate(HealthSnapshot(
                    chronydRunning: observation.processAlive, reports: observation.answers ? s.reports : nil,
                    unreachableReason: poll?.reading.failure,
                    secondsSinceStart: (ContinuousClock.now - s.startedAt).inSeconds,
                    servedTime: poll?.reading.servedTime))
                s.verdict = verdict
                metrics?.record(reports: observation.answers ? s.reports : nil,
                                pollDuration: poll?.duration ?? .zero, verdict: verdict)
            }
            let old = s.state
            let new = NodeState.evaluate(from: old, role: chrony.role, settings: chrony, observation: observation)
            guard new != old else { return nil }
            s.state = new
            s.stateSince = .now
            let becameReady = !s.ready && supervision.readyWhen.isMet(by: new)
            if becameReady { s.ready = true }
            return (old, new, becameReady)
        }
        guard let change else { return }
        let summary = change.to.summary(observation)
        var metadata: Logger.Metadata = ["from": "\(change.from.rawValue)", "to": "\(change.to.rawValue)", "status": "\(summary)"]
        if let failure = poll?.reading.failure, change.to == .unresponsive { metadata["chronyc"] = "\(failure)" }
        logger.info("state changed", metadata: metadata)
        if change.ready {
            let sent = notifier.ready(status: summary)
            let notified = sent ? "READY=1 sent" : notifier.isEnabled ? "failed: NOTIFY_SOCKET does not accept" : "no NOTIFY_SOCKET"
            logger.log(level: sent || !notifier.isEnabled ? .info : .warning, "ready", metadata: [
                "ready_when": "\(supervision.readyWhen.rawValue)", "notify": "\(notified)"])
        } else {
            notifier.status(summary)
        }
    }

    func enterStopping(because signal: Int32) {
        transitions.withLock { _ in
            let from = state.update { s in
                let old = s.state
                s.state = .stopping
                s.stateSince = .now
                return old
            }
            let summary = "stopping: \(Signals.name(signal)) received"
            logger.info("state changed", metadata: ["from": "\(from.rawValue)", "to": "stopping", "status": "\(summary)"])
            notifier.stopping(status: summary)
        }
    }

    /// Polls chronyd every POLL_INTERVAL, more briskly while readiness is pending: every
    /// 100 ms until the command socket answers, then 250 ms, 500 ms, 1 s … up to the interval
    /// until chronyd first keeps time, so READY=1 does not wait a whole interval.
    func pollLoop() async {
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
                if let accelerator {
                    if burstFor != pid { burst.reset(); burstFor = pid }
                    burst = await accelerator.step(burst, state: state.snapshot.state, logger: logger)
                }
            }
            let interval: Duration
            let current = state.snapshot.state
            switch current {
            case .down, .starting:
                interval = .milliseconds(100)  // no chronyc runs while down: a tick costs nothing
                ramp = .milliseconds(250)
            case _ where accelerator != nil && burst.wantsProbe(role: .gateway, state: current):
                interval = .milliseconds(250)  // watching for the relays to synchronise
            case .running:
                interval = ramp
                ramp = min(ramp * 2, supervision.pollInterval)
            default:
                interval = supervision.pollInterval
            }
            try? await Task.sleep(for: min(interval, supervision.pollInterval))  // POLL_INTERVAL may be below 100 ms
        }
    }

    /// Sends WATCHDOG=1 every `interval` (half of WATCHDOG_USEC) while the poll loop is
    /// alive; a stalled loop withholds it, so systemd's watchdog acts on a hung supervisor.
    func watchdogLoop(every interval: Duration) async {
        let staleAfter = supervision.pollInterval + .seconds(10)
        while !Task.isCancelled {
            let snapshot = state.snapshot
            if snapshot.state != .stopping {
                if let tick = snapshot.lastPollLoopTick, ContinuousClock.now - tick > staleAfter {
                    logger.warning("supervision loop stalled: WATCHDOG=1 withheld")
                } else {
                    notifier.watchdog()
                }
            }
            try? await Task.sleep(for: interval)
        }
    }
}
