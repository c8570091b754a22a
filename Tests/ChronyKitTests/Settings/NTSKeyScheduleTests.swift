import Testing
@testable import ChronyKit

/// The shared NTS key schedule: parsing (bad files name the line) and the four keys chronyd
/// holds at a given time, written in the `ntskeys` format chrony 4.3–4.8 loads.
@Suite struct NTSKeyScheduleTests {
    static func key(_ n: Int) -> String { String(repeating: String(n % 10), count: 64) }
    static func text(count: Int = 6, period: Int = 100, start: Int = 1000) -> String {
        "# a comment\nperiod \(period)\nstart \(start)   # inline comment\n\n"
            + (0..<count).map { "key \(key($0))\n" }.joined()
    }

    @Test func parsesTheFileScriptsNtsKeyScheduleWrites() throws {
        let s = try NTSKeySchedule.parse(Self.text())
        #expect(s.period == 100 && s.start == 1000 && s.keys.count == 6)
        #expect(s.keys[5] == Self.key(5))
    }

    @Test(arguments: [
        ("period 100\nstart 1\nkey abc\n", "line 3"),
        ("period 10\nstart 1\n", "at least 60"),
        ("start 1\n" + (0..<4).map { "key \(NTSKeyScheduleTests.key($0))\n" }.joined(), "no `period`"),
        ("period 100\n" + (0..<4).map { "key \(NTSKeyScheduleTests.key($0))\n" }.joined(), "no `start`"),
        ("period 100\nstart 1\n" + (0..<3).map { "key \(NTSKeyScheduleTests.key($0))\n" }.joined(), "at least four"),
        ("period 100\nstart 1\n" + (0..<4).map { _ in "key \(NTSKeyScheduleTests.key(1))\n" }.joined(), "twice"),
        ("period 100\nstart 1\nsecret 42\n", "line 3: unknown word"),
        ("period 100 200\n", "line 1: expected"),
    ])
    func refusesWhatIsNoSchedule(text: String, expected: String) {
        let error = #expect(throws: NTSKeySchedule.Invalid.self) { try NTSKeySchedule.parse(text) }
        #expect(error?.description.contains(expected) == true, "\(String(describing: error))")
    }

    /// Key N is current from start + N * period; chronyd holds two previous, the current and
    /// the next, ids consecutive; before the start and after the end, the first or last four.
    @Test func theWindowFollowsTheClock() throws {
        let s = try NTSKeySchedule.parse(Self.text(count: 6))
        let early = s.window(at: 0)
        #expect(early.firstID == 0 && early.currentID == 2 && early.keys == (0...3).map(Self.key) && !early.ranOut)
        let third = s.window(at: 1000 + 3 * 100 + 42)
        #expect(third.firstID == 1 && third.currentID == 3 && third.keys == (1...4).map(Self.key))
        #expect(third.age == 42 && third.nextChange == 1400)
        let last = s.window(at: 1000 + 4 * 100)
        #expect(last.currentID == 4 && !last.ranOut && last.nextChange == nil)
        let after = s.window(at: 1000 + 9 * 100)
        #expect(after.currentID == 4 && after.ranOut && after.keys == (2...5).map(Self.key))
    }

    /// chrony's own dump format (nts_ke_server.c save_keys, "NKS0"): identifier, algorithm 15
    /// and age, four `%08X KEY` lines, the current key third.
    @Test func ntskeysIsChronysFormat() throws {
        let w = try NTSKeySchedule.parse(Self.text(count: 6)).window(at: 1000 + 3 * 100 + 42)
        #expect(w.ntskeysText == "NKS0\n15 42.0\n00000001 \(Self.key(1))\n00000002 \(Self.key(2))\n00000003 \(Self.key(3))\n00000004 \(Self.key(4))\n")
    }
}
