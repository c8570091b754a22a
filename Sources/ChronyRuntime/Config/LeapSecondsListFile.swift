import ChronyKit

/// Reading LEAP_SECONDS_LIST: for `status`, /metrics and the choice of chrony.conf's leap
/// second directive, and the start-up check of a list given explicitly.
public enum LeapSecondsListFile {
    /// The list at `path` (nil: LEAP_SECONDS_LIST=off): its expiry, or why it cannot be used.
    /// Never throws: a missing or malformed file is a state to report.
    public static func read(_ path: String?) -> LeapSecondsListState {
        guard let path else { return .off }
        let text: String
        do {
            let bytes = try SystemFile.bytes(at: path)
            guard bytes.count <= 1 << 20 else { return .failed(path: path, reason: "larger than 1 MiB: not a leap-seconds.list file") }
            text = String(decoding: bytes, as: UTF8.self)
        } catch {
            return .failed(path: path, reason: "cannot be read (\(error.reason))")
        }
        do {
            let list = try LeapSecondsList.parse(text)
            return .read(path: path, expires: list.expires)
        } catch {
            return .failed(path: path, reason: "not a leap-seconds.list file: \(error)")
        }
    }

    /// Start-up check (`run`, `config --check`): a list given explicitly must be readable and
    /// parse; the default path may be missing (a host without tzdata: `status` says so).
    /// Returns what was read.
    @discardableResult
    public static func check(_ settings: ChronySettings, source: SettingsSource) throws(SettingError) -> LeapSecondsListState {
        let state = read(settings.leapSecondsList)
        if settings.leapSecondsListGiven, case .failed(_, let reason) = state, let raw = source.raw(.leapSecondsList) {
            throw SettingError(source: raw.sourceName, value: raw.value,
                               expected: "a readable leap-seconds.list file (tzdata's \(LeapSecondsList.defaultPath)) or off; this one \(reason)")
        }
        return state
    }

    /// Where chronyd should read leap seconds, for the installed `chronyd` and this state.
    public static func leapSecondsSource(_ state: LeapSecondsListState, version: ChronyVersion?) -> LeapSecondsSource {
        switch state {
        case .read(let path, _): return LeapSecondsSource.choose(version: version, path: path, readable: true)
        case .off, .failed: return .timeZone
        }
    }
}
