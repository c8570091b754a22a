/// A seeded, reproducible corpus of hostile inputs: good chronyc report lines and good
/// setting values, mutated the ways a fuzzer, a broken pipe or a careless operator would
/// (hostile field values, dropped and doubled fields, flipped bytes, truncation, huge and
/// control-character values). The same seed gives the same cases on every machine, so a
/// failure names a case that can be run again.
public struct MutationCorpus {
    /// SplitMix64: small, fast, and the same everywhere (the standard library's generator is
    /// not seedable).
    public struct SeededGenerator: RandomNumberGenerator {
        private var state: UInt64
        public init(seed: UInt64) { state = seed }
        public mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// One good `chronyc -c` line per report (chrony 4.6), the seeds of the report corpus.
    public static let goodReportLines: [String: String] = [
        "tracking": "7F000001,127.0.0.1,2,1795750136.625969694,-0.000000888,-0.000000017,0.000000054,-0.014,-0.001,0.042,0.000005624,0.000000152,0.1,Normal",
        "sources": "^,*,127.0.0.1,1,-3,377,0,0.000000237,0.000000220,0.000003245",
        "sourcestats": "127.0.0.1,64,32,8,-0.001,0.040,-0.000000000,0.000000226",
        "serverstats": "0,0,58,0,0,0,0,0,0,0,0,0,0,0,0,0,0",
        "activity": "2,0,0,0,0",
        "ntpdata": "127.0.0.1,7F000001,11123,127.0.0.1,7F000001,Normal,4,Server,3,-3,0,-26,0.000000015,0.000000,0.000000,7F7F0101,,1795746898.380727704,-0.000000338,0.000007197,0.000000035,0.000050228,0.44,111,111,1111,No,No,Kernel,Kernel,178,178,178,159,178,178,0,0",
        "clients": "127.0.0.1,219,0,-3,127,0,0,0,127,4294967295",
    ]

    /// Field values no chronyc prints, each a known way parsers break.
    public static let hostileValues: [String] = [
        "", " ", "-", "+1", "nan", "NaN", "inf", "-inf", "1e308", "1e-400", "0x10", "1.", ".5", "--1",
        String(repeating: "9", count: 400), "-" + String(repeating: "9", count: 309) + ".0",
        "0." + String(repeating: "0", count: 400) + "1", "18446744073709551616", "-9223372036854775809",
        "4294967296", "99999999999999999999.5", "\u{1B}[2J", "\u{1B}]0;owned\u{07}", "\u{0}", "\r", "\t1",
        "\u{FEFF}1", "é", "\u{202E}evil", String(repeating: "A", count: 10_000), "Normal", "Not synchronised", "377",
    ]

    var generator: SeededGenerator

    public init(seed: UInt64) {
        generator = SeededGenerator(seed: seed)
    }

    /// `count` mutations of `line` (a CSV line) as whole report texts (with newlines).
    public mutating func reports(from line: String, count: Int) -> [String] {
        (0..<count).map { _ in mutateReport(line) }
    }

    mutating func mutateReport(_ line: String) -> String {
        var fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let rounds = Int.random(in: 1...3, using: &generator)
        var lines = 1
        var tail = "\n"
        for _ in 0..<rounds {
            if fields.isEmpty { fields = [""] }
            let index = Int.random(in: 0..<fields.count, using: &generator)
            switch Int.random(in: 0..<10, using: &generator) {
            case 0, 1, 2: fields[index] = Self.hostileValues.randomElement(using: &generator)!
            case 3: fields.remove(at: index)
            case 4: fields.insert(fields[index], at: index)
            case 5: fields[index] = flipByte(fields[index])
            case 6: fields[index] += Self.hostileValues.randomElement(using: &generator)!
            case 7: lines = Int.random(in: 0...50, using: &generator)
            case 8: tail = ["", "\r\n", "\n\n", "\n,\n", "\n" + String(repeating: ",", count: 40) + "\n"].randomElement(using: &generator)!
            default: fields = Array(fields.prefix(Int.random(in: 0...fields.count, using: &generator)))
            }
        }
        let body = fields.joined(separator: ",")
        return lines == 0 ? tail : Array(repeating: body, count: lines).joined(separator: "\n") + tail
    }

    /// A setting value and the variable it is given to.
    public struct SettingCase: Sendable, CustomStringConvertible {
        public let name: String
        public let value: String
        public var description: String { "\(name)=\(value.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 ? String($0) : "\\u{\(String($0.value, radix: 16))}" }.joined())" }
    }

    /// A good value of every setting `run` reads, the seeds of the settings corpus.
    public static let goodSettings: [String: String] = [
        "NTP_ROLE": "relay", "NTP_SERVERS": "127.0.0.1,[::1]:123,ntp.example", "ENABLE_NTS": "false",
        "NTP_ALLOW": "10.0.0.0/8,fd00::/8", "NTP_PORT": "123", "NTP_MINPOLL": "4", "NTP_MAXPOLL": "8",
        "NTP_MIN_SOURCES": "1", "LOCAL_STRATUM": "10", "CLOCK_CONTROL": "false", "NOCLIENTLOG": "true",
        "LOG_LEVEL": "1", "CHRONY_CONF": "/tmp/chronyvisor-corpus/chrony.conf",
        "CHRONY_RUN_DIR": "/tmp/chronyvisor-corpus/run", "CHRONY_STATE_DIR": "/tmp/chronyvisor-corpus/state",
        "CHRONY_CONF_DIR": "/tmp/chronyvisor-corpus/conf.d", "CHRONY_USER": "_chrony", "STOP_GRACE": "5s",
        "RESTART_MAX": "5", "RESTART_WINDOW": "60", "READY_WHEN": "running", "POLL_INTERVAL": "2s",
        "HEALTH_LISTEN": "127.0.0.1:8080", "HEALTH_MAX_OFFSET": "0.1", "HEALTH_MAX_ROOT_DISTANCE": "1",
        "HEALTH_START_GRACE": "60", "HEALTH_DEGRADED_OK": "true", "HEALTH_SERVED_TIME": "true",
    ]

    /// Hostile suffixes and replacements for setting values: directive injection, spaces,
    /// control characters, quotes, non-ASCII, huge, numeric edge cases, system paths.
    public static let hostileSettingValues: [String] = [
        "\nallow all", " allow all", "#", ";", "!", "%", "\"", "'", "\\", "`id`", "$(id)", "\u{0}", "\r",
        "\t", " ", "é", "\u{202E}", String(repeating: "a", count: 5000), "nan", "inf", "-1", "0", "1e308",
        String(repeating: "9", count: 400), "/", "/run", "/var/lib", "/etc", "..", "/x/../..", ",", ",,",
        "[", "]:", ":0", ":65536", "0.0.0.0/0", "::/0", "all", "-x", "true", "yes", "synchronized",
    ]

    /// `count` cases: a good value of one setting replaced by, or suffixed with, a hostile
    /// one, or a byte flipped.
    public mutating func settings(count: Int) -> [SettingCase] {
        let names = Self.goodSettings.keys.sorted()
        return (0..<count).map { _ in
            let name = names.randomElement(using: &generator)!
            let good = Self.goodSettings[name]!
            let hostile = Self.hostileSettingValues.randomElement(using: &generator)!
            let value: String
            switch Int.random(in: 0..<4, using: &generator) {
            case 0: value = hostile
            case 1: value = good + hostile
            case 2: value = hostile + good
            default: value = flipByte(good)
            }
            return SettingCase(name: name, value: value)
        }
    }

    /// `text` with one byte replaced by a random printable or control ASCII byte.
    mutating func flipByte(_ text: String) -> String {
        var bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return String(UnicodeScalar(UInt8.random(in: 0...0x7F, using: &generator))) }
        bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...0x7F, using: &generator)
        return String(decoding: bytes, as: UTF8.self)
    }
}
