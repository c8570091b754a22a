import Foundation
import Testing
import ChronyKit

/// The README's settings table is the catalog's own rendering: adding a setting without
/// documenting it fails here. Regenerate with `chronyvisor settings --markdown`.
@Suite struct ReadmeSettingsTableTests {
    @Test func readmeCarriesTheCurrentTable() throws {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        #expect(text.contains("\n" + SettingsTable.markdown()), "README.md's settings table is out of date")
    }

    @Test func everySettingHasHelpAndAUniqueFlag() {
        let keys = SettingsTable.groups.flatMap(\.keys)
        #expect(Set(keys.map(\.flagName)).count == keys.count)
        #expect(Set(keys.map(\.environmentName)).count == keys.count)
        #expect(keys.allSatisfy { !$0.help.isEmpty && !$0.defaultDescription.isEmpty })
    }
}
