import ChronyKit
import Testing

/// Every setting of the catalogue has exactly one flag in the real binary's help, and that
/// flag's help states the catalogue's default (which `SettingDefaultsTests` ties to the code).
@Suite struct SettingFlagsTests {
    static let catalogue = SettingKey.chronySettings + SettingKey.supervisionSettings + SettingKey.healthSettings

    @Test func eachSettingHasOneFlagStatingItsDefault() throws {
        let run = try runChronyvisor(["run", "--help"], environment: ["COLUMNS": "400"])
        #expect(run.status == .exited(0), "\(run.stderr)")
        // The parser wraps long help: compare with runs of white space made one space.
        let help = run.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for key in Self.catalogue {
            let flag = " \(key.flag) <value> "
            #expect(help.components(separatedBy: flag).count - 1 == 1, "\(key): \(key.flag) should appear once in `run --help`")
            let stated = "[env: \(key.environmentName); default: \(key.defaultDescription)]"
                .split(whereSeparator: \.isWhitespace).joined(separator: " ")
            #expect(help.contains(stated), "\(key): its flag's help should state \(stated)")
        }
    }
}
