import ChronyKit
import Logging

/// Rotates the shared NTS server keys while `run` runs: every `interval` it reads the
/// schedule again (a Kubernetes Secret's update arrives in the mounted file) and, when the
/// four keys chronyd should hold changed (the period turned, or a new schedule came), writes
/// them and asks chronyd to load them (`chronyc rekey`, which re-reads `ntskeys` only with
/// `ntsrotate 0`). Replicas given the same schedule turn at the same second of their
/// (synchronised) clocks; the next key is loaded a period ahead, so a cookie made by a replica
/// that turned first opens on one that has not yet. A failure is logged and tried again at
/// the next turn; a restarted chronyd loads the file itself.
public struct NTSKeyRotation: SupervisedService {
    public let name = "nts-keys"
    let installer: NTSKeyInstaller
    let client: ChronycClient
    let logger: Logger
    let interval: Duration

    public init(installer: NTSKeyInstaller, client: ChronycClient, logger: Logger, interval: Duration = .seconds(10)) {
        self.installer = installer
        self.client = client
        self.logger = logger
        self.interval = interval
    }

    public func run(state: SupervisorState, started: @escaping @Sendable () -> Void) async throws {
        let installer = self.installer
        var installed = try? installer.load().window(at: Int64(time(nil)))
        started()
        while !Task.isCancelled {
            try await Task.sleep(for: interval)
            do {
                let schedule = try installer.load()
                let now = Int64(time(nil))
                let window = schedule.window(at: now)
                guard window.firstID != installed?.firstID || window.keys != installed?.keys else { continue }
                try installer.install(schedule, now: now)
                installed = window
                let client = self.client
                let rekeyed: Bool = await BlockingWork.run { (try? client.command(["rekey"])) != nil }
                logger.info("NTS server keys rotated", metadata: [
                    "current_key": "\(window.currentID)", "rekey": "\(rekeyed ? "ok" : "failed: chronyd loads them when it starts")",
                    "next_change": "\(window.nextChange.map(String.init) ?? "none: the schedule has ended")"])
                if window.ranOut {
                    logger.error("the NTS key schedule has run out: its last key stays current; give the replicas a new schedule",
                                 metadata: ["file": "\(installer.schedulePath)"])
                }
            } catch {
                logger.warning("NTS server keys not rotated", metadata: ["error": "\(error)"])
            }
        }
    }
}
