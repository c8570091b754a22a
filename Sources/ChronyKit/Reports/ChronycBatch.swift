/// Several reports read by one `chronyc -c -m` run, and the split of its output back into
/// reports. chronyc -m prints the reports one after another with no separator, and six of
/// them have a line per source or client (possibly none); so after each such report that is
/// not the last, the batch asks for `tracking` once more. A tracking line (8 hex digits, 14
/// or more fields) cannot be a line of sources, sourcestats, ntpdata, clients, authdata or
/// selectdata (those start with a mode or state character or an address, and authdata has 10
/// fields), so it marks where the report before it ends.
public struct ChronycBatch: Sendable, Equatable {
    /// One command of the run.
    struct Step: Sendable, Equatable {
        var kind: ReportKind
        /// Asked for only to mark the end of the report before it; its line is dropped.
        var isSeparator: Bool
    }

    /// The reports asked for, without repeats, in the order given.
    public let kinds: [ReportKind]
    let steps: [Step]

    public init(_ kinds: [ReportKind]) {
        var unique: [ReportKind] = []
        for kind in kinds where !unique.contains(kind) { unique.append(kind) }
        self.kinds = unique
        var steps: [Step] = []
        for (index, kind) in unique.enumerated() {
            steps.append(Step(kind: kind, isSeparator: false))
            let next = index + 1 < unique.count ? unique[index + 1] : nil
            if !kind.isSingleLine, let next, next != .tracking {
                steps.append(Step(kind: .tracking, isSeparator: true))
            }
        }
        self.steps = steps
    }

    /// The chronyc command words, in order (after `chronyc -c -m`).
    public var commands: [String] { steps.map(\.kind.command) }

    /// Splits and parses the complete stdout of a successful run.
    public func parse(_ output: String) throws(ReportParseError) -> ReportSet {
        let lines = ReportLines.split(Substring(output))
        var position = 0
        var set = ReportSet()
        for (index, step) in steps.enumerated() {
            let start = position
            if step.kind.isSingleLine {
                guard position < lines.count else {
                    throw ReportParseError(report: step.kind, line: 1, fieldNumber: 0, field: "", problem: .missingLine)
                }
                position += 1
            } else {
                let hasNext = index + 1 < steps.count
                while position < lines.count && !(hasNext && Self.isTrackingLine(lines[position])) {
                    position += 1
                }
            }
            if step.isSeparator {
                // Must still be a tracking line: otherwise the split is wrong and the report
                // before it would be cut.
                _ = try TrackingReport.parse(csv: lines[start])
                continue
            }
            // The lines themselves, not their text joined again: one empty line would join
            // into an empty report and pass for "no sources".
            try set.parse(step.kind, lines: Array(lines[start..<position]))
        }
        // Only a one-line report can leave lines behind (the others take all that follow).
        if position < lines.count, let last = steps.last {
            throw ReportParseError(report: last.kind, line: 2, fieldNumber: 0, field: "", problem: .extraLine)
        }
        return set
    }

    static func isTrackingLine(_ line: Substring) -> Bool {
        let utf8 = line.utf8
        guard utf8.count > 9, utf8[utf8.index(utf8.startIndex, offsetBy: 8)] == UInt8(ascii: ",") else { return false }
        for byte in utf8.prefix(8) {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "F"): continue
            default: return false
            }
        }
        var commas = 0
        for byte in utf8 where byte == UInt8(ascii: ",") { commas += 1 }
        return commas >= TrackingReport.minimumFields - 1
    }
}
