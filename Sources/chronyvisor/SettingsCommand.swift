import ArgumentParser
import ChronyKit

/// `chronyvisor settings`: every setting with its variable, flag, default and meaning.
struct SettingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings",
        abstract: "List every setting: environment variable, flag, default and meaning.")

    @Flag(help: "Print the Markdown table of docs/reference/settings.md.")
    var markdown = false

    func run() {
        print(markdown ? SettingsTable.markdown() : SettingsTable.text(), terminator: "")
    }
}
