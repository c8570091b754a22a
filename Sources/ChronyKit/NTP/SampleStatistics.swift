/// Smallest, middle and largest of a set of values.
public struct Spread: Sendable, Hashable, Encodable {
    public let min: Double
    public let median: Double
    public let max: Double

    public init(min: Double, median: Double, max: Double) {
        self.min = min
        self.median = median
        self.max = max
    }
}

/// Statistics of a probe's samples.
public enum SampleStatistics {
    /// Min, median (the mean of the middle two for an even count) and max; nil when empty.
    public static func spread(_ values: [Double]) -> Spread? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        let median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        return Spread(min: sorted[0], median: median, max: sorted[sorted.count - 1])
    }

    /// Jitter: the root mean square of the differences between successive offsets,
    /// √(Σ (θᵢ − θᵢ₋₁)² / (n − 1)) — how much the measured offset moves from one sample to
    /// the next (the successive-difference form of RFC 5905's jitter, as ntpd's system
    /// jitter). Needs two samples; nil otherwise.
    public static func jitter(_ offsets: [Double]) -> Double? {
        guard offsets.count >= 2 else { return nil }
        var sum = 0.0
        for index in 1..<offsets.count {
            let difference = offsets[index] - offsets[index - 1]
            sum += difference * difference
        }
        return (sum / Double(offsets.count - 1)).squareRoot()
    }
}
