/// One fuzz target: a kind of outside input, the code that reads it as the product does, and
/// the properties that must hold for every input (beyond "no crash"). `run` throws a
/// `FuzzFailure` when a property does not hold; libFuzzer's entry point turns that into a
/// crash (and a crash file), the replay test into a test failure.
public struct FuzzTarget: Sendable {
    /// The name scripts/fuzz.sh and the corpus directories use, e.g. `report-sources`.
    public let name: String
    /// One line: what input it reads, through which entry point.
    public let summary: String
    /// Feeds one input through the product's code and checks the properties.
    public let run: @Sendable ([UInt8]) throws(FuzzFailure) -> Void
    /// Starting inputs, made from the fixtures that exist in the repository.
    public let seeds: @Sendable (Fixtures) -> [[UInt8]]
    /// Tokens for libFuzzer's `-dict` (the words the input is made of).
    public let dictionary: [String]

    public init(name: String, summary: String, dictionary: [String] = [],
                seeds: @escaping @Sendable (Fixtures) -> [[UInt8]],
                run: @escaping @Sendable ([UInt8]) throws(FuzzFailure) -> Void) {
        self.name = name
        self.summary = summary
        self.dictionary = dictionary
        self.seeds = seeds
        self.run = run
    }

    /// The dictionary in libFuzzer's format: one quoted token a line, bytes outside
    /// printable ASCII (and `"` and `\`) as `\xNN`.
    public var dictionaryText: String {
        var lines: [String] = []
        for token in Set(dictionary).sorted() where !token.isEmpty {
            var line = "\""
            for byte in token.utf8 {
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), ..<0x20, 0x7F...:
                    let hex = String(byte, radix: 16, uppercase: true)
                    line += "\\x" + (hex.count == 1 ? "0" + hex : hex)
                default:
                    line.unicodeScalars.append(Unicode.Scalar(byte))
                }
            }
            lines.append(line + "\"")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// A property that did not hold for an input: what was expected and what was found.
public struct FuzzFailure: Error, Sendable, CustomStringConvertible {
    public let target: String
    public let message: String

    public init(_ target: String, _ message: String) {
        self.target = target
        self.message = message
    }

    public var description: String { "\(target): \(message)" }
}

/// Checks one property: throws a `FuzzFailure` naming the target when `condition` is false.
func require(_ condition: Bool, _ target: String, _ message: @autoclosure () -> String) throws(FuzzFailure) {
    if !condition { throw FuzzFailure(target, message()) }
}

/// Every fuzz target, in the order `scripts/fuzz.sh --list` prints them.
public enum FuzzTargets {
    public static let all: [FuzzTarget] =
        ReportTargets.perReport + [ReportTargets.batch, StatusFromTarget.target, NTPReplyTarget.target,
                                   TemplateTarget.target, SettingsTarget.target, VerdictRecordTarget.target,
                                   HTTPRequestTarget.target]

    public static func named(_ name: String) -> FuzzTarget? {
        all.first { $0.name == name }
    }
}

/// Reads an input front to back: a few selector bytes, then the rest as the payload. An
/// input shorter than the selectors reads zeros, so every input is usable.
struct FuzzInput {
    private let bytes: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func byte() -> UInt8 {
        defer { position += 1 }
        return position < bytes.count ? bytes[position] : 0
    }

    mutating func uint32() -> UInt32 {
        (0..<4).reduce(UInt32(0)) { value, _ in value << 8 | UInt32(byte()) }
    }

    /// Everything not read yet.
    var rest: ArraySlice<UInt8> { position < bytes.count ? bytes[position...] : [] }
}
