import ChronyKit
import ChronyRuntime
import Foundation
import Testing

/// NTS across replicas (NTS_SERVER_KEYS): a real chronyd client (-x) gets its cookies from one
/// replica; the replica is replaced, on the same address, by another that never saw it (its
/// own directories, its own chronyd) but was given the same key schedule, as a Service sends
/// a client to another pod after a rollout or a restart. The client goes on authenticating
/// there with no new key establishment and no NAK; a replica with other keys NAKs it.
@Suite struct RunNTSSharedKeysTests {
    /// chronyc -c authdata: address,mode,keyid,type,klen,last,attempts,nak,cookies,clen. With
    /// NTS the key id counts the successful key establishments with the source (chronyc.adoc),
    /// NAK says whether one came since the last request.
    struct AuthData {
        let keyEstablishments: Int, naks: Int, cookies: Int
        init?(_ line: Substring) {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            guard f.count >= 10, f[1] == "NTS", let a = Int(f[2]), let n = Int(f[7]), let c = Int(f[8]) else { return nil }
            (keyEstablishments, naks, cookies) = (a, n, c)
        }
    }

    /// chronyc -c serverstats (4.3: 11 fields; client.c): NTP packets received and dropped,
    /// command packets received and dropped, client log records dropped, NTS-KE connections
    /// accepted (sixth) and dropped, authenticated NTP packets (eighth), …
    struct ServerStats {
        let keyEstablishments: Int, authenticated: Int
        init?(_ text: String) {
            let f = text.split(separator: "\n").first?.split(separator: ",") ?? []
            guard f.count >= 11, let k = Int(f[5]), let a = Int(f[7]) else { return nil }
            (keyEstablishments, authenticated) = (k, a)
        }
    }

    static func authData(_ client: LocalChronyd) throws -> AuthData? {
        try client.chronyc(["-c", "-n", "authdata"]).stdout.split(separator: "\n").first.flatMap(AuthData.init)
    }

    static func serverStats(_ replica: RunningChronyvisor) throws -> ServerStats? {
        let chronyc = Executables.find("chronyc", fallbacks: ["/usr/bin/chronyc"]) ?? "/usr/bin/chronyc"
        let r = try CapturedRun.run(chronyc, arguments: ["-h", replica.runDirectory + "/chronyd.sock", "-c", "serverstats"], timeout: .seconds(5))
        return ServerStats(r.stdout)
    }

    @Test func aClientMovesBetweenReplicasWithoutNewKeyEstablishment() throws {
        let f = try RunNTSSettingsTests.Files()
        let reference = try LocalChronyd.reference()
        let now = Int(time(nil))
        func schedule(_ name: String) throws -> String {
            let path = f.directory.appendingPathComponent(name).path
            let keys = (0..<6).map { _ in (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined() }
            try ("period 3600\nstart \(now - 2 * 3600)\n" + keys.map { "key \($0)\n" }.joined()).write(toFile: path, atomically: true, encoding: .utf8)
            chmod(path, 0o644)
            return path
        }
        let shared = try schedule("shared"), other = try schedule("other")
        let ntpPort = String(TestPorts.next()), ntsPort = String(TestPorts.next())
        func replica(_ keys: String) throws -> RunningChronyvisor {
            let r = try RunningChronyvisor(["NTP_SERVERS": "127.0.0.1:\(reference.port)", "NTS_SERVER_CERT": f.cert, "NTS_SERVER_KEY": f.key,
                                            "NTS_SERVER_KEYS": keys, "NTP_PORT": ntpPort, "NTS_PORT": ntsPort, "READY_WHEN": "running"])
            try waitUntil(timeout: 60, "the replica serves\n\(r.log)") { r.log.contains("chronyvisor: ready ") }
            return r
        }
        func stop(_ r: RunningChronyvisor) throws {
            r.signal(SIGTERM)
            #expect(try r.waitForExit() == .exited(0))
        }

        // Replica A: chronyd loads the schedule's current keys (ntsrotate 0).
        let a = try replica(shared)
        let conf = try String(contentsOfFile: a.configFile, encoding: .utf8)
        #expect(conf.contains("\nntsrotate 0\n"), "\(conf)")
        let installed = try String(contentsOfFile: a.stateDirectory + "/ntskeys", encoding: .utf8)
        #expect(installed.hasPrefix("NKS0\n15 ") && installed.split(separator: "\n").count == 6 && installed.contains("\n00000002 "), "\(installed)")

        let clientState = try makeTemporaryDirectory("nts-moving-client")
        defer { try? FileManager.default.removeItem(at: clientState) }
        let client = try LocalChronyd(directives: [
            "server 127.0.0.1 port \(ntpPort) iburst minpoll -2 maxpoll -1 nts ntsport \(ntsPort)",
            "ntstrustedcerts \(f.ca)", "ntsdumpdir \(clientState.path)",
        ])
        try waitUntil(timeout: 60, "the client holds cookies of replica A\n\(client.log)\n\(a.log)") {
            (try Self.authData(client)).map { $0.cookies > 0 && $0.keyEstablishments >= 1 } ?? false
        }
        try waitUntil(timeout: 30, "replica A answers the client authenticated") { try Self.serverStats(a).map { $0.authenticated >= 3 } ?? false }
        let before = try #require(try Self.authData(client))
        #expect(before.naks == 0)
        try stop(a)

        // Replica B, same keys: serves the client's cookies, with no NTS-KE at all.
        let b = try replica(shared)
        try waitUntil(timeout: 60, "replica B answers the client's cookies\n\(b.log)\n\(client.log)") {
            try Self.serverStats(b).map { $0.authenticated >= 5 } ?? false
        }
        let atB = try #require(try Self.serverStats(b))
        #expect(atB.keyEstablishments == 0, "replica B saw no key establishment")
        let after = try #require(try Self.authData(client))
        #expect(after.keyEstablishments == before.keyEstablishments && after.naks == 0 && after.cookies > 0,
                "no new key establishment and no NAK at the client: before \(before), after \(after)")
        try stop(b)

        // The control: replica C with other keys NAKs the cookies; the client establishes keys again.
        let c = try replica(other)
        func state() -> String {
            let auth = (try? client.chronyc(["-c", "-n", "authdata"]).stdout) ?? "?"
            let stats = (try? CapturedRun.run(Executables.find("chronyc") ?? "/usr/bin/chronyc",
                                              arguments: ["-h", c.runDirectory + "/chronyd.sock", "-c", "serverstats"], timeout: .seconds(5)).stdout) ?? "?"
            return "client authdata \(auth)C serverstats \(stats)before \(before)\n\(client.log)\n\(c.log)"
        }
        try waitUntil(timeout: 60, "replica C makes the client establish keys again: \(state())") {
            guard let now = try Self.authData(client), let atC = try Self.serverStats(c) else { return false }
            return now.keyEstablishments > before.keyEstablishments && atC.keyEstablishments >= 1
        }
        try stop(c)
    }

    /// A new schedule arriving in the mounted file (a Secret's update) is installed and
    /// loaded by chronyd (`chronyc rekey`) while it runs; a broken one is logged and the keys
    /// stay.
    @Test func aNewScheduleIsInstalledAndLoadedWhileRunning() throws {
        let f = try RunNTSSettingsTests.Files()
        let path = f.directory.appendingPathComponent("schedule").path
        func write(_ fill: Character) throws {
            let text = "period 3600\nstart \(Int(time(nil)) - 7200)\n" + (0..<5).map { "key \(String(repeating: fill, count: 63))\($0)\n" }.joined()
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
        try write("a")
        let run = try RunningChronyvisor(["NTP_SERVERS": "127.0.0.1:1", "NTS_SERVER_CERT": f.cert, "NTS_SERVER_KEY": f.key,
                                          "NTS_SERVER_KEYS": path, "NTS_PORT": String(TestPorts.next()), "READY_WHEN": "running"])
        try waitUntil(timeout: 60, "ready\n\(run.log)") { run.log.contains("chronyvisor: ready ") }
        let keysFile = run.stateDirectory + "/ntskeys"
        #expect(try String(contentsOfFile: keysFile, encoding: .utf8).contains("00000002 \(String(repeating: "a", count: 63))2\n"))
        try "period 3600\nstart 0\nkey 12\n".write(toFile: path, atomically: true, encoding: .utf8)
        try run.waitForLog("NTS server keys not rotated", timeout: 40)
        #expect(try String(contentsOfFile: keysFile, encoding: .utf8).contains("00000002 \(String(repeating: "a", count: 63))2\n"))
        try write("b")
        try run.waitForLog("NTS server keys rotated", timeout: 40)
        let rotated = try #require(run.events("NTS server keys rotated").first)
        #expect(RunningChronyvisor.value("rekey", in: rotated) == "ok", "\(rotated)")
        #expect(RunningChronyvisor.value("current_key", in: rotated) == "2", "\(rotated)")
        #expect(try String(contentsOfFile: keysFile, encoding: .utf8).contains("00000002 \(String(repeating: "b", count: 63))2\n"))
        run.signal(SIGTERM)
        #expect(try run.waitForExit() == .exited(0))
    }

    /// A schedule that is no schedule: exit 78 naming NTS_SERVER_KEYS, nothing started.
    @Test func aBrokenScheduleIsRefused() throws {
        let f = try RunNTSSettingsTests.Files()
        let bad = f.directory.appendingPathComponent("bad-schedule").path
        try "period 3600\nstart 0\nkey 1234\n".write(toFile: bad, atomically: true, encoding: .utf8)
        try RunNTSSettingsTests.expectRefused(["NTS_SERVER_CERT": f.cert, "NTS_SERVER_KEY": f.key, "NTS_SERVER_KEYS": bad],
                                              naming: "invalid NTS_SERVER_KEYS=")
        try RunNTSSettingsTests.expectRefused(["NTS_SERVER_KEYS": bad], naming: "missing NTS_SERVER_CERT")
    }
}
