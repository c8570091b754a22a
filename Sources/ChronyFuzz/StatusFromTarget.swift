import ChronyKit

/// `chronyvisor status REPORT [--json] --from FILE`, end to end: the file's bytes, the UTF-8
/// check, the parse, the text or JSON that is printed.
enum StatusFromTarget {
    /// Selectors: one byte for the report (modulo the nine), one whose low bit asks for
    /// JSON; then the file.
    static let target = FuzzTarget(
        name: "status-from",
        summary: "a file given to `status REPORT --from` (text or --json): refused with one line and exit 65, or printed; printed JSON decodes to the same reports",
        dictionary: ReportTargets.dictionary,
        seeds: { fixtures in
            var seeds: [[UInt8]] = []
            for (index, kind) in ReportKind.allCases.enumerated() {
                for output in fixtures.reportOutputs(kind).prefix(3) {
                    seeds.append([UInt8(index), 0] + Array(output.utf8))
                    seeds.append([UInt8(index), 1] + Array(output.utf8))
                }
            }
            return seeds
        },
        run: { bytes throws(FuzzFailure) in
            let name = "status-from"
            var input = FuzzInput(bytes)
            let kind = ReportKind.allCases[Int(input.byte()) % ReportKind.allCases.count]
            let json = input.byte() & 1 == 1
            // StatusCommand.readInput: not UTF-8 is bad data, refused before parsing.
            guard let text = String(validating: input.rest, as: UTF8.self) else { return }
            let printed: String
            do throws(ReportParseError) {
                printed = try StatusRendering.renderSaved(text, as: kind, json: json)
            } catch {
                try ReportTargets.checkError(error, name, kind: kind)
                return
            }
            let set = try? ReportSet.parse(kind, csv: Substring(text))
            // chronyc prints nothing at all for ntpdata without sources; everything else has
            // at least a header or a line.
            let silent = !json && kind == .ntpdata && set?.ntpdata?.isEmpty == true
            try require(printed.hasSuffix("\n") || (silent && printed.isEmpty), name, "accepted \(kind) printed \(printed.debugDescription)")
            if json {
                let back = try? StatusJSON.decode(ReportSet.self, from: printed)
                try require(back != nil && back == set, name, "printed JSON does not decode to the reports:\n\(printed)")
            } else {
                try require(set.map { ChronycText.render(kind, of: $0) } == printed, name, "printed text is not chronyc's rendering")
            }
        })
}
