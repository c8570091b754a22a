import ChronyFuzz
import ChronyKit
import Foundation
import Testing

/// The fuzz targets in the ordinary suite: every seed (made from the fixtures), every input of
/// the committed corpus and every regression input (an input that once broke a property) goes
/// through its target's checks. scripts/fuzz.sh fuzzes the same targets under libFuzzer.
@Suite struct FuzzTargetTests {
    static let fuzzDirectory = TestPaths.packageRoot.appendingPathComponent("Tests/Fuzz").path

    @Test(arguments: FuzzTargets.all.map(\.name))
    func seedsCorpusAndRegressionsHoldTheProperties(_ name: String) async throws {
        let target = try #require(FuzzTargets.named(name))
        let seeds = target.seeds(Fixtures(root: TestPaths.packageRoot.path))
        #expect(!seeds.isEmpty, "\(name) has no seeds: the fixtures were not found")
        let saved = FuzzTool.inputs(["\(Self.fuzzDirectory)/corpus/\(name)", "\(Self.fuzzDirectory)/regressions/\(name)"])
        let inputs = seeds.enumerated().map { ("seed \($0.offset)", $0.element) } + saved.map { ($0.path, $0.bytes) }
        // Off the cooperative pool: the HTTP target waits for its own tasks.
        let failures = try await offPool {
            inputs.compactMap { input -> String? in
                do throws(FuzzFailure) {
                    try target.run(input.1)
                    return nil
                } catch {
                    return "\(input.0): \(error)"
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    /// The report seeds are real answers: each parses, so fuzzing starts from inside the parser.
    @Test(arguments: ReportKind.allCases)
    func reportSeedsAreAccepted(_ kind: ReportKind) throws {
        let outputs = Fixtures(root: TestPaths.packageRoot.path).reportOutputs(kind)
        #expect(!outputs.isEmpty)
        for output in outputs {
            #expect(throws: Never.self) { try ReportSet.parse(kind, csv: Substring(output)) }
        }
    }

    /// `scripts/fuzz.sh --list` names exactly the targets the binary has, in its order.
    @Test func scriptListsEveryTarget() throws {
        let script = try String(contentsOfFile: TestPaths.packageRoot.appendingPathComponent("scripts/fuzz.sh").path, encoding: .utf8)
        let start = try #require(script.range(of: "TARGETS=\"")).upperBound
        let end = try #require(script[start...].firstIndex(of: "\""))
        let listed = script[start..<end].split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        #expect(listed == FuzzTargets.all.map(\.name))
    }
}
