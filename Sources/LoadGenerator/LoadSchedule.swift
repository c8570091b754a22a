/// When each request of a paced run is due: request `i` (from 0) at `i / rate` seconds after
/// the start, until `duration` or `maxRequests`, whichever comes first. Pure arithmetic on
/// nanoseconds, so the sender only asks "how many are due by now?".
struct LoadSchedule: Sendable, Equatable {
    /// Offered requests per second (> 0).
    var rate: Double
    /// Seconds of sending (> 0).
    var duration: Double
    /// Upper bound on requests, whatever the rate and duration.
    var maxRequests: Int

    /// Requests the whole run offers.
    var total: Int { min(maxRequests, Int((rate * duration).rounded(.down))) }

    /// Requests due `elapsedNanoseconds` after the start (the next one is due once this grows).
    func due(atNanoseconds elapsed: UInt64) -> Int {
        let count = Int((Double(elapsed) * rate / 1e9).rounded(.down)) + 1
        return min(count, total)
    }

    /// Nanoseconds after the start at which request `index` is due.
    func dueTime(ofRequest index: Int) -> UInt64 {
        UInt64((Double(index) / rate * 1e9).rounded(.down))
    }
}
