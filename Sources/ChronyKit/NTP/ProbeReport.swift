import FoundationEssentials

/// The server a probe asks: the host as given, the address it resolved to, the port.
public struct ProbeTarget: Sendable, Hashable {
    public let host: String
    public let address: String
    public let port: UInt16

    public init(host: String, address: String, port: UInt16) {
        self.host = host
        self.address = address
        self.port = port
    }

    /// `host port N`, with the address in brackets when the host was a name.
    public var display: String {
        host == address ? "\(host) port \(port)" : "\(host) (\(address)) port \(port)"
    }
}

/// The lines `chronyvisor probe` prints: one per exchange and a summary, as text (numbers
/// in chronyc's units) or as one JSON object per line (numbers in seconds). The JSON shape
/// is documented in docs/probe.md.
public enum ProbeReport {
    /// The text line for exchange number `sequence` (from 1); `label` (the monitor's target)
    /// follows the number when given.
    public static func text(_ outcome: NTPExchangeOutcome, sequence: Int, label: String? = nil) -> String {
        var line = "[\(sequence)] " + (label.map { "\($0)  " } ?? "")
        switch outcome.result {
        case .sample(let sample):
            line += "\(sample.serverTime)  offset \(ChronyUnits.seconds(sample.offset, signed: true))"
                + "  delay \(ChronyUnits.seconds(sample.delay, signed: false))"
                + "  stratum \(sample.stratum)  refid \(sample.referenceID)  leap \(sample.leap.chronycName)"
                + "  root delay \(ChronyUnits.seconds(sample.rootDelay, signed: false))"
                + "  root dispersion \(ChronyUnits.seconds(sample.rootDispersion, signed: false))"
            if let step = sample.clockStep {
                line += "  (local clock stepped \(ChronyUnits.seconds(step, signed: true)) during the exchange;"
                    + " offset is against the clock before the step)"
            }
        case .refused(let refusal, _):
            line += "refused: \(refusal)"
        case .noAnswer(let reason):
            line += reason.description
        }
        if !outcome.dropped.isEmpty {
            let reasons = Set(outcome.dropped.map(\.description)).sorted().joined(separator: "; ")
            line += "  (dropped \(outcome.dropped.count) invalid: \(reasons))"
        }
        return line
    }

    /// The text summary, several lines, no trailing newline.
    public static func textSummary(_ tally: ProbeTally, target: ProbeTarget) -> String {
        var refusedDetail = ""
        if tally.refused > 0 {
            refusedDetail = " (" + tally.refusals.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                .joined(separator: ", ") + ")"
        }
        var lines = [
            "--- \(target.display) ---",
            "\(tally.sent) sent, \(tally.answered) answered, \(tally.lost) lost, "
                + "\(tally.refused) refused\(refusedDetail), \(tally.invalid) invalid dropped",
        ]
        if let offset = tally.offsetSpread, let delay = tally.delaySpread {
            lines.append("offset min/median/max \(ChronyUnits.seconds(offset.min, signed: true))"
                + " / \(ChronyUnits.seconds(offset.median, signed: true)) / \(ChronyUnits.seconds(offset.max, signed: true))")
            lines.append("delay  min/median/max \(ChronyUnits.seconds(delay.min, signed: false))"
                + " / \(ChronyUnits.seconds(delay.median, signed: false)) / \(ChronyUnits.seconds(delay.max, signed: false))")
        }
        if let jitter = tally.jitter {
            lines.append("jitter \(ChronyUnits.seconds(jitter, signed: false))")
        }
        return lines.joined(separator: "\n")
    }

    /// The JSON line for exchange number `sequence`.
    public static func json(_ outcome: NTPExchangeOutcome, sequence: Int, target: ProbeTarget) -> String {
        encode(ExchangeRecord(outcome: outcome, sequence: sequence, target: target))
    }

    /// The JSON summary line.
    public static func jsonSummary(_ tally: ProbeTally, target: ProbeTarget) -> String {
        encode(SummaryRecord(tally: tally, target: target))
    }

    /// A duration in seconds for messages: `1 s`, `0.5 s`.
    public static func plainSeconds(_ seconds: Double) -> String {
        seconds == seconds.rounded() && abs(seconds) < 1e15 ? "\(Int64(seconds)) s" : "\(seconds) s"
    }

    private static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}

/// One exchange as JSON (see docs/probe.md).
private struct ExchangeRecord: Encodable {
    let outcome: NTPExchangeOutcome
    let sequence: Int
    let target: ProbeTarget

    enum Key: String, CodingKey {
        case type, seq, host, address, port, dropped
        case serverTime = "server_time", offset, delay, stratum, refid, refidHex = "refid_hex", leap
        case rootDelay = "root_delay", rootDispersion = "root_dispersion", precision, version
        case clockStep = "clock_step"
        case refusal, kissCode = "kiss_code", reason, message
    }

    func encode(to encoder: any Encoder) throws {
        var out = encoder.container(keyedBy: Key.self)
        try out.encode(sequence, forKey: .seq)
        try out.encode(target.host, forKey: .host)
        try out.encode(target.address, forKey: .address)
        try out.encode(target.port, forKey: .port)
        try out.encode(outcome.dropped.map(\.token), forKey: .dropped)
        switch outcome.result {
        case .sample(let sample):
            try out.encode("sample", forKey: .type)
            try out.encode(sample.serverTime.description, forKey: .serverTime)
            try out.encode(sample.offset, forKey: .offset)
            try out.encode(sample.delay, forKey: .delay)
            try out.encode(sample.stratum, forKey: .stratum)
            try out.encode(sample.referenceID, forKey: .refid)
            try out.encode(sample.reply.referenceID.hex, forKey: .refidHex)
            try out.encode(sample.leap.token, forKey: .leap)
            try out.encode(sample.rootDelay, forKey: .rootDelay)
            try out.encode(sample.rootDispersion, forKey: .rootDispersion)
            try out.encode(sample.reply.precision, forKey: .precision)
            try out.encode(sample.reply.version, forKey: .version)
            try out.encode(sample.clockStep, forKey: .clockStep)
        case .refused(let refusal, let packet):
            try out.encode("refused", forKey: .type)
            switch refusal {
            case .kissOfDeath(let code):
                try out.encode("kiss-of-death", forKey: .refusal)
                try out.encode(code, forKey: .kissCode)
            case .unsynchronised:
                try out.encode("unsynchronised", forKey: .refusal)
                try out.encode(nil as String?, forKey: .kissCode)
            }
            try out.encode(packet.leap.token, forKey: .leap)
            try out.encode(packet.stratum, forKey: .stratum)
            try out.encode(refusal.description, forKey: .message)
        case .noAnswer(let reason):
            try out.encode("lost", forKey: .type)
            switch reason {
            case .timedOut: try out.encode("timeout", forKey: .reason)
            case .unreachable: try out.encode("unreachable", forKey: .reason)
            case .interrupted: try out.encode("interrupted", forKey: .reason)
            }
            try out.encode(reason.description, forKey: .message)
        }
    }
}

/// The summary as JSON (see docs/probe.md); absent statistics are `null`.
private struct SummaryRecord: Encodable {
    let tally: ProbeTally
    let target: ProbeTarget

    enum Key: String, CodingKey {
        case type, host, address, port, sent, answered, lost, refused, refusals, invalid
        case offset, delay, jitter, exitCode = "exit_code"
    }

    func encode(to encoder: any Encoder) throws {
        var out = encoder.container(keyedBy: Key.self)
        try out.encode("summary", forKey: .type)
        try out.encode(target.host, forKey: .host)
        try out.encode(target.address, forKey: .address)
        try out.encode(target.port, forKey: .port)
        try out.encode(tally.sent, forKey: .sent)
        try out.encode(tally.answered, forKey: .answered)
        try out.encode(tally.lost, forKey: .lost)
        try out.encode(tally.refused, forKey: .refused)
        try out.encode(tally.refusals, forKey: .refusals)
        try out.encode(tally.invalid, forKey: .invalid)
        try out.encode(tally.offsetSpread, forKey: .offset)
        try out.encode(tally.delaySpread, forKey: .delay)
        try out.encode(tally.jitter, forKey: .jitter)
        try out.encode(tally.exitStatus, forKey: .exitCode)
    }
}
