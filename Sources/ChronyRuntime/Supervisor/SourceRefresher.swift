import ChronyKit
import Logging
import Synchronization

/// Runs `chronyc refresh` after a poll when `SourceRefreshPolicy` says it is due, so chronyd
/// resolves the names of sources that stopped answering (a restarted relay's new address).
public final class SourceRefresher: Sendable {
    /// What one refresh did.
    public enum Outcome: Sendable, Equatable {
        /// chronyd accepted it (`200 OK`).
        case refreshed(unreachable: [String])
        /// chronyc failed or chronyd refused; the message says why.
        case failed(String)
    }

    public let client: ChronycClient
    public let policy: SourceRefreshPolicy
    private let logger: Logger
    private let lastRefresh = Mutex<ContinuousClock.Instant?>(nil)

    public init(client: ChronycClient, policy: SourceRefreshPolicy = SourceRefreshPolicy(), logger: Logger) {
        self.client = client
        self.policy = policy
        self.logger = logger
    }

    /// Refreshes when due after a poll that read `reports`; nil when not due. Blocks while
    /// chronyc runs (milliseconds; at most the client's timeout).
    @discardableResult
    public func afterPoll(_ reports: ReportSet) -> Outcome? {
        let sources = reports.sources ?? []
        let now = ContinuousClock.now
        let due = lastRefresh.withLock { last -> Bool in
            guard policy.isDue(sources: sources, sinceLastRefresh: last.map { now - $0 }) else { return false }
            last = now
            return true
        }
        guard due else { return nil }
        let names = SourceRefreshPolicy.unreachable(sources).map(\.name)
        let outcome: Outcome
        do {
            try client.command(["refresh"])
            outcome = .refreshed(unreachable: names)
        } catch {
            outcome = .failed(error.description)
        }
        switch outcome {
        case .refreshed:
            logger.info("sources not answering: chronyd resolves their names again",
                        metadata: ["unreachable": "\(names.joined(separator: ","))"])
        case .failed(let why):
            logger.warning("chronyc refresh failed", metadata: ["error": "\(why)"])
        }
        return outcome
    }
}
