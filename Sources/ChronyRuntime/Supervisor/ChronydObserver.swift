import ChronyKit
import Dispatch

/// One poll of chronyd: what the state machine needs, and the reports it came from.
public struct ChronydReading: Sendable, Equatable {
    public var observation: Observation
    /// The reports read (tracking and sources), nil when chronyd did not answer.
    public var reports: ReportSet?
    /// Why chronyd did not answer, when it did not.
    public var failure: String?

    public init(observation: Observation, reports: ReportSet? = nil, failure: String? = nil) {
        self.observation = observation
        self.reports = reports
        self.failure = failure
    }
}

/// Asks a running chronyd how it is doing. The supervisor calls it only while chronyd's
/// process runs, one poll at a time.
public protocol ChronydObserver: Sendable {
    /// One poll; `observation.processAlive` is true, `observation.answers` says whether
    /// chronyd replied.
    func observe() async -> ChronydReading
}

/// Polls chronyd with one `chronyc -c -m tracking sources` through `ChronycClient`, on a
/// queue of its own (chronyc runs block; they must not hold a Swift concurrency thread).
public struct ChronycObserver: ChronydObserver {
    public let client: ChronycClient
    private let queue = DispatchQueue(label: "chronyvisor.poll")

    public init(client: ChronycClient) {
        self.client = client
    }

    public func observe() async -> ChronydReading {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: read()) }
        }
    }

    func read() -> ChronydReading {
        do {
            let reports = try client.fetch([.tracking, .sources])
            return ChronydReading(observation: Observation(reports: reports), reports: reports)
        } catch {
            return ChronydReading(observation: .silent, failure: error.description)
        }
    }
}
