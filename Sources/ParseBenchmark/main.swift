import ChronyKit

// chronyvisor-parse-bench: how many `chronyc -c` lines per second the report parsers take,
// per report. Lines are real chrony 4.3/4.6 output. Build in release mode
// (scripts/bench-parse.sh). Usage: chronyvisor-parse-bench [lines-per-report]

let samples: [(ReportKind, [String])] = [
    (.tracking, ["7F000001,127.0.0.1,2,1795750136.625969694,-0.000000888,-0.000000017,0.000000054,-0.014,-0.001,0.042,0.000005624,0.000000152,0.1,Normal"]),
    (.sources, ["^,*,127.0.0.1,1,-3,377,0,0.000000237,0.000000220,0.000003245",
                "^,?,127.0.0.2,0,0,0,4294967295,0.000000000,0.000000000,0.000000000",
                "#,?,NMEA,0,4,0,4294967295,0.000000000,0.000000000,0.000000000"]),
    (.sourcestats, ["127.0.0.1,64,32,8,-0.001,0.040,-0.000000000,0.000000226",
                    "127.0.0.2,0,0,0,0.000,2000.000,0.000000000,4.000000000"]),
    (.serverstats, ["0,0,58,0,0,0,0,0,0,0,0,0,0,0,0,0,0", "68,0,16,0,0,0,0,0,0,0,0"]),
    (.activity, ["2,0,0,0,0"]),
    (.ntpdata, ["127.0.0.1,7F000001,11123,127.0.0.1,7F000001,Normal,4,Server,3,-3,0,-26,0.000000015,0.000000,0.000000,7F7F0101,,1795746898.380727704,-0.000000338,0.000007197,0.000000035,0.000050228,0.44,111,111,1111,No,No,Kernel,Kernel,178,178,178,159,178,178,0,0",
                "127.0.0.1,7F000001,31440,127.0.0.1,7F000001,Normal,4,Server,1,-3,0,-26,0.000000015,0.000000,0.000000,7F7F0101,,1795750126.601741434,-0.000000220,0.000006420,0.000000035,0.000043585,0.41,111,111,1111,No,No,Kernel,Kernel,67,67,67,65"]),
    (.clients, ["127.0.0.1,219,0,-3,127,0,0,0,127,4294967295", "192.168.1.20,68,0,6,127,12,3,0,-2,40"]),
]

let linesPerReport = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 200_000
let clock = ContinuousClock()
print("chronyc -c parse throughput (\(linesPerReport) lines per report)")
var checksum = 0
for (kind, lines) in samples {
    // One-line reports are parsed line by line; the others as whole outputs of 100 lines.
    let chunk = kind.isSingleLine ? 1 : 100
    let text = (0..<chunk).map { lines[$0 % lines.count] }.joined(separator: "\n") + "\n"
    let rounds = max(1, linesPerReport / chunk)
    // Warm up, then measure.
    _ = try ReportSet.parse(kind, csv: Substring(text))
    let elapsed = try clock.measure {
        for _ in 0..<rounds {
            let set = try ReportSet.parse(kind, csv: Substring(text))
            checksum &+= set.kinds.count
        }
    }
    let seconds = elapsed.inSeconds
    let total = rounds * chunk
    let rate = Double(total) / seconds
    let padded = kind.rawValue + String(repeating: " ", count: max(0, 12 - kind.rawValue.count))
    print("\(padded) \(Int(rate.rounded())) lines/s  (\(total) lines in \(Int((seconds * 1000).rounded())) ms)")
}
if checksum == 0 { print("no reports parsed") }
