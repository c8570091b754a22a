import ChronyKit
import Dispatch

// INTERIM — to be replaced by an observer built on the reports branch's `ChronycClient`
// (Sources/ChronyRuntime/Chronyc) once it lands on main. This file reads only the handful of
// `chronyc -c` fields the state machine needs; it is not a report parser and nothing else
// may use it.

/// Polls chronyd with one `chronyc -c -m tracking sources` over its Unix command socket.
public struct InterimChronycObserver: ChronydObserver {
    public let chronyc: String
    public let socketPath: String
    public let timeout: Duration
    /// chronyc runs are blocking: they run on this queue, not on a Swift concurrency thread.
    private let queue = DispatchQueue(label: "chronyvisor.chronyc")

    public init(chronyc: String, socketPath: String, timeout: Duration = .seconds(5)) {
        self.chronyc = chronyc
        self.socketPath = socketPath
        self.timeout = timeout
    }

    public func observe() async -> Observation {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: observeBlocking()) }
        }
    }

    func observeBlocking() -> Observation {
        guard let run = try? CapturedRun.run(chronyc, arguments: ["-h", socketPath, "-n", "-c", "-m", "tracking", "sources"],
                                             timeout: timeout),
            run.status == .exited(0)
        else { return .silent }
        return Self.observation(fromCSV: run.stdout)
    }

    /// Tracking (the first line, 14+ fields): refid 0, name 1, stratum 2, leap status 13.
    /// Sources (10+ fields each): state 1 (`*` selected), name 2, reach 5 (octal).
    static func observation(fromCSV text: String) -> Observation {
        let lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        guard let tracking = lines.first, tracking.count >= 14 else { return .silent }
        var observation = Observation(processAlive: true, answers: true)
        observation.leapSynchronised = tracking[13] != "Not synchronised"
        observation.reference = tracking[1].isEmpty ? String(tracking[0]) : String(tracking[1])
        observation.stratum = Int(tracking[2]) ?? 0
        for source in lines.dropFirst() where source.count >= 10 {
            observation.sourceCount += 1
            if source[1] == "*" { observation.selectedSource = String(source[2]) }
            if let reach = Int(source[5], radix: 8), reach != 0 { observation.reachableSources += 1 }
        }
        return observation
    }
}
