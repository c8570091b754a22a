import ChronyKit
import ChronyRuntime
import Logging
import Testing

/// `chronyc refresh` against a real chronyd whose only source, given by name, never answers.
@Suite struct SourceUpkeepTests {
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
        let refresher = SourceUpkeep(client: client, policy: SourceRefreshPolicy(minimumInterval: .seconds(3600)),
                                        logger: Logger(label: "test"))
        let first = refresher.afterPoll(reports)
        guard case .refreshed(let names)? = first else {
            Issue.record("expected a refresh, got \(String(describing: first))\n\(chronyd.log)")
            return
        }
        #expect(names.count == 1)
        #expect(refresher.afterPoll(reports) == nil, "a second refresh within the interval")

        // Every source answering: nothing to refresh, whatever the interval.
        let answering = SourceUpkeep(client: client, logger: Logger(label: "test"))
        var healthy = reports
        healthy.sources = reports.sources?.map { var s = $0; s.reach = 0o377; return s }
        #expect(answering.afterPoll(healthy) == nil)
    }
}

/// `chronyc reselect` against a real chronyd: its selected source stops, chronyd 4.3 would
/// keep it selected for minutes; after the upkeep's reselect another source is selected.
@Suite struct SourceUpkeepReselectTests {
    @Test func lostSelectedSourceIsReplaced() throws {
        let references = try (1...3).map { i in try LocalChronyd.reference(address: "127.0.4.\(i)") }
        let chronyd = try LocalChronyd.client(of: references, address: "127.0.4.10")
        let client = ChronycClient(executable: Executables.find("chronyc", fallbacks: ["/usr/bin/chronyc"]) ?? "/usr/bin/chronyc",
                                   socket: chronyd.socketPath, timeout: .seconds(5))
        var selected = ""
        try waitUntil(timeout: 30, "a source is selected\n\(chronyd.log)") {
            selected = try client.fetch([.sources]).sources?.first { $0.state == .selected }?.name ?? ""
            return !selected.isEmpty
        }
        references.first { $0.address == selected }!.stop()
        // chronyd keeps an unreachable source as a candidate ("reachability is not a
        // requirement for selection", sources.c) and scores by distance, so one reselect may
        // choose the stopped source again: like the production poll loop, poll and reselect
        // while the lost source is still the choice (at most once a second here). (chronyd may
        // also move on by itself, before the source has missed two polls: either way the
        // stopped source must stop being the choice.)
        let upkeep = SourceUpkeep(client: client, reselect: ReselectPolicy(minimumInterval: .seconds(1)),
                                  refreshesNames: false, logger: Logger(label: "test"))
        var reselects = 0
        try waitUntil(timeout: 30, "chronyd selects another source than the stopped \(selected) (\(reselects) polls still on it)\n\(chronyd.log)") {
            let sources = try client.fetch([.sources]).sources ?? []
            let now = sources.first { $0.state == .selected }?.name
            if now != nil && now != selected { return true }
            if ReselectPolicy.lostSelection(sources) != nil { reselects += 1 }
            upkeep.afterPoll(ReportSet(sources: sources))
            return false
        }
    }
}
