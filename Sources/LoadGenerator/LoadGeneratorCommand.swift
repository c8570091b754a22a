#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser

/// `chronyvisor-loadgen`: offers an NTP server a fixed rate of SNTP requests from many
/// clients and reports what came back. A benchmark tool (scripts/bench/capacity.py), bounded
/// in rate, count and time; meant for loopback and the stand's own networks only.
@main
struct LoadGeneratorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chronyvisor-loadgen",
        abstract: "Offer an NTP server a fixed rate of SNTP requests and report answered/s, loss and latency.",
        discussion: """
        Exit status: 0 when the run finished (whatever the loss), 64 for bad arguments, 1 when \
        the sockets could not be set up. Use it only against servers on this machine or on \
        networks you created: it sends as fast as asked.
        """
    )

    @Argument(help: "The server, IPv4 A.B.C.D[:PORT] (port 123 when omitted).")
    var target: String

    @Option(help: "Requests offered per second (1 to 2000000).")
    var rate: Double = 1000

    @Option(help: "Seconds of sending (0.1 to 600).")
    var duration: Double = 3

    @Option(help: "Upper bound on requests sent (1 to 50000000).")
    var maxRequests: Int = 5_000_000

    @Option(help: "Client sockets, each on its own source port (1 to 4096).")
    var clients: Int = 64

    @Option(help: "First source address to bind the clients to (IPv4); consecutive addresses follow.")
    var sourceBase: String?

    @Option(help: "How many consecutive source addresses, from --source-base (1 to 65536).")
    var sourceCount: Int = 1

    @Option(help: "Seconds to wait for replies after the last request (0.05 to 30).")
    var timeout: Double = 1

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func validate() throws {
        guard IPv4Endpoint(target, defaultPort: 123) != nil else {
            throw ValidationError("target '\(target)': expected an IPv4 address with an optional port, A.B.C.D[:PORT]")
        }
        guard rate.isFinite, (1...2_000_000).contains(rate) else { throw ValidationError("--rate \(rate): expected 1 to 2000000 requests per second") }
        guard duration.isFinite, (0.1...600).contains(duration) else { throw ValidationError("--duration \(duration): expected 0.1 to 600 seconds") }
        guard (1...50_000_000).contains(maxRequests) else { throw ValidationError("--max-requests \(maxRequests): expected 1 to 50000000") }
        guard (1...4096).contains(clients) else { throw ValidationError("--clients \(clients): expected 1 to 4096 sockets") }
        guard (1...65536).contains(sourceCount) else { throw ValidationError("--source-count \(sourceCount): expected 1 to 65536") }
        guard timeout.isFinite, (0.05...30).contains(timeout) else { throw ValidationError("--timeout \(timeout): expected 0.05 to 30 seconds") }
        if let sourceBase, IPv4Endpoint(sourceBase) == nil {
            throw ValidationError("--source-base '\(sourceBase)': expected an IPv4 address A.B.C.D")
        }
        if sourceBase == nil, sourceCount != 1 {
            throw ValidationError("--source-count \(sourceCount) needs --source-base")
        }
    }

    func run() throws {
        let endpoint = IPv4Endpoint(target, defaultPort: 123)!
        let sources = sourceBase.flatMap { IPv4Endpoint($0) }.map { base in
            (0..<sourceCount).map { base.advanced(by: UInt32($0)) }
        } ?? []
        let load = UDPLoadRun(target: endpoint, sources: sources, clients: clients,
                              schedule: LoadSchedule(rate: rate, duration: duration, maxRequests: maxRequests),
                              replyTimeout: UInt64(timeout * 1e9))
        let result: LoadRunResult
        do {
            result = try load.run()
        } catch {
            printError("chronyvisor-loadgen: \(error.description)")
            throw ExitCode(1)
        }
        let report = LoadReport(target: endpoint.description, offeredRate: rate, scheduledSeconds: result.scheduledSeconds,
                                sendSeconds: result.sendSeconds, tally: result.tally)
        print(json ? report.json() : report.text())
    }
}

/// One line to standard error.
func printError(_ line: String) {
    let text = line + "\n"
    _ = text.withCString { write(2, $0, strlen($0)) }
}
