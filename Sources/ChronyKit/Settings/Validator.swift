/// Turns raw setting strings into typed values, throwing `SettingError`s that name the input.
struct Validator {
    let source: SettingsSource

    /// The typed value of `key`, nil when unset.
    func value<T>(_ key: SettingKey, expected: String, _ parse: (String) -> T?) throws(SettingError) -> T? {
        guard let raw = source.raw(key) else { return nil }
        try Validator.refuseUnsafe(raw, expected: expected)
        guard let value = parse(raw.value) else { throw SettingError(raw, expected: expected) }
        return value
    }

    func bool(_ key: SettingKey) throws(SettingError) -> Bool? {
        try value(key, expected: "true or false (also yes/no, 1/0, on/off)") { text in
            switch text.lowercased() {
            case "true", "yes", "1", "on": return true
            case "false", "no", "0", "off": return false
            default: return nil
            }
        }
    }

    func int(_ key: SettingKey, in range: ClosedRange<Int>, expectedSuffix: String = "") throws(SettingError) -> Int? {
        try value(key, expected: "a whole number from \(range.lowerBound) to \(range.upperBound)\(expectedSuffix)") { text in
            guard text.utf8.count <= 4, let n = Int(text), range.contains(n) else { return nil }
            return n
        }
    }

    /// An absolute path with no characters that could break a chrony.conf line.
    func path(_ key: SettingKey) throws(SettingError) -> String? {
        try value(key, expected: "an absolute path without spaces, quotes, # or control characters") { text in
            // No space anywhere: refuseUnsafe lets spaces around list commas through, and a
            // trailing one would be rendered into chrony.conf (`bindcmdaddress /x/run /chronyd.sock`).
            guard text.hasPrefix("/"), !text.contains(where: { $0 == "\"" || $0 == "'" || $0 == " " }) else { return nil }
            return text
        }
    }

    /// A directory `run` makes chronyd's own (0750, the chrony user): a path as `path(_:)`
    /// accepts, without `.` or `..` components, and not `/` or a system directory
    /// (`SystemDirectories`), which must never be handed to the chrony user.
    func ownedDirectory(_ key: SettingKey) throws(SettingError) -> String? {
        guard let path = try path(key) else { return nil }
        let components = path.split(separator: "/")
        if components.contains(where: { $0 == "." || $0 == ".." }) {
            throw SettingError(source: source.raw(key)!.sourceName, value: path,
                               expected: "a path without . or .. components")
        }
        if SystemDirectories.contains(path) {
            throw SettingError(source: source.raw(key)!.sourceName, value: path,
                               expected: "a directory of chronyd's own, not / or a system directory such as /run or /var/lib (run gives it to the chrony user)")
        }
        return path
    }

    /// A comma-separated list whose every element parses; empty elements are refused.
    func list<T>(_ raw: RawSetting, expected: String, _ parse: (String) -> T?) throws(SettingError) -> [T] {
        try Validator.refuseUnsafe(raw, expected: expected)
        var result: [T] = []
        for item in raw.value.split(separator: ",", omittingEmptySubsequences: false) {
            let trimmed = item.trimmingSpaces()
            guard !trimmed.isEmpty, let value = parse(trimmed) else {
                throw SettingError(source: raw.sourceName, value: raw.value,
                    expected: "\(expected); \(SettingError.escape(trimmed)) is not one")
            }
            result.append(value)
        }
        return result
    }

    /// Refuses anything that could end a chrony.conf directive or start a new one:
    /// control characters (newline, CR, NUL …), `#`, `;`, `!`, `%` and non-ASCII.
    /// Spaces are allowed only around list separators (trimmed by `list`).
    static func refuseUnsafe(_ raw: RawSetting, expected: String) throws(SettingError) {
        for scalar in raw.value.unicodeScalars {
            let bad = scalar.value < 0x20 || scalar.value >= 0x7F || "#;!%\"'\\`$".unicodeScalars.contains(scalar)
            if bad { throw SettingError(raw, expected: expected) }
        }
        if raw.value.contains(" "), raw.value.split(separator: ",").contains(where: { $0.trimmingSpaces().contains(" ") }) {
            throw SettingError(raw, expected: expected)
        }
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
