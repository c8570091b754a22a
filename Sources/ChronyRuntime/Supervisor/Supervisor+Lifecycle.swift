import ChronyKit
import Logging

/// The lifecycle half of the supervisor: one event loop that owns chronyd's process.
///
/// - SIGTERM, SIGINT, SIGQUIT: stop. STOPPING=1, the same signal to chronyd (4.3 ends
///   cleanly on each), SIGKILL after STOP_GRACE, then `run` returns 0.
/// - SIGHUP: reload. chrony.conf is rendered again and checked by chronyd's parser; a bad
///   one is refused (logged with the error, the running chronyd kept); a good one is written
///   and chronyd is restarted gracefully (SIGTERM, SIGKILL after STOP_GRACE, started at once),
///   which is never counted as a failure. chronyd 4.3 exits on SIGHUP (no reload of its own)
///   and `chronyc reload sources` only rereads `sourcedir`: a restart is what applies
///   everything (templates, settings, drop-ins), and the drift file keeps it quick.
/// - SIGUSR1, SIGUSR2: not forwarded (chronyd has no handler; they would end it); logged.
/// - chronyd ends unasked, or is killed after UNRESPONSIVE_TIMEOUT of silence: restart after
///   the backoff, or give up when the budget is spent (`RestartPolicy.giveUpStatus`).
extension Supervisor {
    /// The event loop's own bookkeeping.
    struct Lifecycle {
        var history: RestartHistory
        let origin = ContinuousClock.now
        var current: pid_t?
        var stopping = false
        /// A reload's configuration check is under way.
        var reloadChecking = false
        /// The chronyd being stopped for a reload (its exit starts the next one at once).
        var reloading: pid_t?
        /// The chronyd killed because it stopped answering, and for how long it was silent.
        var killedSilent: (pid: pid_t, silence: Duration)?
        var lastFailure = ""
        /// Waits the loop is to start as child tasks: a timer, or a chronyd's end.
        var waits: [Wait] = []
    }

    /// Something the event loop waits for in a child task of its own, which then posts an event.
    enum Wait {
        case after(Duration, Event)
        case exit(StartedChronyd)
        /// A SIGHUP's new configuration: rendered, checked and written off the loop.
        case reconfigure(@Sendable () throws -> Void)
    }

    /// The event loop. Its timers and exit waits are child tasks (they run on the caller's
    /// executor and end with the loop), posting their events to the same stream.
    func eventLoop(_ events: AsyncStream<Event>, post: AsyncStream<Event>.Continuation) async -> Int32 {
        var lifecycle = Lifecycle(history: RestartHistory(policy: supervision.restartPolicy))
        return await withDiscardingTaskGroup { group in
            func startWaits() {
                for wait in lifecycle.waits {
                    switch wait {
                    case .after(let delay, let event):
                        group.addTask {
                            try? await Task.sleep(for: delay)
                            if !Task.isCancelled { post.yield(event) }
                        }
                    case .exit(let started):
                        group.addTask { post.yield(.exited(started.pid, await started.exit())) }
                    case .reconfigure(let reconfigure):
                        group.addTask {
                            // chronyd's parser runs: blocking work, off the cooperative pool.
                            let error: String? = await BlockingWork.run {
                                do {
                                    try reconfigure()
                                    return nil
                                } catch {
                                    return "\(error)"
                                }
                            }
                            post.yield(.reconfigured(error))
                        }
                    }
                }
                lifecycle.waits.removeAll()
            }
            defer { group.cancelAll() }
            if let code = start(&lifecycle) { return code }
            startWaits()
            for await event in events {
                if let code = handle(event, &lifecycle) { return code }
                startWaits()
            }
            return ExitStatus.failure
        }
    }

    private func handle(_ event: Event, _ l: inout Lifecycle) -> Int32? {
        switch event {
        case .signal(let signal):
            switch SignalRelay.meaning(of: signal) {
            case .stop: return stop(because: signal, &l)
            case .reload: requestReload(&l)
            case .notForwarded:
                logger.notice("signal not forwarded: chronyd has no handler for it and would end", metadata: [
                    "signal": "\(Signals.name(signal))"])
            }
            return nil

        case .reconfigured(let error):
            l.reloadChecking = false
            if let error {
                logger.error("reload refused: the new configuration is invalid; chronyd keeps running", metadata: [
                    "error": "\(error)", "pid": "\(l.current.map { "\($0)" } ?? "none")"])
                state.update { $0.lastReloadError = error }
                return nil
            }
            state.update { $0.lastReloadError = nil }
            guard !l.stopping else { return nil }
            guard let pid = l.current else {
                logger.info("reload: configuration written; chronyd starts with it")
                return nil
            }
            l.reloading = pid
            logger.notice("reload: configuration written; restarting chronyd", metadata: [
                "pid": "\(pid)", "grace": "\(DurationValue.format(supervision.stopGrace))"])
            send(SIGTERM, to: pid)
            l.waits.append(.after(supervision.stopGrace, .graceExpired(pid)))
            return nil

        case .graceExpired(let pid):
            guard l.current == pid else { return nil }
            logger.warning("chronyd did not stop within the grace: killing it", metadata: [
                "pid": "\(pid)", "grace": "\(DurationValue.format(supervision.stopGrace))"])
            send(SIGKILL, to: pid)
            return nil

        case .unresponsive(let pid, let silence):
            guard l.current == pid, !l.stopping, l.reloading != pid, l.killedSilent?.pid != pid else { return nil }
            l.killedSilent = (pid, silence)
            logger.error("chronyd does not answer: killing it", metadata: [
                "pid": "\(pid)", "silent_for": "\(DurationValue.format(silence))",
                "unresponsive_timeout": "\(DurationValue.format(supervision.unresponsiveTimeout))"])
            send(SIGKILL, to: pid)
            return nil

        case .exited(let pid, let exit):
            guard l.current == pid else { return nil }
            l.current = nil
            state.update { s in
                s.chronydPID = nil
                s.chronydStartedAt = nil
                s.lastAnswerAt = nil
                s.reports = nil
            }
            apply(.down, pid: nil)
            if l.stopping {
                logger.info("chronyd stopped", metadata: ["pid": "\(pid)", "exit": "\(exit)"])
                return 0
            }
            if l.reloading == pid {
                l.reloading = nil
                let reloads = state.update { s in
                    s.reloads += 1
                    return s.reloads
                }
                logger.notice("reload: starting chronyd with the new configuration", metadata: [
                    "stopped": "\(pid)", "exit": "\(exit)", "reloads": "\(reloads)"])
                return start(&l)
            }
            var reason = "chronyd \(exit)"
            if let killed = l.killedSilent, killed.pid == pid {
                reason = "chronyd did not answer for \(DurationValue.format(killed.silence)) and was killed"
            }
            return failed(reason: reason, exitCode: exit.exitCode, &l)

        case .restartDue:
            guard !l.stopping, l.current == nil else { return nil }
            let restarts = state.update { s in
                s.restarts += 1
                return s.restarts
            }
            metrics?.recordRestart()
            logger.notice("restarting chronyd", metadata: ["reason": "\(l.lastFailure)", "restarts": "\(restarts)"])
            return start(&l)
        }
    }

    /// A stop request: the first one stops chronyd (the same signal, SIGKILL after the
    /// grace); later ones are passed on.
    private func stop(because signal: Int32, _ l: inout Lifecycle) -> Int32? {
        if l.stopping {
            if let pid = l.current { send(signal, to: pid) }
            return nil
        }
        l.stopping = true
        enterStopping(because: signal)
        guard let pid = l.current else {
            logger.info("stop requested while chronyd is down", metadata: ["signal": "\(Signals.name(signal))"])
            return 0
        }
        logger.info("stop requested: stopping chronyd", metadata: [
            "signal": "\(Signals.name(signal))", "pid": "\(pid)", "grace": "\(DurationValue.format(supervision.stopGrace))"])
        send(signal, to: pid)
        l.waits.append(.after(supervision.stopGrace, .graceExpired(pid)))
        return nil
    }

    /// SIGHUP: check the configuration off the event loop (chronyd's parser runs), then act
    /// on `.reconfigured`.
    private func requestReload(_ l: inout Lifecycle) {
        guard !l.stopping else { return }
        guard let reconfigure else {
            logger.notice("SIGHUP ignored: no reload configured")
            return
        }
        guard !l.reloadChecking, l.reloading == nil else {
            logger.info("reload already under way: SIGHUP merged into it")
            return
        }
        l.reloadChecking = true
        logger.info("reload requested: rendering and checking chrony.conf", metadata: ["signal": "SIGHUP"])
        l.waits.append(.reconfigure(reconfigure))
    }

    /// Starts chronyd; a failure to start counts as a failed run with status 127.
    private func start(_ l: inout Lifecycle) -> Int32? {
        let started: StartedChronyd
        do {
            started = try launcher.launch()
        } catch {
            logger.error("cannot start chronyd", metadata: ["error": "\(error)"])
            return failed(reason: "\(error)", exitCode: 127, &l)
        }
        let pid = started.pid
        l.current = pid
        state.update { s in
            s.chronydPID = pid
            s.chronydStartedAt = .now
            s.lastAnswerAt = nil
        }
        logger.info("chronyd started", metadata: ["pid": "\(pid)", "command": "\(launcher.description)"])
        apply(.silent, pid: pid)
        l.waits.append(.exit(started))
        return nil
    }

    /// chronyd ended (or could not start) unasked: restart after the backoff, or give up.
    private func failed(reason: String, exitCode: Int32, _ l: inout Lifecycle) -> Int32? {
        l.lastFailure = reason
        let now = ContinuousClock.now - l.origin
        let policy = supervision.restartPolicy
        switch l.history.recordFailure(at: now, exitCode: exitCode) {
        case .restart(let delay):
            logger.warning("chronyd ended unasked", metadata: [
                "reason": "\(reason)", "restart_in": "\(DurationValue.format(delay))",
                "failures_in_window": "\(l.history.failures.count)", "restart_max": "\(policy.maxRestarts)",
                "window": "\(DurationValue.format(policy.window))"])
            l.waits.append(.after(delay, .restartDue))
            return nil
        case .giveUp(let code):
            let message: Logger.Message = policy.maxRestarts == 0
                ? "chronyd ended and RESTART_MAX is 0: giving up"
                : "chronyd failed more often than the restart budget allows: giving up"
            logger.error(message, metadata: [
                "reason": "\(reason)", "chronyd_status": "\(exitCode)", "exit_code": "\(code)",
                "restart_max": "\(policy.maxRestarts)", "window": "\(DurationValue.format(policy.window))"])
            return code
        }
    }

    /// Sends `signal` to chronyd; says so when the kernel refuses (EPERM: chronyd runs as its
    /// own user and the container lacks CAP_KILL), instead of silently waiting out a grace.
    func send(_ signal: Int32, to pid: pid_t) {
        let code = launcher.signal(signal, to: pid)
        guard code != 0 else { return }
        logger.error("cannot signal chronyd", metadata: [
            "pid": "\(pid)", "signal": "\(Signals.name(signal))", "error": "\(String(cString: strerror(code)))",
            "hint": "\(code == EPERM ? "chronyd runs as another user: the container needs CAP_KILL" : "")"])
    }
}
