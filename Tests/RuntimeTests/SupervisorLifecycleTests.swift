import ChronyKit
import ChronyRuntime
import Foundation
import Synchronization
import Testing

/// The supervisor's lifecycle in-process, in milliseconds: a `FakeChronyd` instead of a
/// process (see there why), the real event loop, policies with millisecond durations.
@Suite struct SupervisorLifecycleTests {
    /// Seconds a wait may take. The steps take milliseconds; each test runs on a thread of its
    /// own (`onOwnThread`), as the shared cooperative pool may be blocked by the synchronous
    /// real-process tests running in parallel.
    static let patience: Double = 60

    static let chrony: ChronySettings = {
        try! ChronySettings.resolve(SettingsSource(environment: ["NTP_SERVERS": "127.0.0.1"]))
    }()

    static func supervision(restartMax: Int = 0, grace: Duration = .milliseconds(20),
                            unresponsive: Duration = .seconds(60)) -> SupervisionSettings {
        SupervisionSettings(stopGrace: grace,
                            restartPolicy: RestartPolicy(maxRestarts: restartMax, window: .seconds(60),
                                                         initialDelay: .milliseconds(1), maxDelay: .milliseconds(4)),
                            pollInterval: .milliseconds(10), unresponsiveTimeout: unresponsive)
    }

    static func supervisor(_ fake: FakeChronyd, _ supervision: SupervisionSettings,
                           observer: FakeObserver = FakeObserver(),
                           reconfigure: (@Sendable () throws -> Void)? = nil) -> Supervisor {
        Supervisor(SupervisorConfiguration(
            supervision: supervision, launcher: fake, observer: observer, notifier: SystemdNotifier(environment: [:]),
            health: HealthPolicy(settings: chrony, thresholds: HealthThresholds()), reconfigure: reconfigure))
    }

    /// tini's sweep: chronyd ends with every status 0–255 and `run` gives up with the
    /// documented one (its own; 1 for 0).
    @Test func everyExitStatusGivesUpWithAFailureStatus() async throws {
        try await onOwnThread { () async throws in
            for status in Int32(0)...255 {
                let fake = FakeChronyd(onLaunch: { _ in .exited(status) })
                let (signals, _) = AsyncStream.makeStream(of: Int32.self)
                let code = try await Self.supervisor(fake, Self.supervision()).run(signals: signals)
                #expect(code == RestartPolicy.giveUpStatus(chronydStatus: status), "chronyd exited \(status)")
                #expect(code != 0 && fake.launched.count == 1)
            }
        }
    }

    /// Deaths by each catchable signal give up with 128 + the signal, after the budget.
    @Test func deathByEachCatchableSignalGivesUpWith128PlusIt() async throws {
        try await onOwnThread { () async throws in
            for signal in Int32(1)...31 where signal != SIGKILL && signal != SIGSTOP {
                let fake = FakeChronyd(onLaunch: { _ in .signaled(signal) })
                let (signals, _) = AsyncStream.makeStream(of: Int32.self)
                let supervisor = Self.supervisor(fake, Self.supervision(restartMax: 2))
                let code = try await supervisor.run(signals: signals)
                #expect(code == 128 + signal, "chronyd killed by \(Signals.name(signal))")
                #expect(fake.launched.count == 3 && supervisor.state.snapshot.restarts == 2)
            }
        }
    }

    @Test func sigtermStopsChronydWithTheSameSignalAndExitsZero() async throws {
        try await onOwnThread { () async throws in
            for stop in [SIGTERM, SIGINT, SIGQUIT] {
                let fake = FakeChronyd()
                let (signals, send) = AsyncStream.makeStream(of: Int32.self)
                let supervisor = Self.supervisor(fake, Self.supervision())
                async let code = supervisor.run(signals: signals)
                try await waitUntilAsync(timeout: Self.patience, "chronyd runs") { fake.launched.count == 1 }
                send.yield(stop)
                #expect(try await code == 0)
                #expect(fake.signals.map(\.signal) == [stop])
                #expect(supervisor.state.snapshot.state == .stopping)
            }
        }
    }

    @Test func aChronydIgnoringSigtermIsKilledAfterTheGrace() async throws {
        try await onOwnThread { () async throws in
            let fake = FakeChronyd(onSignal: { $0 == SIGKILL ? .signaled(SIGKILL) : nil })
            let (signals, send) = AsyncStream.makeStream(of: Int32.self)
            async let code = Self.supervisor(fake, Self.supervision(grace: .milliseconds(30))).run(signals: signals)
            try await waitUntilAsync(timeout: Self.patience, "chronyd runs") { fake.launched.count == 1 }
            send.yield(SIGTERM)
            #expect(try await code == 0)
            #expect(fake.signals.map(\.signal) == [SIGTERM, SIGKILL])
        }
    }

    @Test func sigusrIsNotForwarded() async throws {
        try await onOwnThread { () async throws in
            let fake = FakeChronyd()
            let (signals, send) = AsyncStream.makeStream(of: Int32.self)
            let supervisor = Self.supervisor(fake, Self.supervision())
            async let code = supervisor.run(signals: signals)
            try await waitUntilAsync(timeout: Self.patience, "chronyd runs") { fake.launched.count == 1 }
            send.yield(SIGUSR1)
            send.yield(SIGUSR2)
            send.yield(SIGTERM)
            #expect(try await code == 0)
            #expect(fake.signals.map(\.signal) == [SIGTERM], "only the stop reached chronyd")
            #expect(fake.launched.count == 1)
        }
    }

    /// SIGHUP with a good configuration: chronyd restarted gracefully, not a failure.
    @Test func sighupReloadsByARestartThatIsNoFailure() async throws {
        try await onOwnThread { () async throws in
            let fake = FakeChronyd()
            let checks = Atomic(0)
            let (signals, send) = AsyncStream.makeStream(of: Int32.self)
            // RESTART_MAX=0: a reload counted as a failure would end `run`.
            let supervisor = Self.supervisor(fake, Self.supervision(restartMax: 0)) { checks.add(1, ordering: .relaxed) }
            async let code = supervisor.run(signals: signals)
            try await waitUntilAsync(timeout: Self.patience, "chronyd runs") { fake.launched.count == 1 }
            for round in 1...3 {
                send.yield(SIGHUP)
                try await waitUntilAsync(timeout: Self.patience, "reload \(round) starts a new chronyd") { fake.launched.count == round + 1 }
            }
            send.yield(SIGTERM)
            #expect(try await code == 0)
            #expect(checks.load(ordering: .relaxed) == 3)
            #expect(fake.signals.map(\.signal) == [SIGTERM, SIGTERM, SIGTERM, SIGTERM])
            #expect(fake.signals.map(\.pid) == fake.launched, "each chronyd stopped once, the last by the stop")
            let s = supervisor.state.snapshot
            #expect(s.reloads == 3 && s.restarts == 0 && s.lastReloadError == nil)
        }
    }

    /// SIGHUP with a bad configuration: refused, chronyd untouched, the error kept.
    @Test func sighupWithABadConfigurationKeepsChronyd() async throws {
        try await onOwnThread { () async throws in
            struct Bad: Error, CustomStringConvertible { var description: String { "NTP_SERVERS: bad" } }
            let fake = FakeChronyd()
            let (signals, send) = AsyncStream.makeStream(of: Int32.self)
            let supervisor = Self.supervisor(fake, Self.supervision()) { throw Bad() }
            async let code = supervisor.run(signals: signals)
            try await waitUntilAsync(timeout: Self.patience, "chronyd runs") { fake.launched.count == 1 }
            send.yield(SIGHUP)
            try await waitUntilAsync(timeout: Self.patience, "the reload is refused") { supervisor.state.snapshot.lastReloadError != nil }
            #expect(supervisor.state.snapshot.lastReloadError == "NTP_SERVERS: bad")
            #expect(fake.signals.isEmpty && fake.launched.count == 1)
            send.yield(SIGTERM)
            #expect(try await code == 0)
        }
    }

    /// Restarts back off and count; the budget spent gives up.
    @Test func restartsBackOffAndGiveUpWhenTheBudgetIsSpent() async throws {
        try await onOwnThread { () async throws in
            let fake = FakeChronyd(onLaunch: { _ in .exited(3) })
            let (signals, _) = AsyncStream.makeStream(of: Int32.self)
            let supervisor = Self.supervisor(fake, Self.supervision(restartMax: 4))
            #expect(try await supervisor.run(signals: signals) == 3)
            #expect(fake.launched.count == 5 && supervisor.state.snapshot.restarts == 4)
        }
    }

    /// A chronyd that stops answering is killed after UNRESPONSIVE_TIMEOUT and restarted;
    /// the kill counts against the budget.
    @Test func aSilentChronydIsKilledAndRestarted() async throws {
        try await onOwnThread { () async throws in
            let fake = FakeChronyd()
            let observer = FakeObserver { fake.launched.count >= 2 }  // the first chronyd is frozen
            let (signals, send) = AsyncStream.makeStream(of: Int32.self)
            let supervisor = Self.supervisor(fake, Self.supervision(restartMax: 1, unresponsive: .milliseconds(50)),
                                             observer: observer)
            async let code = supervisor.run(signals: signals)
            try await waitUntilAsync(timeout: Self.patience, "the silent chronyd is replaced") { fake.launched.count == 2 }
            #expect(fake.signals.first.map { [$0.pid, pid_t($0.signal)] } == [fake.launched[0], pid_t(SIGKILL)])
            #expect(supervisor.state.snapshot.restarts == 1)
            try await waitUntilAsync(timeout: Self.patience, "the second chronyd answers") { supervisor.state.snapshot.lastAnswerAt != nil }
            send.yield(SIGTERM)
            #expect(try await code == 0)
            #expect(fake.launched.count == 2)
        }
    }

    @Test func aSilentChronydBeyondTheBudgetGivesUpWithSigkillsStatus() async throws {
        try await onOwnThread { () async throws in
            let fake = FakeChronyd()
            let observer = FakeObserver { false }
            let (signals, _) = AsyncStream.makeStream(of: Int32.self)
            let code = try await Self.supervisor(fake, Self.supervision(restartMax: 0, unresponsive: .milliseconds(50)),
                                                 observer: observer).run(signals: signals)
            #expect(code == 128 + SIGKILL)
        }
    }

    /// A service that cannot start refuses the run: its error, and chronyd never started.
    @Test func aServiceThatCannotStartRefusesTheRun() async throws {
        try await onOwnThread { () async throws in
            struct Taken: Error {}
            struct Refusing: SupervisedService {
                let name = "http"
                func run(state: SupervisorState, started: @escaping @Sendable () -> Void) async throws { throw Taken() }
            }
            let fake = FakeChronyd()
            let (signals, _) = AsyncStream.makeStream(of: Int32.self)
            await #expect(throws: Taken.self) {
                _ = try await Self.supervisor(fake, Self.supervision()).run(signals: signals, services: [Refusing()])
            }
            #expect(fake.launched.isEmpty)
        }
    }

    /// A service failing after its start is recorded in the state; supervision goes on.
    @Test func aServiceFailingLaterIsVisibleInTheState() async throws {
        try await onOwnThread { () async throws in
            struct Broke: Error, CustomStringConvertible { var description: String { "listener closed" } }
            struct Failing: SupervisedService {
                let name = "http"
                func run(state: SupervisorState, started: @escaping @Sendable () -> Void) async throws {
                    started()
                    throw Broke()
                }
            }
            let fake = FakeChronyd()
            let (signals, send) = AsyncStream.makeStream(of: Int32.self)
            let supervisor = Self.supervisor(fake, Self.supervision())
            async let code = supervisor.run(signals: signals, services: [Failing()])
            try await waitUntilAsync(timeout: Self.patience, "the failure is recorded and chronyd started") {
                    supervisor.state.snapshot.failedServices["http"] != nil && fake.launched.count == 1
                }
            #expect(supervisor.state.snapshot.failedServices["http"] == "listener closed")
            #expect(fake.launched.count == 1)
            send.yield(SIGTERM)
            #expect(try await code == 0)
        }
    }
}
