import ChronyKit
import ChronyRuntime
import Foundation
import Testing

/// `ChronycClient` against real chronyd instances on loopback (always -x).
@Suite struct ChronycClientTests {
    static var chronyc: String { Executables.find("chronyc", fallbacks: ["/usr/bin/chronyc"]) ?? "/usr/bin/chronyc" }

    static func waitForSelection(_ client: LocalChronyd, of address: String = "127.0.0.1") throws {
        try waitUntil(timeout: 30, "the client selects \(address)") {
            (try client.chronyc(["-c", "sources"])).stdout.contains("^,*,\(address),")
        }
    }

    @Test func oneRunReadsEveryReport() throws {
        let reference = try LocalChronyd.reference()
        let deadPort = TestPorts.next()
        let client = try LocalChronyd.client(of: [reference], extra: ["server 127.0.0.2 port \(deadPort) iburst minpoll -2 maxpoll 0"])
        try Self.waitForSelection(client)

        let chronycClient = ChronycClient(executable: Self.chronyc, socket: client.socketPath, timeout: .seconds(10))
        let set = try chronycClient.fetch(ReportKind.allCases)
        #expect(set.kinds == ReportKind.allCases)

        let tracking = try #require(set.tracking)
        #expect(tracking.referenceName == "127.0.0.1")
        #expect(tracking.referenceID == ReferenceID(rawValue: 0x7F00_0001))
        #expect(tracking.isSynchronised)
        #expect(tracking.stratum == 2)

        let sources = try #require(set.sources)
        #expect(sources.count == 2)
        let selected = try #require(sources.first { $0.name == "127.0.0.1" })
        #expect(selected.mode == .server)
        #expect(selected.state == .selected)
        #expect(selected.stratum == 1)
        #expect(selected.lastRx != nil)
        let dead = try #require(sources.first { $0.name == "127.0.0.2" })
        #expect(dead.state == .unusable)
        #expect(dead.reach == 0)
        #expect(dead.lastRx == nil)

        #expect(try #require(set.sourcestats).map(\.name).sorted() == ["127.0.0.1", "127.0.0.2"])
        #expect(try #require(set.ntpdata).map(\.remoteAddress).sorted() == ["127.0.0.1", "127.0.0.2"])
        let activity = try #require(set.activity)
        #expect(activity.online + activity.burstOnline == 2)
        #expect(try #require(set.serverstats).commandPacketsReceived > 0)
        #expect(set.clients == [])

        // The reference has served the client: it is in its clients list.
        let served = try ChronycClient(executable: Self.chronyc, socket: reference.socketPath).fetch([.clients, .serverstats])
        #expect(try #require(served.clients).contains { $0.address == "127.0.0.1" && $0.ntpPackets > 0 })
        #expect(try #require(served.serverstats).ntpPacketsReceived > 0)
    }

    @Test func theBatchAgreesWithSeparateChronycRuns() throws {
        let reference = try LocalChronyd.reference()
        let client = try LocalChronyd.client(of: [reference])
        try Self.waitForSelection(client)
        let set = try ChronycClient(executable: Self.chronyc, socket: client.socketPath)
            .fetch([.sources, .sourcestats, .tracking, .activity])
        let sources = try ReportSet.parse(.sources, csv: Substring(try client.chronyc(["-c", "sources"]).stdout)).sources!
        #expect(set.sources?.map(\.name) == sources.map(\.name))
        #expect(set.sources?.map(\.mode) == sources.map(\.mode))
        let stats = try ReportSet.parse(.sourcestats, csv: Substring(try client.chronyc(["-c", "sourcestats"]).stdout)).sourcestats!
        #expect(set.sourcestats?.map(\.name) == stats.map(\.name))
        let activity = try ReportSet.parse(.activity, csv: Substring(try client.chronyc(["-c", "activity"]).stdout)).activity
        // The two reads are moments apart: a source may leave its start burst in between
        // (burstOnline → online), so the count of sources is what must agree.
        func total(_ a: ActivityReport?) -> Int? {
            a.map { $0.online + $0.offline + $0.burstOnline + $0.burstOffline + $0.unknownAddress }
        }
        #expect(total(set.activity) == total(activity) && total(activity) == 1)
    }

    @Test func anUnsynchronisedClient() throws {
        let client = try LocalChronyd(directives: ["server 127.0.0.1 port \(TestPorts.next()) iburst minpoll -2 maxpoll 0"])
        let set = try ChronycClient(executable: Self.chronyc, socket: client.socketPath).fetch([.tracking, .sources])
        let tracking = try #require(set.tracking)
        #expect(tracking.leapStatus == .notSynchronised)
        #expect(tracking.referenceID == ReferenceID(rawValue: 0))
        #expect(tracking.referenceName == "")
        #expect(tracking.referenceTime == .epoch)
        #expect(set.sources?.map(\.state) == [.unusable])
    }

    @Test func noSocketIsCannotConnect() throws {
        let socket = "/tmp/chronyvisor-no-such-\(getpid())-\(TestPorts.next()).sock"
        #expect(throws: ChronycError.cannotConnect(socket: socket)) {
            try ChronycClient(executable: Self.chronyc, socket: socket).fetch(.tracking)
        }
    }

    @Test func aChronydThatWasStoppedIsCannotConnect() throws {
        let chronyd = try LocalChronyd.reference()
        chronyd.stop()
        #expect(throws: ChronycError.cannotConnect(socket: chronyd.socketPath)) {
            try ChronycClient(executable: Self.chronyc, socket: chronyd.socketPath).fetch([.tracking, .sources])
        }
    }

    @Test func aHungChronydIsKilledAfterTheTimeout() throws {
        let chronyd = try LocalChronyd.reference()
        kill(chronyd.pid, SIGSTOP)
        defer { kill(chronyd.pid, SIGCONT) }
        #expect(throws: ChronycError.timedOut(socket: chronyd.socketPath, timeout: .milliseconds(300))) {
            try ChronycClient(executable: Self.chronyc, socket: chronyd.socketPath, timeout: .milliseconds(300)).fetch(.tracking)
        }
    }

    @Test func aHungChronydWithALongTimeoutIsChronycs506() throws {
        // chronyc itself gives up after about 7 s (timeout 1 s, two retries, doubling).
        let chronyd = try LocalChronyd.reference()
        kill(chronyd.pid, SIGSTOP)
        defer { kill(chronyd.pid, SIGCONT) }
        #expect(throws: ChronycError.noAnswer(socket: chronyd.socketPath)) {
            try ChronycClient(executable: Self.chronyc, socket: chronyd.socketPath, timeout: .seconds(30)).fetch(.tracking)
        }
    }

    /// 501, 508 and 518 cannot be produced with this machine's chronyd: all local reports go
    /// through the Unix socket (always authorised) and chronyc and chronyd are the same
    /// version. A stand-in chronyc prints chronyc's exact failure answers; this is a mock,
    /// standing in only for what cannot run here.
    @Test(arguments: [
        ("501 Not authorised", ChronycError.notAuthorised(socket: "/x.sock")),
        ("508 Bad reply from daemon", .versionMismatch(socket: "/x.sock", answer: "508 Bad reply from daemon")),
        ("518 Packet length mismatch", .versionMismatch(socket: "/x.sock", answer: "518 Packet length mismatch")),
    ])
    func failureAnswersFromAStandInChronyc(answer: String, expected: ChronycError) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chronyvisor-fake-chronyc-\(getpid())-\(TestPorts.next())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = directory.appendingPathComponent("chronyc")
        try "#!/bin/sh\necho '00000000,,0,0.000000000,0.000000000,0.000000000,0.000000000,0.000,0.000,0.000,1.000000000,1.000000000,0.0,Not synchronised'\necho '\(answer)'\nexit 1\n"
            .write(to: script, atomically: true, encoding: .utf8)
        chmod(script.path, 0o755)
        // "Text file busy" (ETXTBSY): a process another test forks while the script is being
        // written holds its write descriptor until it execs; starting it again then works.
        var thrown: (any Error)?
        for _ in 0..<50 {
            do {
                _ = try ChronycClient(executable: script.path, socket: "/x.sock").fetch([.tracking, .serverstats])
                thrown = nil
            } catch {
                thrown = error
                if "\(error)".contains("Text file busy") { usleep(20_000); continue }
            }
            break
        }
        #expect(thrown as? ChronycError == expected, "\(String(describing: thrown))")
    }

    @Test func aMissingChronycIsCannotStart() throws {
        let client = ChronycClient(executable: "/nonexistent/chronyc", socket: "/x.sock")
        do {
            _ = try client.fetch(.tracking)
            Issue.record("expected an error")
        } catch {
            guard case .cannotStart(let executable, _) = error else {
                Issue.record("expected cannotStart, got \(error)")
                return
            }
            #expect(executable == "/nonexistent/chronyc")
        }
    }
}
