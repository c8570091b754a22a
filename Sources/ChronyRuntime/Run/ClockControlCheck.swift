import ChronyKit
/// Setting the clock (CLOCK_CONTROL=true: chronyd without -x) needs CAP_SYS_TIME in chronyd.
/// Root has it and chronyd keeps it when it drops root (`-u`, chrony's SYS_DropRoot). A
/// chronyvisor that is not root passes it on only as an *ambient* capability (exec clears
/// the others), as systemd's `AmbientCapabilities=CAP_SYS_TIME` with `User=` gives it;
/// without that, chronyd would start and then fail at its first clock adjustment.
public enum ClockControlCheck {
    /// CAP_SYS_TIME's bit in the capability sets (linux/capability.h).
    static let sysTimeBit = 25

    /// Refuses CLOCK_CONTROL=true (exit 78) when `account` does not drop root and the
    /// ambient set lacks CAP_SYS_TIME.
    public static func check(_ settings: ChronySettings, account: ChronyAccount, source: SettingsSource,
                             status: () -> String? = { try? SystemFile.text(at: "/proc/self/status") }) throws(SettingError) {
        guard settings.clockControl, !account.dropsRoot, account.uid != 0 else { return }
        if let ambient = capabilitySet("CapAmb", in: status() ?? ""), ambient & (1 << sysTimeBit) != 0 { return }
        throw SettingError(source: source.raw(.clockControl)?.sourceName ?? SettingKey.clockControl.environmentName,
                           value: "true",
                           expected: "false when chronyvisor runs as \(account.name), not root: setting the clock needs root (or CAP_SYS_TIME as an ambient capability)")
    }

    /// The hexadecimal set on the line `NAME:` of /proc/PID/status.
    static func capabilitySet(_ name: String, in status: String) -> UInt64? {
        for line in status.split(separator: "\n") where line.hasPrefix(name + ":") {
            return UInt64(line.dropFirst(name.count + 1).trimmingPrefixWhitespace(), radix: 16)
        }
        return nil
    }
}

private extension Substring {
    func trimmingPrefixWhitespace() -> Substring { drop { $0 == " " || $0 == "\t" } }
}
