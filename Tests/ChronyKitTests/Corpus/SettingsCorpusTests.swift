import Testing
import TestSupport
@testable import ChronyKit

/// A seeded corpus of 400 mutated settings (every setting `run` reads): each is refused with
/// a one-line `SettingError` naming a variable, or accepted — and then adds no directive to
/// chrony.conf and no line chronyd would read differently.
@Suite struct SettingsCorpusTests {
    static let caseCount = 400

    static func resolveAll(_ environment: [String: String]) throws(SettingError) -> ChronySettings {
        let source = SettingsSource(environment: environment)
        let chrony = try ChronySettings.resolve(source)
        _ = try SupervisionSettings.resolve(source)
        _ = try HealthSettings.resolve(source)
        return chrony
    }

    /// The first word of every directive line of `text`.
    static func directives(_ text: String) -> Set<Substring> {
        Set(text.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { $0.split(separator: " ").first })
    }

    /// Every directive the templates can produce: the good settings rendered in each variant.
    static func knownDirectives() throws -> Set<Substring> {
        let variants: [[String: String]] = [
            [:], ["NTP_ROLE": "gateway"], ["ENABLE_NTS": "true"], ["NTP_ALLOW": "all"], ["CLOCK_CONTROL": "true"],
            ["NOCLIENTLOG": "false"], ["LOCAL_STRATUM": ""],
        ]
        var known: Set<Substring> = []
        for variant in variants {
            let settings = try resolveAll(MutationCorpus.goodSettings.merging(variant) { $1 })
            known.formUnion(directives(try ChronyConfRenderer(templates: .builtin()).render(settings)))
        }
        return known
    }

    @Test func mutatedSettingsAreRefusedOrAddNoDirective() throws {
        let known = try Self.knownDirectives()
        let names = Set(MutationCorpus.goodSettings.keys)
        var corpus = MutationCorpus(seed: 0x5E77_1265)
        var refused = 0
        for item in corpus.settings(count: Self.caseCount) {
            let environment = MutationCorpus.goodSettings.merging([item.name: item.value]) { $1 }
            let settings: ChronySettings
            do {
                settings = try Self.resolveAll(environment)
            } catch {
                refused += 1
                #expect(names.contains(error.source), "\(item): the error names \(error.source)")
                #expect(!error.description.contains("\n") && !error.description.contains("\r"), "\(item): \(error)")
                continue
            }
            let text = try ChronyConfRenderer(templates: .builtin()).render(settings)
            let added = Self.directives(text).subtracting(known)
            #expect(added.isEmpty, "\(item) added \(added)")
            #expect(!text.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n") || $0.value >= 0x7F }, "\(item)")
        }
        #expect(refused > Self.caseCount / 2 && refused < Self.caseCount, "\(refused) of \(Self.caseCount) refused")
    }
}
