import ChronyKit
import Dispatch
import Synchronization

/// Asks each of the gateway's relays once for the time (the SNTP client, in parallel) and
/// counts those that answer synchronised: leap not 3, stratum 1 to 15.
public enum RelayProbe {
    public static func synchronisedCount(_ relays: [NTPSource], timeout: Duration = .milliseconds(500)) -> Int {
        let results = Mutex<Int>(0)
        DispatchQueue.concurrentPerform(iterations: relays.count) { index in
            let relay = relays[index]
            guard let sample = try? NTPClient.querySynchronously(
                host: relay.host.description, port: relay.port ?? 123, timeout: timeout)
            else { return }
            if sample.leap.rawValue != 3, (1...15).contains(sample.stratum) {
                results.withLock { $0 += 1 }
            }
        }
        return results.withLock { $0 }
    }
}
