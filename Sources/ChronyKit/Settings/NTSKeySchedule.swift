/// The NTS server keys every replica shares (NTS_SERVER_KEYS): a list of keys, each current
/// for one period after the other, so that replicas given the same file (a Kubernetes Secret)
/// encrypt and open each other's cookies, and rotate together by the clock they serve.
///
/// The file (scripts/nts-key-schedule.sh writes one; `#` starts a comment):
///
///     period 604800          seconds each key is the current one
///     start 1796083200       Unix time at which the first key becomes current
///     key 0f1e…              AES-SIV-CMAC-256 keys, 64 hex digits each, at least four
///
/// What chronyd loads (chrony 4.3–4.8, nts_ke_server.c): the file `ntskeys` in its
/// `ntsdumpdir`, at start and on `chronyc rekey` when `ntsrotate 0`: a line `NKS0`, a line
/// `15 AGE` (algorithm AEAD_AES_SIV_CMAC_256, the current key's age), then exactly four
/// lines `ID HEXKEY` with consecutive ids (4.8 refuses anything else); a cookie names its key
/// by id, kept at index id % 4; the third line is the current key, the fourth the next one
/// (chrony's FUTURE_KEYS), the first two the previous ones, still accepted. Key N of the
/// schedule has id N, so any four consecutive keys load.
public struct NTSKeySchedule: Sendable, Equatable {
    public let period: Int64
    public let start: Int64
    /// The keys, 32 bytes each, as 64 lowercase hex digits.
    public let keys: [String]

    /// chrony's AEAD_AES_SIV_CMAC_256 (siv.h), the algorithm of the server keys.
    public static let algorithm = 15
    /// Hex digits of one key (32 bytes).
    public static let keyDigits = 64

    /// What is wrong with a schedule's text.
    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    public init(period: Int64, start: Int64, keys: [String]) {
        self.period = period
        self.start = start
        self.keys = keys
    }

    /// Parses the file's text; every error names the line.
    public static func parse(_ text: String) throws(Invalid) -> NTSKeySchedule {
        var period: Int64?, start: Int64?, keys: [String] = []
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.prefix { $0 != "#" }
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            guard let word = words.first else { continue }
            guard words.count == 2 else { throw Invalid(description: "line \(number + 1): expected `period SECONDS`, `start UNIXTIME` or `key HEX`") }
            let value = words[1]
            switch word {
            case "period":
                guard let p = Int64(value), p >= 60 else { throw Invalid(description: "line \(number + 1): period must be whole seconds, at least 60") }
                period = p
            case "start":
                guard let s = Int64(value), s >= 0 else { throw Invalid(description: "line \(number + 1): start must be a Unix time in seconds") }
                start = s
            case "key":
                guard value.count == keyDigits, value.allSatisfy(\.isHexDigit) else {
                    throw Invalid(description: "line \(number + 1): a key is \(keyDigits) hex digits (32 bytes)")
                }
                keys.append(value.lowercased())
            default:
                throw Invalid(description: "line \(number + 1): unknown word \(word.prefix(20)), expected period, start or key")
            }
        }
        guard let period else { throw Invalid(description: "no `period` line") }
        guard let start else { throw Invalid(description: "no `start` line") }
        guard keys.count >= 4 else { throw Invalid(description: "\(keys.count) keys: chronyd loads four at a time, at least four are needed") }
        guard Set(keys).count == keys.count else { throw Invalid(description: "a key appears twice") }
        return NTSKeySchedule(period: period, start: start, keys: keys)
    }

    /// The four keys chronyd holds at Unix time `now`: two previous, the current, the next.
    /// Before the schedule begins and after it runs out, the first or last four (`ranOut`
    /// tells the latter: the current key then stays current until a new file comes).
    public func window(at now: Int64) -> Window {
        let elapsed = now - start
        let index = elapsed < 0 ? 0 : elapsed / period
        let current = Int(min(max(index, 2), Int64(keys.count - 2)))
        let currentStart = start + Int64(current) * period
        return Window(firstID: UInt32(current - 2), keys: Array(keys[(current - 2)...(current + 1)]),
                      age: Double(max(0, now - currentStart)), ranOut: index > Int64(keys.count - 2),
                      nextChange: index + 1 <= Int64(keys.count - 2) ? start + (max(index, 2) + 1) * period : nil)
    }

    /// Four consecutive keys as chronyd loads them.
    public struct Window: Sendable, Equatable {
        /// Id of the first (oldest) key; the others follow by one.
        public let firstID: UInt32
        public let keys: [String]
        /// Seconds the current key has been current.
        public let age: Double
        /// The schedule has no key for now: its last but one key stays current.
        public let ranOut: Bool
        /// When the current key changes next (Unix time), nil when the schedule has ended.
        public let nextChange: Int64?

        /// The id of the current key (the third).
        public var currentID: UInt32 { firstID + 2 }

        /// The `ntskeys` file, in the format every chrony from 4.3 to 4.8 loads (`NKS0`).
        public var ntskeysText: String {
            var text = "NKS0\n\(NTSKeySchedule.algorithm) \(age.formatted1)\n"
            for (offset, key) in keys.enumerated() {
                text += hex8(firstID + UInt32(offset)) + " " + key + "\n"
            }
            return text
        }

        private func hex8(_ value: UInt32) -> String {
            let digits = String(value, radix: 16, uppercase: true)
            return String(repeating: "0", count: max(0, 8 - digits.count)) + digits
        }
    }
}

private extension Double {
    /// One decimal, as chrony's `%.1f` (ages are whole seconds here).
    var formatted1: String { "\(Int64(self)).0" }
}
