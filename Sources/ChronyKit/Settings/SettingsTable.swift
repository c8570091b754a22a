/// Renders the settings catalog for people: a Markdown table (docs/reference/settings.md's) or
/// plain text.
public enum SettingsTable {
    /// Every setting chronyvisor reads, grouped, in documentation order.
    public static var groups: [(title: String, keys: [SettingKey])] {
        [("chrony configuration", SettingKey.chronySettings)] + SettingKey.additionalGroups
    }

    public static func markdown() -> String {
        var lines = ["| Variable | Flag | Default | Meaning |", "|---|---|---|---|"]
        for group in groups {
            for key in group.keys {
                let cells = ["`\(key.environmentName)`", "`\(key.flag)`", key.defaultDescription, key.help]
                lines.append("| " + cells.map { $0.replacingPipes() }.joined(separator: " | ") + " |")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func text() -> String {
        var out = ""
        for group in groups {
            out += "\(group.title):\n"
            for key in group.keys {
                out += "  \(key.environmentName) (\(key.flag)), default \(key.defaultDescription)\n      \(key.help)\n"
            }
        }
        return out
    }
}

extension SettingKey {
    /// Settings of the supervisor, health and other services, grouped; each part appends its
    /// group here so the settings reference and `chronyvisor settings` list it.
    public static var additionalGroups: [(title: String, keys: [SettingKey])] {
        [("supervision (`chronyvisor run`)", SettingKey.supervisionSettings),
         ("health and HTTP endpoints", SettingKey.healthSettings)]
    }
}

private extension String {
    func replacingPipes() -> String {
        split(separator: "|", omittingEmptySubsequences: false).joined(separator: "\\|")
    }
}
