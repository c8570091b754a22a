import ArgumentParser
import ChronyKit
import ChronyRuntime

/// `chronyvisor probe`: an SNTP client that prints the server's time, offset and delay; with
/// `--monitor`, a watcher of several servers that exports what it sees on /metrics.
struct ProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Ask an NTP server for the time, like an application on the network would.",
        // ASCII only: the man pages' generator drops every other character.
        discussion: """
            Sends NTPv4 client requests (RFC 4330 SNTP) to HOST (a name, IPv4 or IPv6 \
            address) and prints, per request: the server's transmit time (UTC), the offset \
            theta = ((T2-T1)+(T3-T4))/2 (positive: the server is ahead of this machine's clock) \
            and the round-trip delay = (T4-T1)-(T3-T2) in chronyc's units, the stratum, \
            reference ID, leap status (the leap indicator the server sends: Normal, Insert \
            second, Delete second), root delay and root dispersion. A reply counts only \
            when it echoes the request's random transmit timestamp, is mode 4 (server), \
            version 3 or 4, with non-zero timestamps; other datagrams are dropped and counted \
            as invalid. A kiss-of-death (RATE: the interval is doubled; DENY, RSTR: probing \
            stops) or an unsynchronised server (leap 3, stratum 0) is reported as a refusal, \
            never as a time. T4 is T1 plus the monotonic time elapsed, so a step of the \
            system clock during an exchange cannot distort offset or delay.

            At the end (--count reached, SIGINT or SIGTERM) a summary: requests sent, \
            answered (a time or a refusal), lost, refused, invalid datagrams dropped; offset \
            and delay min/median/max; jitter = the RMS of the differences between successive \
            offsets, sqrt(sum of (theta[i]-theta[i-1])^2 / (n-1)).

            --json prints one JSON object per line: {"type":"sample"|"refused"|"lost", ...} \
            per request and a final {"type":"summary", ...}; times in seconds (see \
            docs/probe.md for every field).

            --monitor TARGET...: asks every target ([ROLE=]HOST[:PORT], e.g. \
            gateway=chrony-main relay=chrony-local1) once per round, every --interval seconds \
            (default 10), prints a line per answer with the target's name, and serves per \
            target offset, delay, stratum, leap, root distance and a score on /metrics at \
            --listen (default 127.0.0.1:9123), until SIGINT or SIGTERM. Every target must \
            resolve at start. See docs/probe.md.

            Exit status: 0 at least one good sample (--monitor: stopped by a signal); 1 no \
            answer (or HOST did not resolve); 2 only invalid or refusing answers; 64 a usage \
            error; 78 (--monitor) a target that does not resolve, or --listen cannot be bound.
            """)

    @Argument(help: ArgumentHelp("The NTP server: host name, IPv4 or IPv6 address (with --monitor: one or more [ROLE=]HOST[:PORT]).",
                                 valueName: "host"))
    var hosts: [String] = []

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("UDP port of the server (default 123).", valueName: "N"))
    var port: String?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Time between requests: 2, 500ms, 1m; plain numbers are seconds (default 2s; 0: back to back; --monitor: between rounds, default 10s).", valueName: "duration"))
    var interval: String?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Requests to send, 0 for no limit (default 0: until SIGINT/SIGTERM).", valueName: "N"))
    var count: String?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("How long to wait for each reply: 1, 300ms; plain numbers are seconds (default 1s).", valueName: "duration"))
    var timeout: String?

    @Flag(help: "One JSON object per line instead of text.")
    var json = false

    @Flag(help: "Watch every target and serve the results on /metrics until stopped.")
    var monitor = false

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("With --monitor: address and port of /metrics (default 127.0.0.1:9123).", valueName: "ADDRESS:PORT"))
    var listen: String?

    func run() async throws {
        try await reportingFailures {
            if monitor {
                if count != nil { throw ProbeUsageError(flag: "--count", expected: "no --count with --monitor (it runs until stopped)", given: count ?? "") }
                let parameters = try MonitorParameters(targets: hosts, port: port, interval: interval, timeout: timeout,
                                                       listen: listen, json: json)
                let status = try await ProbeMonitor(parameters: parameters).run()
                if status != 0 { throw ExitCode(status) }
                return
            }
            if listen != nil { throw ProbeUsageError(flag: "--listen", expected: "--listen only with --monitor", given: listen ?? "") }
            guard hosts.count == 1 else {
                throw ProbeUsageError(flag: "<host>", expected: "one host name or address (several only with --monitor)", given: hosts.joined(separator: " "))
            }
            let parameters = try ProbeParameters(host: hosts[0], port: port, interval: interval, count: count,
                                                 timeout: timeout, json: json)
            let status = try await ProbeLoop(parameters: parameters).run()
            if status != 0 { throw ExitCode(status) }
        }
    }
}
