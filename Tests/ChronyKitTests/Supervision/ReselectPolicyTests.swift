import Testing
@testable import ChronyKit

/// From captured gateway reports (HealthPolicyTests' fixtures), edited where a state needs a
/// stopped relay that the capture did not catch at the right moment.
@Suite struct ReselectPolicyTests {
    static func sources(_ state: String, reach: [String: Int] = [:]) throws -> [SourceReport] {
        try HealthPolicyTests.reports(state).sources!.map { source in
            var s = source
            if let r = reach[s.name] { s.reach = r }
            return s
        }
    }

    @Test func selectedSourceLostWhileOthersAnswer() throws {
        let sources = try Self.sources("gateway-synchronised", reach: ["127.0.0.61": 0o374])
        #expect(ReselectPolicy.lostSelection(sources)?.name == "127.0.0.61")
        #expect(ReselectPolicy().isDue(sources: sources, sinceLast: nil))
        #expect(!ReselectPolicy().isDue(sources: sources, sinceLast: .seconds(1)), "at most once per interval")
        #expect(ReselectPolicy().isDue(sources: sources, sinceLast: .seconds(5)))
    }

    @Test func nothingToDoWhileTheSelectedSourceAnswers() throws {
        #expect(ReselectPolicy.lostSelection(try Self.sources("gateway-synchronised")) == nil)
        #expect(ReselectPolicy.lostSelection(try Self.sources("gateway-two-relays-down")) == nil)
    }

    @Test func noReselectionWithoutAnAlternative() throws {
        // Every relay down: chronyd has nothing better to pick.
        #expect(ReselectPolicy.lostSelection(try Self.sources("gateway-all-relays-down")) == nil)
        // The only other answering source is a falseticker.
        var sources = try Self.sources("gateway-synchronised", reach: ["127.0.0.61": 0o374, "127.0.0.62": 0])
        sources[2].state = .falseticker
        #expect(ReselectPolicy.lostSelection(sources) == nil)
    }
}
