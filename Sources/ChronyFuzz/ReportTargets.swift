import ChronyKit

/// chronyc's CSV: one target per report (`chronyc -c REPORT`, `ReportSet.parse`) and one for
/// the batch splitter (`chronyc -c -m …`, `ChronycBatch.parse`), which the supervisor reads
/// every poll.
enum ReportTargets {
    static let perReport: [FuzzTarget] = ReportKind.allCases.map { kind in
        FuzzTarget(
            name: "report-\(kind.rawValue)",
            summary: "`chronyc -c \(kind.rawValue)` output through ReportSet.parse; an accepted report renders as chronyc text and round-trips through JSON",
            dictionary: dictionary,
            seeds: { fixtures in fixtures.reportOutputs(kind).map { Array($0.utf8) } },
            run: { bytes throws(FuzzFailure) in
                let name = "report-\(kind.rawValue)"
                let text = String(decoding: bytes, as: UTF8.self)
                let set: ReportSet
                do throws(ReportParseError) {
                    set = try ReportSet.parse(kind, csv: Substring(text))
                } catch {
                    try checkError(error, name, kind: kind)
                    return
                }
                try checkAccepted(set, name, kind: kind, lines: lineCount(text))
            })
    }

    /// Selector: two bytes, a mask over `ReportKind.allCases` (the reports asked for, in
    /// that order); then the whole stdout of the run.
    static let batch = FuzzTarget(
        name: "chronyc-batch",
        summary: "`chronyc -c -m` output through ChronycBatch.parse; every line lands in exactly one report, each accepted report renders",
        dictionary: dictionary,
        seeds: batchSeeds,
        run: { bytes throws(FuzzFailure) in
            let name = "chronyc-batch"
            var input = FuzzInput(bytes)
            let mask = Int(input.byte()) << 8 | Int(input.byte())
            var kinds = ReportKind.allCases.enumerated().filter { mask & (1 << $0.offset) != 0 }.map(\.element)
            if kinds.isEmpty { kinds = [.tracking] }
            let batch = ChronycBatch(kinds)
            let text = String(decoding: input.rest, as: UTF8.self)
            let set: ReportSet
            do throws(ReportParseError) {
                set = try batch.parse(text)
            } catch {
                // A separator is a tracking line, asked for or not.
                try require(batch.kinds.contains(error.report) || error.report == .tracking, name,
                            "error names \(error.report), which was not asked for")
                try require(!error.description.contains("\n"), name, "error is not one line: \(error.description)")
                return
            }
            try require(set.kinds == ReportKind.allCases.filter(batch.kinds.contains), name,
                        "asked for \(batch.kinds), got \(set.kinds)")
            // Every line is a record of one report or a separator: none lost, none counted twice.
            let separators = batch.commands.count - batch.kinds.count
            let records = batch.kinds.reduce(0) { $0 + recordCount(set, $1) }
            try require(records + separators == lineCount(text), name,
                        "\(lineCount(text)) lines but \(records) records and \(separators) separators")
            for kind in batch.kinds {
                try checkAccepted(set, name, kind: kind, lines: recordCount(set, kind))
            }
        })

    /// Lines of a chronyc answer as ReportLines counts them (a final newline ends the last).
    static func lineCount(_ text: String) -> Int {
        var count = 1
        for byte in text.utf8 where byte == UInt8(ascii: "\n") { count += 1 }
        if text.utf8.last == UInt8(ascii: "\n") { count -= 1 }
        return text.isEmpty ? 0 : count
    }

    static func recordCount(_ set: ReportSet, _ kind: ReportKind) -> Int {
        switch kind {
        case .tracking: set.tracking == nil ? 0 : 1
        case .serverstats: set.serverstats == nil ? 0 : 1
        case .activity: set.activity == nil ? 0 : 1
        case .sources: set.sources?.count ?? 0
        case .sourcestats: set.sourcestats?.count ?? 0
        case .ntpdata: set.ntpdata?.count ?? 0
        case .clients: set.clients?.count ?? 0
        case .authdata: set.authdata?.count ?? 0
        case .selectdata: set.selectdata?.count ?? 0
        }
    }

    /// A refused answer: a one-line error about this report, at a line that exists.
    static func checkError(_ error: ReportParseError, _ name: String, kind: ReportKind) throws(FuzzFailure) {
        try require(error.report == kind, name, "error names \(error.report)")
        try require(error.line >= 1, name, "error at line \(error.line)")
        try require(!error.description.contains("\n"), name, "error is not one line: \(error.description)")
        try require(error.exitCode == ExitStatus.dataError, name, "exit code \(error.exitCode)")
    }

    /// An accepted report: one record per line, rendered as chronyc's text with one line per
    /// record (tables), and the same value back from its JSON.
    static func checkAccepted(_ set: ReportSet, _ name: String, kind: ReportKind, lines: Int) throws(FuzzFailure) {
        try require(recordCount(set, kind) == lines, name, "\(lines) lines gave \(recordCount(set, kind)) records")
        guard let text = ChronycText.render(kind, of: set) else {
            throw FuzzFailure(name, "accepted \(kind) does not render")
        }
        let tableHeaderLines: [ReportKind: Int] = [.sources: 2, .sourcestats: 2, .clients: 2, .authdata: 2, .selectdata: 2]
        if let header = tableHeaderLines[kind] {
            let rendered = text.utf8.count(where: { $0 == UInt8(ascii: "\n") })
            try require(rendered == header + lines, name, "\(lines) records rendered as \(rendered) lines")
        }
        let json = StatusJSON.encode(set)
        try require(!json.hasPrefix("{\"error\""), name, "accepted \(kind) does not encode as JSON")
        do {
            let back = try StatusJSON.decode(ReportSet.self, from: json)
            try require(back == set, name, "JSON round trip changed the report:\n\(json)")
        } catch let failure as FuzzFailure {
            throw failure
        } catch {
            throw FuzzFailure(name, "own JSON does not decode: \(error)\n\(json)")
        }
    }

    /// Batches made of the reports each capture has, in the orders the code asks for them.
    static func batchSeeds(_ fixtures: Fixtures) -> [[UInt8]] {
        var seeds: [[UInt8]] = []
        for reports in fixtures.captureReports {
            let available = ReportKind.allCases.filter { reports[$0.rawValue] != nil }
            var choices: [[ReportKind]] = [available, [.tracking, .sources, .sourcestats, .serverstats, .authdata]]
            choices += available.map { [$0] }
            for kinds in choices where !kinds.isEmpty && kinds.allSatisfy({ reports[$0.rawValue] != nil }) {
                let batch = ChronycBatch(kinds)
                let mask = ReportKind.allCases.enumerated().reduce(0) { kinds.contains($1.element) ? $0 | 1 << $1.offset : $0 }
                var output = ""
                for command in batch.commands { output += reports[command] ?? "" }
                seeds.append([UInt8(mask >> 8), UInt8(mask & 0xFF)] + Array(output.utf8))
            }
        }
        return seeds
    }

    /// The words chronyc prints in its CSV.
    static let dictionary: [String] = [
        ",", "\n", ".", "-", "-0.000000000", "0.000000000", "4294967295", "377", "7F7F0101", "7F000001",
        "00000000", "Normal", "Insert second", "Delete second", "Not synchronised", "Yes", "No",
        "^", "=", "#", "*", "+", "?", "x", "~", "NTS", "SYM", "ASYM", "AES128", "AES256", "AES-SIV-CMAC-256",
        "127.0.0.1", "::1", "fd00::1", "PPS", "LOCL", "1795750136.625969694", "0.1", "Server", "Peer", "Basic",
        "Interleaved", "Kernel", "Hardware", "Daemon", "111", "1111", "D", "N", "-----", "u", "P",
    ]
}
