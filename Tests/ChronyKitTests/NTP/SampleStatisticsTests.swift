import Testing
@testable import ChronyKit

@Suite struct SampleStatisticsTests {
    @Test func spreadOfOddAndEvenCounts() {
        #expect(SampleStatistics.spread([]) == nil)
        #expect(SampleStatistics.spread([3]) == Spread(min: 3, median: 3, max: 3))
        #expect(SampleStatistics.spread([5, -1, 3]) == Spread(min: -1, median: 3, max: 5))
        #expect(SampleStatistics.spread([4, 1, 3, 2]) == Spread(min: 1, median: 2.5, max: 4))
    }

    @Test func jitterIsTheRMSOfSuccessiveDifferences() throws {
        #expect(SampleStatistics.jitter([]) == nil)
        #expect(SampleStatistics.jitter([1e-3]) == nil)
        #expect(SampleStatistics.jitter([2, 2, 2]) == 0)
        // Differences +3, -4: √((9 + 16) / 2).
        let jitter = try #require(SampleStatistics.jitter([1, 4, 0]))
        #expect(abs(jitter - (12.5).squareRoot()) < 1e-12)
        // A constant offset has no jitter however large it is; a drift has its step size.
        #expect(SampleStatistics.jitter([10, 10.001, 10.002, 10.003]).map { abs($0 - 0.001) < 1e-9 } == true)
    }
}
