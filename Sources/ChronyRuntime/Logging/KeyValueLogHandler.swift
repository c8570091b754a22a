import Logging
/// A swift-log handler writing one line per event to stderr:
/// `2026-11-27T03:40:00.123Z info chronyvisor: chronyd started pid=123 args="-d -x"`.
/// Metadata follows the message as `key=value`, keys sorted, values quoted when they hold
/// spaces, quotes or `=`. Each line is one `write`, so lines from threads never interleave.
public struct KeyValueLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let fileDescriptor: Int32

    public init(label: String, level: Logger.Level = .info, fileDescriptor: Int32 = STDERR_FILENO) {
        self.label = label
        self.logLevel = level
        self.fileDescriptor = fileDescriptor
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { $1 } }
        if let given = event.metadata { all.merge(given) { $1 } }
        let line = LogLine.format(time: LogLine.now(), level: event.level, label: label,
                                  message: event.message.description, metadata: all)
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        try? SystemFile.writeAll(fileDescriptor, bytes)
    }

    /// Makes every `Logger` of the process use this handler. Call once, early.
    public static func bootstrap(level: Logger.Level = .info) {
        LoggingSystem.bootstrap { label in KeyValueLogHandler(label: label, level: level) }
    }
}

/// The text of one log line: pure, so the format is tested on its own.
public enum LogLine {
    public static func format(time: String, level: Logger.Level, label: String, message: String,
                              metadata: Logger.Metadata) -> String {
        var line = "\(time) \(level) \(label): \(message.replacingNewlines())"
        for key in metadata.keys.sorted() {
            line += " \(key)=\(quoted(metadata[key]!.description))"
        }
        return line
    }

    /// A value as written after `key=`: bare when it is one plain word, else in double quotes
    /// with `"` and `\` escaped and newlines as `\n`.
    public static func quoted(_ value: String) -> String {
        let plain = !value.isEmpty && value.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F && $0 != "\"" && $0 != "=" && $0 != "\\" }
        if plain { return value }
        var out = "\""
        for c in value {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out + "\""
    }

    /// The current UTC time as `2026-11-27T03:40:00.123Z`.
    public static func now() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        var seconds = spec.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ n: Int32, _ width: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(spec.tv_nsec / 1_000_000), 3))Z"
    }
}

extension String {
    fileprivate func replacingNewlines() -> String {
        contains("\n") ? split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\\n") : self
    }
}
