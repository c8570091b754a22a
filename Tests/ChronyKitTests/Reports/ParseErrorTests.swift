import Testing
import TestSupport
@testable import ChronyKit

/// Malformed chronyc answers are refused with a `ReportParseError` naming the report, the
/// line and the field — never a crash and never a silent zero.
@Suite struct ParseErrorTests {
    /// One good line per report (shared with the mutation corpus, whose seeds they are).
    static let good: [ReportKind: String] = Dictionary(uniqueKeysWithValues: MutationCorpus.goodReportLines.map {
        (ReportKind(rawValue: $0.key)!, $0.value)
    })

    func parseError(_ kind: ReportKind, _ text: String) -> ReportParseError? {
        do {
            _ = try ReportSet.parse(kind, csv: Substring(text))
            return nil
        } catch {
            return error
        }
    }

    /// Replaces field `index` (0-based) of `kind`'s good line with `value`.
    func with(_ kind: ReportKind, field index: Int, _ value: String) -> String {
        var fields = Self.good[kind]!.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        fields[index] = value
        return fields.joined(separator: ",")
    }

    @Test(arguments: ReportKind.allCases)
    func goodLinesParse(_ kind: ReportKind) throws {
        let set = try ReportSet.parse(kind, csv: Substring(Self.good[kind]! + "\n"))
        #expect(set.kinds == [kind])
    }

    @Test(arguments: ReportKind.allCases)
    func truncatedLinesAreRefused(_ kind: ReportKind) throws {
        let line = Self.good[kind]!
        // Cut after every comma: each prefix lacks a field the report needs.
        let commas = line.indices.filter { line[$0] == "," }
        let minimum = [ReportKind.tracking: 14, .sources: 10, .sourcestats: 8, .serverstats: 11, .activity: 5,
                       .ntpdata: 34, .clients: 10][kind]!
        for comma in commas {
            let prefix = String(line[..<comma])
            let fieldCount = prefix.split(separator: ",", omittingEmptySubsequences: false).count
            // A chrony 4.3 serverstats line (11 fields) and a 4.3-4.5 ntpdata line (34) are whole.
            if (kind == .serverstats && fieldCount == 11) || (kind == .ntpdata && fieldCount == 34) { continue }
            // serverstats 4.4+ and ntpdata 4.6+ lines cut inside their newer group are refused too.
            let error = try #require(parseError(kind, prefix), "\(kind) accepted \(prefix)")
            #expect(error.report == kind)
            #expect(error.line == 1)
            #expect(error.fieldNumber == fieldCount + 1)
            if fieldCount < minimum {
                #expect(error.problem == .missingField(found: fieldCount, minimum: minimum))
            }
            #expect(error.description.contains("chronyc \(kind.rawValue) output, line 1: field \(fieldCount + 1) ("))
        }
    }

    @Test(arguments: ReportKind.allCases)
    func extraTrailingFieldsFromNewerVersionsAreAccepted(_ kind: ReportKind) throws {
        let set = try ReportSet.parse(kind, csv: Substring(Self.good[kind]! + ",42,future\n"))
        let plain = try ReportSet.parse(kind, csv: Substring(Self.good[kind]!))
        #expect(set == plain)
    }

    @Test func olderFieldCountsAreAccepted() throws {
        let stats = try #require(try ReportSet.parse(.serverstats, csv: "68,0,16,0,0,0,0,0,0,0,0").serverstats)
        #expect(stats.ntpPacketsReceived == 68)
        #expect(stats.ntpDaemonRxTimestamps == nil)
        let ntp = Self.good[.ntpdata]!.split(separator: ",", omittingEmptySubsequences: false).prefix(34).joined(separator: ",")
        let data = try #require(try ReportSet.parse(.ntpdata, csv: Substring(ntp)).ntpdata?.first)
        #expect(data.totalGoodRx == 159)
        #expect(data.totalKernelTx == nil)
    }

    @Test func wrongFieldCountsInsideANewerGroupAreRefused() throws {
        let stats = try #require(parseError(.serverstats, "0,0,58,0,0,0,0,0,0,0,0,0,0,0"))
        #expect(stats.problem == .missingField(found: 14, minimum: 17))
        #expect(stats.field == "ntp_kernel_tx_timestamps")
        let ntp = Self.good[.ntpdata]!.split(separator: ",", omittingEmptySubsequences: false).prefix(36).joined(separator: ",")
        let data = try #require(parseError(.ntpdata, ntp))
        #expect(data.problem == .missingField(found: 36, minimum: 38))
        #expect(data.field == "total_hardware_tx")
    }

    @Test(arguments: [
        (ReportKind.tracking, 2, "stratum", "two"),
        (.tracking, 2, "stratum", "-1"),
        (.tracking, 4, "system_time", "nan"),
        (.tracking, 4, "system_time", "1e-5"),
        (.tracking, 4, "system_time", String(repeating: "9", count: 400)),
        (.tracking, 4, "system_time", "-" + String(repeating: "9", count: 309) + ".5"),
        (.tracking, 4, "system_time", ""),
        (.tracking, 4, "system_time", " 0.1"),
        (.tracking, 4, "system_time", "0."),
        (.tracking, 4, "system_time", "--1.0"),
        (.tracking, 0, "reference_id", "7F00001"),
        (.tracking, 0, "reference_id", "7F00000G"),
        (.tracking, 3, "reference_time", "1795750136"),
        (.tracking, 3, "reference_time", "1795750136.62596969"),
        (.tracking, 13, "leap_status", "Not synchronized"),
        (.tracking, 13, "leap_status", "normal"),
        (.sources, 0, "mode", "?"),
        (.sources, 1, "state", "!"),
        (.sources, 2, "name", ""),
        (.sources, 4, "poll", "-"),
        (.sources, 5, "reach", "378"),
        (.sources, 5, "reach", "400"),
        (.sources, 5, "reach", "ff"),
        (.sources, 6, "last_rx", "4294967296"),
        (.sources, 6, "last_rx", "-1"),
        (.sources, 9, "estimated_error", "inf"),
        (.sources, 9, "estimated_error", String(repeating: "9", count: 400)),
        (.sourcestats, 1, "samples", "x"),
        (.sourcestats, 4, "frequency_ppm", "1.5.0"),
        (.serverstats, 16, "ntp_hardware_tx_timestamps", "18446744073709551616"),
        (.activity, 0, "online", "+2"),
        (.ntpdata, 7, "mode", "Broadcast"),
        (.ntpdata, 23, "tests", "11"),
        (.ntpdata, 23, "tests", "112"),
        (.ntpdata, 26, "interleaved", "yes"),
        (.ntpdata, 28, "tx_timestamping", "Software"),
        (.clients, 3, "ntp_interval", "128"),
        (.clients, 1, "ntp_packets", "4294967296"),
    ] as [(ReportKind, Int, String, String)])
    func badValuesAreRefused(_ kind: ReportKind, _ index: Int, _ name: String, _ value: String) throws {
        let line = with(kind, field: index, value)
        let error = try #require(parseError(kind, line), "\(kind) accepted \(value) in \(name)")
        #expect(error.report == kind)
        #expect(error.line == 1)
        #expect(error.fieldNumber == index + 1)
        #expect(error.field == name)
        if case .badValue(let shown, _) = error.problem { #expect(shown == value) } else {
            Issue.record("expected a bad value, got \(error.problem)")
        }
        #expect(error.description.contains("field \(index + 1) (\(name))"))
    }

    @Test func errorsNameTheLineOfAMultiLineReport() throws {
        let text = Self.good[.sources]! + "\n" + Self.good[.sources]! + "\n" + with(.sources, field: 1, "S") + "\n"
        let error = try #require(parseError(.sources, text))
        #expect(error.line == 3)
        #expect(error.description == #"malformed chronyc sources output, line 3: field 2 (state) is "S", expected a source state: *, +, -, ?, x or ~"#)
    }

    @Test func oneLineReportsNeedExactlyOneLine() throws {
        let empty = try #require(parseError(.tracking, ""))
        #expect(empty.problem == .missingLine)
        let two = try #require(parseError(.activity, "1,0,0,0,0\n1,0,0,0,0\n"))
        #expect(two.problem == .extraLine)
        #expect(two.line == 2)
    }

    @Test func emptyMultiLineReportsAreEmptyLists() throws {
        let set = try ReportSet.parse(.sources, csv: "")
        #expect(set.sources == [])
    }

    @Test func chronycValuesAreReadAsChronyMeansThem() throws {
        let never = try #require(try ReportSet.parse(.sources, csv: "^,?,127.0.0.2,0,0,0,4294967295,0.000000000,-0.000000000,0.000000000").sources?.first)
        #expect(never.lastRx == nil)
        #expect(never.measuredOffset == 0 && never.measuredOffset.sign == .minus)
        #expect(never.adjustedOffset.sign == .plus)
        let selected = try #require(try ReportSet.parse(.sources, csv: "=,~,fd00::1,2,10,17,1199,1.5,-2.25,0.001").sources?.first)
        #expect(selected.mode == .peer)
        #expect(selected.state == .tooVariable)
        #expect(selected.reach == 0o17)
        #expect(selected.poll == 10)
        let unsync = try #require(try ReportSet.parse(.tracking, csv: "00000000,,0,0.000000000,0.000000000,0.000000000,0.000000000,0.000,0.000,0.000,1.000000000,1.000000000,0.0,Not synchronised").tracking)
        #expect(unsync.referenceName == "")
        #expect(unsync.leapStatus == .notSynchronised)
        #expect(!unsync.isSynchronised)
        #expect(unsync.referenceTime == .epoch)
        let client = try #require(try ReportSet.parse(.clients, csv: Substring(Self.good[.clients]!)).clients?.first)
        #expect(client.ntpInterval == -3)
        #expect(client.ntpLimitedInterval == nil)
        #expect(client.lastCommand == nil)
    }
}
