import ChronyKit

/// The verdict file `health` reads in CHRONY_RUN_DIR (`VerdictRecord.parse`), and what
/// `health` does with a record: the freshness check and the answer.
enum VerdictRecordTarget {
    static let target = FuzzTarget(
        name: "verdict-record",
        summary: "the verdict file `health` reads: refused, or a record whose text parses back to itself and whose freshness and answer never trap",
        dictionary: ["chronyvisor-verdict 1\n", "pid ", "written ", "stale-after ", "state ", "live ", "ready ", "reason ",
                     "healthy", "degraded", "starting", "unhealthy", "true", "false", "\n", "-", "9223372036854775807",
                     "-9223372036854775808", "2147483647", "15000000000"],
        seeds: { _ in
            [VerdictRecord(pid: 1, writtenAt: 734_118_023_451, staleAfter: 15_000_000_000,
                           verdict: HealthVerdict(state: .degraded, live: true, reasons: ["serving its local clock at stratum 8"]), ready: true),
             VerdictRecord(pid: 4242, writtenAt: 1, staleAfter: 0,
                           verdict: HealthVerdict(state: .unhealthy, live: false, reasons: ["chronyd is not running", "no source"]), ready: false),
             VerdictRecord(pid: 7, writtenAt: 99, staleAfter: 5, verdict: HealthVerdict(state: .healthy, live: true, reasons: []), ready: true)]
                .map { Array($0.text.utf8) }
        },
        run: { bytes throws(FuzzFailure) in
            let name = "verdict-record"
            // VerdictFile.answer reads the file this way.
            guard let record = VerdictRecord.parse(String(decoding: bytes, as: UTF8.self)) else { return }
            try require(record.pid > 0 && record.staleAfter >= 0, name, "accepted pid \(record.pid), stale-after \(record.staleAfter)")
            let again = VerdictRecord.parse(record.text)
            try require(again != nil, name, "own text does not parse:\n\(record.text)")
            try require(again?.text == record.text, name, "text changes when parsed again:\n\(record.text)")
            // `health` compares the record with the monotonic clock, whatever the record says.
            for now in [0, 1, record.writtenAt, record.writtenAt &+ record.staleAfter, Int64.max, Int64.min, -1] {
                let fresh = record.isFresh(now: now)
                try require(!fresh || (now >= record.writtenAt), name, "fresh at \(now) though written at \(record.writtenAt)")
            }
            for liveness in [true, false] {
                let answer = record.answer(liveness: liveness)
                try require(answer.ready == (liveness ? record.verdict.live : record.ready), name, "answer says ready \(answer.ready)")
                _ = StatusJSON.encode(answer)
            }
        })
}
