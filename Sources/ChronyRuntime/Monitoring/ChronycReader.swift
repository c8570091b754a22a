import ChronyKit

/// Polls chronyd with one `chronyc -c -m tracking sources sourcestats serverstats authdata ntpdata` through
/// `ChronycClient` and, when asked to, sends one NTP request to the node's own serving port
/// (what a client would get), as `BlockingWork` (both block; they must not hold a Swift
/// concurrency thread).
public struct ChronycReader: ChronydObserving {
    public let client: ChronycClient
    /// Where the node serves NTP, for the served-time check; nil: no check.
    public let servedTimeAt: (host: String, port: UInt16)?

    /// The reports one poll reads: the state machine's, the health policy's and /metrics'.
    /// authdata names NTS sources whose key establishment fails (health, metrics).
    public static let reports: [ReportKind] = [.tracking, .sources, .sourcestats, .serverstats, .authdata]
    /// What a poll asks for first: the above plus ntpdata (through the Unix socket like
    /// serverstats), for chrony_exporter's `chrony_sources_peer_*`. chronyc asks ntpdata
    /// source by source and `-m` stops at the first refusal; should chronyd refuse one (a
    /// source it no longer knows by that address), the poll asks again without ntpdata, so
    /// metrics never cost the verdict its reports.
    public static let reportsWithNTPData: [ReportKind] = reports + [.ntpdata]

    public init(client: ChronycClient, servedTimeAt: (host: String, port: UInt16)? = nil) {
        self.client = client
        self.servedTimeAt = servedTimeAt
    }

    public func observe() async -> ChronydReading {
        await BlockingWork.run { [self] in read() }
    }

    func read() -> ChronydReading {
        do {
            let reports = try fetch()
            var reading = ChronydReading(observation: Observation(reports: reports), reports: reports)
            if let target = servedTimeAt, reports.tracking?.isSynchronised == true {
                reading.servedTime = Self.servedTime(host: target.host, port: target.port)
            }
            return reading
        } catch {
            return ChronydReading(observation: .silent, failure: error.description)
        }
    }
}

extension ChronycReader {
    /// The poll's reports: with ntpdata, or without it when only that was refused (an
    /// unreachable chronyd is not asked twice).
    func fetch() throws(ChronycError) -> ReportSet {
        do {
            return try client.fetch(Self.reportsWithNTPData)
        } catch where !error.isUnreachable {
            return try client.fetch(Self.reports)
        }
    }

    /// Asks host:port for the time once (the probe's SNTP client, 1 s timeout).
    static func servedTime(host: String, port: UInt16) -> ServedTimeCheck {
        do {
            let sample = try NTPClient.querySynchronously(host: host, port: port, timeout: .seconds(1))
            return .answered(stratum: Int(sample.stratum), leap: Int(sample.leap.rawValue))
        } catch {
            return .failed(error.description)
        }
    }
}
