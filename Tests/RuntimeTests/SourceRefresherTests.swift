import ChronyKit
import ChronyRuntime
import Logging
import Testing

/// `chronyc refresh` against a real chronyd whose only source, given by name, never answers.
@Suite struct SourceRefresherTests {
    @Test func refreshesAnUnansweringNamedSourceOncePerInterval() throws {
        // `localhost` comes from /etc/hosts; nothing listens on the port: it never answers.
        let chronyd = try LocalChronyd(directives: ["server localhost port \(TestPorts.next()) iburst minpoll -2 maxpoll -2"])
        let client = ChronycClient(executable: Executables.find("chronyc", fallbacks: ["/usr/bin/chronyc"]) ?? "/usr/bin/chronyc",
                                   socket: chronyd.socketPath, timeout: .seconds(5))
        var reports = ReportSet()
        try waitUntil(timeout: 20, "chronyd lists its resolved source\n\(chronyd.log)") {
            reports = try client.fetch([.sources])
            return reports.sources?.count == 1
        }
        #expect(reports.sources?.first?.reach == 0)
        let refresher = SourceRefresher(client: client, policy: SourceRefreshPolicy(minimumInterval: .seconds(3600)),
                                        logger: Logger(label: "test"))
        let first = refresher.afterPoll(reports)
        guard case .refreshed(let names)? = first else {
            Issue.record("expected a refresh, got \(String(describing: first))\n\(chronyd.log)")
            return
        }
        #expect(names.count == 1)
        #expect(refresher.afterPoll(reports) == nil, "a second refresh within the interval")

        // Every source answering: nothing to refresh, whatever the interval.
        let answering = SourceRefresher(client: client, logger: Logger(label: "test"))
        var healthy = reports
        healthy.sources = reports.sources?.map { var s = $0; s.reach = 0o377; return s }
        #expect(answering.afterPoll(healthy) == nil)
    }
}
