import ChronyKit

/// Asks each of the gateway's relays once for the time (the SNTP client, in parallel) and
/// counts those that answer synchronised: leap not 3, stratum 1 to 15.
public enum RelayProbe {
    public static func synchronisedCount(_ relays: [NTPSource], timeout: Duration = .milliseconds(500)) async -> Int {
        await withTaskGroup(of: Bool.self) { group in
            for relay in relays {
                group.addTask {
                    guard let sample = try? await NTPClient.query(
                        host: relay.host.description, port: relay.port ?? 123, timeout: timeout)
                    else { return false }
                    return sample.leap.rawValue != 3 && (1...15).contains(sample.stratum)
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
    }
}
