import ChronyKit
import Logging
import Synchronization

/// Keeps chronyd's sources right after each poll, through chronyc:
/// - `chronyc reselect` when `ReselectPolicy` says the selected source was lost while
///   another answers (chronyd 4.3 would follow the lost one for minutes);
/// - `chronyc refresh` when `SourceRefreshPolicy` says it is due (and `refreshesNames`), so
///   chronyd resolves the names of sources that stopped answering (a restarted relay's new
///   address).
public final class SourceUpkeep: Sendable {
    /// What one refresh did.
    public enum Outcome: Sendable, Equatable {
        /// chronyd accepted it (`200 OK`).
        case refreshed(unreachable: [String])
        /// chronyc failed or chronyd refused; the message says why.
        case failed(String)
    }

    public let client: ChronycClient
    public let policy: SourceRefreshPolicy
    public let reselect: ReselectPolicy
    /// Whether names are refreshed at all (only settings that name sources by host name).
    public let refreshesNames: Bool
    private let logger: Logger
    private let lastRefresh = Mutex<ContinuousClock.Instant?>(nil)
    private let lastReselect = Mutex<ContinuousClock.Instant?>(nil)

    public init(client: ChronycClient, policy: SourceRefreshPolicy = SourceRefreshPolicy(),
                reselect: ReselectPolicy = ReselectPolicy(), refreshesNames: Bool = true, logger: Logger) {
        self.client = client
        self.policy = policy
        self.reselect = reselect
        self.refreshesNames = refreshesNames
        self.logger = logger
    }

    /// Reselects and refreshes when due after a poll that read `reports`; returns what the
    /// refresh did (nil when none was due). Blocks while chronyc runs (milliseconds; at most
    /// the client's timeout).
    @discardableResult
    public func afterPoll(_ reports: ReportSet) -> Outcome? {
        let sources = reports.sources ?? []
        reselectIfDue(sources)
        guard refreshesNames else { return nil }
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

    /// `chronyc reselect` when the selected source stopped answering and another answers.
    private func reselectIfDue(_ sources: [SourceReport]) {
        let now = ContinuousClock.now
        let due = lastReselect.withLock { last -> Bool in
            guard reselect.isDue(sources: sources, sinceLast: last.map { now - $0 }) else { return false }
            last = now
            return true
        }
        guard due, let lost = ReselectPolicy.lostSelection(sources) else { return }
        do {
            try client.command(["reselect"])
            logger.info("selected source stopped answering: chronyd selects again", metadata: ["lost": "\(lost.name)"])
        } catch {
            logger.warning("chronyc reselect failed", metadata: ["error": "\(error)"])
        }
    }
}
