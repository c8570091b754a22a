import ChronyKit

/// Asks a running chronyd for the facts the state machine needs. The supervisor calls it
/// only while chronyd's process runs, at most once at a time.
public protocol ChronydObserver: Sendable {
    /// One poll: `processAlive` is true; `answers` tells whether chronyd replied.
    func observe() async -> Observation
}
