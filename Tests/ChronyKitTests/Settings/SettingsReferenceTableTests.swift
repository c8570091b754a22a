import Foundation
import Testing
import ChronyKit

/// The settings reference's table (docs/reference/settings.md) is the catalog's own
/// rendering: adding a setting without documenting it fails here. Regenerate with
/// `chronyvisor settings --markdown`, or scripts/gen-reference.sh.
@Suite struct SettingsReferenceTableTests {
    @Test func settingsReferenceCarriesTheCurrentTable() throws {
        let page = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("docs/reference/settings.md")
        let text = try String(contentsOf: page, encoding: .utf8)
        #expect(text.contains("\n" + SettingsTable.markdown()), "docs/reference/settings.md's settings table is out of date")
    }

    @Test func everySettingHasHelpAndAUniqueFlag() {
        let keys = SettingsTable.groups.flatMap(\.keys)
        #expect(Set(keys.map(\.flagName)).count == keys.count)
        #expect(Set(keys.map(\.environmentName)).count == keys.count)
        #expect(keys.allSatisfy { !$0.help.isEmpty && !$0.defaultDescription.isEmpty })
    }
}
