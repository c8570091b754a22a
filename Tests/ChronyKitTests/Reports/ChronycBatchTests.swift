import Testing
@testable import ChronyKit

/// One `chronyc -c -m` run for several reports: which commands it runs and how its output is
/// split back into reports (checked on real captured output).
@Suite struct ChronycBatchTests {
    static func csv(_ file: String, _ command: String) throws -> String {
        let fixture = try FixtureFile(name: file)
        return try #require(fixture.sections.first { $0.command == "-c " + command }).output
    }

    @Test func variableLengthReportsAreFollowedByATrackingMarker() {
        #expect(ChronycBatch([.tracking, .sources, .sourcestats]).commands == ["tracking", "sources", "tracking", "sourcestats"])
        #expect(ChronycBatch([.sources, .tracking]).commands == ["sources", "tracking"])
        #expect(ChronycBatch([.sources, .activity, .clients]).commands == ["sources", "tracking", "activity", "clients"])
        #expect(ChronycBatch([.ntpdata]).commands == ["ntpdata"])
        #expect(ChronycBatch([.tracking, .tracking, .activity]).commands == ["tracking", "activity"])
        #expect(ChronycBatch([]).commands == [])
    }

    @Test(arguments: ["chrony-4.3/client.txt", "chrony-4.3/reference.txt", "chrony-4.3/unsynchronised.txt",
                      "chrony-4.3/starting.txt", "chrony-4.6/client-refclock-unreachable.txt"])
    func aBatchSplitsBackIntoTheSameReports(file: String) throws {
        let fixture = try FixtureFile(name: file)
        let available = ReportKind.allCases.filter { kind in fixture.sections.contains { $0.command == "-c \(kind.rawValue)" } }
        // Every order of the reports this fixture has, as a rotation, plus the reverse.
        let orders = available.indices.map { Array(available[$0...] + available[..<$0]) } + [available.reversed()]
        for order in orders {
            let batch = ChronycBatch(order)
            var output = ""
            var expected = ReportSet()
            for command in batch.commands {
                let text = try Self.csv(file, command)
                output += text
            }
            for kind in order {
                try expected.parse(kind, csv: Substring(try Self.csv(file, kind.rawValue)))
            }
            let set = try batch.parse(output)
            #expect(set == expected, "\(file): \(batch.commands)")
            #expect(set.kinds == order.sorted { ReportKind.allCases.firstIndex(of: $0)! < ReportKind.allCases.firstIndex(of: $1)! })
        }
    }

    @Test func aCutBatchIsAnError() throws {
        let tracking = try Self.csv("chrony-4.3/client.txt", "tracking")
        let sources = try Self.csv("chrony-4.3/client.txt", "sources")
        // chronyc stopped after sources: the marker and sourcestats are missing.
        let batch = ChronycBatch([.sources, .sourcestats])
        #expect(throws: ReportParseError(report: .tracking, line: 1, fieldNumber: 0, field: "", problem: .missingLine)) {
            try batch.parse(sources)
        }
        // A one-line report followed by more lines than asked for.
        #expect(throws: ReportParseError(report: .tracking, line: 2, fieldNumber: 0, field: "", problem: .extraLine)) {
            try ChronycBatch([.tracking]).parse(tracking + tracking)
        }
    }

    /// A batch refuses what the report alone refuses: one empty line is not "no sources"
    /// (the batch once joined the lines again and passed it as an empty report; found by the
    /// chronyc-batch fuzz target).
    @Test(arguments: [ReportKind.ntpdata, .sources, .authdata])
    func anEmptyLineIsNoReport(_ kind: ReportKind) throws {
        #expect(throws: ReportParseError.self) { try ReportSet.parse(kind, csv: "\n") }
        #expect(throws: ReportParseError.self) { try ChronycBatch([kind]).parse("\n") }
        let tracking = try Self.csv("chrony-4.3/client.txt", "tracking")
        #expect(throws: ReportParseError.self) { try ChronycBatch([kind, .tracking]).parse("\n" + tracking) }
        #expect(try ChronycBatch([kind]).parse("") == ReportSet.parse(kind, csv: ""))
    }

    @Test func trackingLinesAreRecognised() throws {
        #expect(ChronycBatch.isTrackingLine(Substring(try Self.csv("chrony-4.3/client.txt", "tracking"))))
        #expect(ChronycBatch.isTrackingLine("00000000,,0,0.000000000,0.000000000,0.000000000,0.000000000,0.000,0.000,0.000,1.000000000,1.000000000,0.0,Not synchronised"))
        #expect(!ChronycBatch.isTrackingLine("^,*,127.0.0.1,1,-3,377,0,0.000000237,0.000000220,0.000003245"))
        #expect(!ChronycBatch.isTrackingLine("127.0.0.1,64,32,8,-0.001,0.040,-0.000000000,0.000000226"))
        #expect(!ChronycBatch.isTrackingLine("NMEA,0,0,0,0.000,2000.000,0.000000000,4.000000000"))
        #expect(!ChronycBatch.isTrackingLine("fd00::1234,219,0,-3,127,0,0,0,127,4294967295"))
        #expect(!ChronycBatch.isTrackingLine("DEADBEEF,1,2"))
    }
}

/// chronyc's failure answers become typed errors.
@Suite struct ChronycErrorTests {
    static let socket = "/run/chrony/chronyd.sock"

    func classify(stdout: String = "", stderr: String = "") -> ChronycError {
        ChronycError.classify(exitDescription: "exited with status 1", stdout: stdout, stderr: stderr, socket: Self.socket)
    }

    @Test func theAnswersChronycGives() {
        #expect(classify(stderr: "Could not open connection to daemon\n") == .cannotConnect(socket: Self.socket))
        #expect(classify(stdout: "506 Cannot talk to daemon\n") == .noAnswer(socket: Self.socket))
        // -m: the reports before the failing one come first on stdout.
        #expect(classify(stdout: "7F7F0101,,1,0.0,...\n501 Not authorised\n") == .notAuthorised(socket: Self.socket))
        #expect(classify(stdout: "508 Bad reply from daemon\n") == .versionMismatch(socket: Self.socket, answer: "508 Bad reply from daemon"))
        #expect(classify(stdout: "518 Packet length mismatch\n") == .versionMismatch(socket: Self.socket, answer: "518 Packet length mismatch"))
        #expect(classify(stdout: "517 Protocol version mismatch\n") == .versionMismatch(socket: Self.socket, answer: "517 Protocol version mismatch"))
        #expect(classify(stdout: "503 No such source\n") == .daemonError(socket: Self.socket, answer: "503 No such source"))
        #expect(classify(stderr: "Unrecognized command\n") == .failed(socket: Self.socket, status: "exited with status 1", message: "Unrecognized command"))
    }

    @Test func messagesNameTheSocket() {
        #expect(ChronycError.cannotConnect(socket: Self.socket).description
            == "cannot reach chronyd at /run/chrony/chronyd.sock: Could not open connection to daemon (is chronyd running?)")
        #expect(ChronycError.timedOut(socket: Self.socket, timeout: .milliseconds(2500)).description
            == "cannot reach chronyd at /run/chrony/chronyd.sock: no answer within 2.5 s (chronyc was killed)")
        #expect(ChronycError.noAnswer(socket: Self.socket).exitCode == 1)
        #expect(ChronycError.noAnswer(socket: Self.socket).isUnreachable)
        #expect(!ChronycError.notAuthorised(socket: Self.socket).isUnreachable)
    }
}

/// The overview `chronyvisor status` prints first.
@Suite struct StatusOverviewTests {
    @Test func overviewShowsRoleTrackingAndSources() throws {
        let fixture = "chrony-4.3/client.txt"
        let tracking = try #require(try ReportSet.parse(.tracking, csv: Substring(try ChronycBatchTests.csv(fixture, "tracking"))).tracking)
        let sources = try #require(try ReportSet.parse(.sources, csv: Substring(try ChronycBatchTests.csv(fixture, "sources"))).sources)
        let file = try FixtureFile(name: fixture)
        let humanTracking = try #require(file.sections.first { $0.command == "tracking" }).output
        let humanSources = try #require(file.sections.first { $0.command == "sources" }).output

        let overview = StatusOverview(role: .gateway, tracking: tracking, sources: sources)
        #expect(overview.text == "Role            : gateway\n\n" + humanTracking + "\n" + humanSources)
        var healthy = overview
        healthy.health = "healthy: synchronised to 127.0.0.1"
        #expect(healthy.text.hasPrefix("Role            : gateway\nHealth          : healthy: synchronised to 127.0.0.1\n\nReference ID"))

        let json = StatusJSON.encode(overview)
        #expect(json.contains("\"health\" : null"))
        #expect(json.contains("\"role\" : \"gateway\""))
        #expect(try StatusJSON.decode(StatusOverview.self, from: json) == overview)
    }

    @Test func jsonUsesWordsAndSeconds() throws {
        let set = try ReportSet.parse(.sources, csv: "^,*,127.0.0.1,1,-3,377,4294967295,0.000000237,-0.000000000,1.5\n")
        let json = StatusJSON.encode(set)
        #expect(json.contains("\"mode\" : \"server\""))
        #expect(json.contains("\"state\" : \"selected\""))
        #expect(json.contains("\"reach\" : 255"))
        #expect(json.contains("\"last_rx\" : null"))
        #expect(json.contains("\"estimated_error\" : 1.5"))
        #expect(json.contains("\"measured_offset\" : -0"))
        let tracking = try ReportSet.parse(.tracking, csv: Substring(try ChronycBatchTests.csv("chrony-4.3/client.txt", "tracking")))
        let text = StatusJSON.encode(tracking)
        #expect(text.contains("\"reference_time\" : 1795750136.625969694"))
        #expect(text.contains("\"reference_id\" : \"7F000001\""))
        #expect(text.contains("\"leap_status\" : \"normal\""))
    }
}
