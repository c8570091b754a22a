import ChronyKit
import Logging
import Synchronization
/// Keeps chronyd running as the child of chronyvisor (PID 1 in a container) and knows how
/// it is doing.
///
/// One event loop owns chronyd's lifecycle: it starts chronyd, forwards signals to it,
/// restarts it with backoff when it dies unasked (`RestartHistory`), and stops it on
/// SIGTERM/SIGINT (STOPPING=1, the same signal to chronyd, SIGKILL after the grace). Next to
/// it, in one task group: the poll loop (observes chronyd, drives `NodeState.evaluate`,
/// sends STATUS= and READY=1), the watchdog pinger, and any `SupervisedService`.
public final class Supervisor: Sendable {
    /// The state others read (health endpoints, metrics).
    public let state: SupervisorState
    let chrony: ChronySettings
    let supervision: SupervisionSettings
    let command: ChronydCommand
    let observer: any ChronydObserver
    let notifier: SystemdNotifier
    /// The health policy applied after every poll (nil: no verdicts, e.g. in some tests).
    let health: HealthPolicy?
    /// Where each poll is recorded for /metrics (nil: no metrics).
    let metrics: ChronyMetrics?
    /// A gateway's start-up burst (nil: none; see `StartupBurst`).
    let accelerator: StartupAccelerator?
    let logger = Logger(label: "chronyvisor")
    /// Serialises state transitions with their log line and notification, so STATUS= lines
    /// reach systemd in the order the states were entered (state readers never wait on it).
    let transitions = Mutex(())

    public init(chrony: ChronySettings, supervision: SupervisionSettings, command: ChronydCommand,
                observer: any ChronydObserver, notifier: SystemdNotifier, health: HealthPolicy? = nil,
                metrics: ChronyMetrics? = nil, accelerator: StartupAccelerator? = nil,
                state: SupervisorState = SupervisorState()) {
        self.accelerator = accelerator
        self.health = health
        self.metrics = metrics
        self.chrony = chrony
        self.supervision = supervision
        self.command = command
        self.observer = observer
        self.notifier = notifier
        self.state = state
    }

    enum Event: Sendable {
        case signal(Int32)
        case exited(pid_t, ChildExit)
        case restartDue
        case graceExpired(pid_t)
    }

    /// Supervises until a requested stop (returns 0) or until the restart budget is spent
    /// (returns chronyd's status, or 128 + signal). `signals` are the caught signals.
    public func run(signals: AsyncStream<Int32>, services: [any SupervisedService] = []) async -> Int32 {
        let (events, post) = AsyncStream.makeStream(of: Event.self)
        return await withTaskGroup(of: Int32?.self) { group in
            group.addTask {
                for await signal in signals { post.yield(.signal(signal)) }
                return nil
            }
            group.addTask { await self.pollLoop(); return nil }
            if let interval = notifier.watchdogInterval {
                group.addTask { await self.watchdogLoop(every: interval); return nil }
            }
            for service in services {
                group.addTask {
                    do {
                        try await service.run(state: self.state)
                    } catch where !(error is CancellationError) {
                        self.logger.error("service failed", metadata: ["service": "\(service.name)", "error": "\(error)"])
                    } catch {}
                    return nil
                }
            }
            group.addTask { await self.eventLoop(events, post: post) }
            var code = ExitStatus.failure
            for await result in group {
                if let result { code = result; break }
            }
            post.finish()
            group.cancelAll()
            return code
        }
    }

    // MARK: chronyd's lifecycle

    private func eventLoop(_ events: AsyncStream<Event>, post: AsyncStream<Event>.Continuation) async -> Int32 {
        var lifecycle = Lifecycle(history: RestartHistory(policy: supervision.restartPolicy))
        if let code = start(&lifecycle, post: post) { return code }
        for await event in events {
            if let code = handle(event, &lifecycle, post: post) { return code }
        }
        return ExitStatus.failure
    }

    /// The event loop's own bookkeeping.
    struct Lifecycle {
        var history: RestartHistory
        let origin = ContinuousClock.now
        var current: pid_t?
        var stopping = false
        /// The last signal forwarded to the running chronyd (named when it then dies).
        var lastForwarded: Int32?
        var lastFailure = ""
    }

    private func handle(_ event: Event, _ l: inout Lifecycle, post: AsyncStream<Event>.Continuation) -> Int32? {
        switch event {
        case .signal(let signal) where signal == SIGTERM || signal == SIGINT:
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
            after(supervision.stopGrace, post: post, .graceExpired(pid))
            return nil

        case .signal(let signal):
            guard let pid = l.current else {
                logger.info("signal not forwarded: chronyd is down", metadata: ["signal": "\(Signals.name(signal))"])
                return nil
            }
            send(signal, to: pid)
            l.lastForwarded = signal
            logger.info("signal forwarded to chronyd", metadata: ["signal": "\(Signals.name(signal))", "pid": "\(pid)"])
            return nil

        case .graceExpired(let pid):
            guard l.current == pid else { return nil }
            logger.warning("chronyd did not stop within the grace: killing it", metadata: [
                "pid": "\(pid)", "grace": "\(DurationValue.format(supervision.stopGrace))"])
            send(SIGKILL, to: pid)
            return nil

        case .exited(let pid, let exit):
            guard l.current == pid else { return nil }
            l.current = nil
            state.update { s in
                s.chronydPID = nil
                s.chronydStartedAt = nil
                s.lastExit = exit
                s.reports = nil
            }
            apply(.down, pid: nil)
            if l.stopping {
                logger.info("chronyd stopped", metadata: ["pid": "\(pid)", "exit": "\(exit)"])
                return 0
            }
            var reason = "chronyd \(exit)"
            if let signal = l.lastForwarded { reason += " after a forwarded \(Signals.name(signal))" }
            return failed(reason: reason, exitCode: exit.exitCode, &l, post: post)

        case .restartDue:
            guard !l.stopping, l.current == nil else { return nil }
            let restarts = state.update { s in
                s.restarts += 1
                return s.restarts
            }
            metrics?.recordRestart()
            logger.notice("restarting chronyd", metadata: ["reason": "\(l.lastFailure)", "restarts": "\(restarts)"])
            return start(&l, post: post)
        }
    }

    /// Starts chronyd; a failure to start counts as a failed run with status 127.
    private func start(_ l: inout Lifecycle, post: AsyncStream<Event>.Continuation) -> Int32? {
        let launched: ChronydLauncher.Launched
        do {
            launched = try ChronydLauncher.launch(command)
        } catch {
            logger.error("cannot start chronyd", metadata: ["error": "\(error)"])
            return failed(reason: "\(error)", exitCode: 127, &l, post: post)
        }
        let pid = launched.pid
        l.current = pid
        l.lastForwarded = nil
        state.update { s in
            s.chronydPID = pid
            s.chronydStartedAt = .now
        }
        logger.info("chronyd started", metadata: [
            "pid": "\(pid)", "path": "\(command.executable)", "args": "\(command.arguments.joined(separator: " "))"])
        apply(.silent, pid: pid)
        Task {
            let exit = await ChildReaper.shared.exit(of: pid)
            // chronyd's last words (a fatal error, "chronyd exiting") before anything else.
            await launched.outputDrained(timeout: .milliseconds(500))
            post.yield(.exited(pid, exit))
        }
        return nil
    }

    /// chronyd ended (or could not start) unasked: restart after the backoff, or give up.
    private func failed(reason: String, exitCode: Int32, _ l: inout Lifecycle,
                        post: AsyncStream<Event>.Continuation) -> Int32? {
        l.lastFailure = reason
        let now = ContinuousClock.now - l.origin
        let policy = supervision.restartPolicy
        switch l.history.recordFailure(at: now, exitCode: exitCode) {
        case .restart(let delay):
            logger.warning("chronyd ended unasked", metadata: [
                "reason": "\(reason)", "restart_in": "\(DurationValue.format(delay))",
                "failures_in_window": "\(l.history.failures.count)", "restart_max": "\(policy.maxRestarts)",
                "window": "\(DurationValue.format(policy.window))"])
            after(delay, post: post, .restartDue)
            return nil
        case .giveUp(let code):
            let message: Logger.Message = policy.maxRestarts == 0
                ? "chronyd ended and RESTART_MAX is 0: exiting with its status"
                : "chronyd failed more often than the restart budget allows: exiting"
            logger.error(message, metadata: [
                "reason": "\(reason)", "exit_code": "\(code)", "restart_max": "\(policy.maxRestarts)",
                "window": "\(DurationValue.format(policy.window))"])
            return code
        }
    }

    private func after(_ delay: Duration, post: AsyncStream<Event>.Continuation, _ event: Event) {
        Task {
            try? await Task.sleep(for: delay)
            post.yield(event)
        }
    }
}

extension Supervisor {
    /// Sends `signal` to chronyd; says so when the kernel refuses (EPERM: chronyd runs as its
    /// own user and the container lacks CAP_KILL), instead of silently waiting out a grace.
    func send(_ signal: Int32, to pid: pid_t) {
        guard kill(pid, signal) != 0 else { return }
        let code = errno
        guard code != ESRCH else { return }  // already gone: its exit is on the way
        logger.error("cannot signal chronyd", metadata: [
            "pid": "\(pid)", "signal": "\(Signals.name(signal))", "error": "\(String(cString: strerror(code)))",
            "hint": "\(code == EPERM ? "chronyd runs as another user: the container needs CAP_KILL" : "")"])
    }
}
