import ChronyKit
import ChronyRuntime
import Foundation
import Testing

/// Bad NTS files: `run` exits 78 with one line naming the variable, before writing or
/// starting anything. The certificates are real, made by the openssl command (EC P-256).
@Suite struct RunNTSSettingsTests {
    /// A CA, a certificate for 127.0.0.1 (IP SAN) it signed and its key, another key, and a text file.
    final class Files: @unchecked Sendable {
        let directory: URL
        var cert: String { directory.appendingPathComponent("cert.pem").path }
        var key: String { directory.appendingPathComponent("key.pem").path }
        var otherKey: String { directory.appendingPathComponent("other-key.pem").path }
        var ca: String { directory.appendingPathComponent("ca.pem").path }
        var notPEM: String { directory.appendingPathComponent("notes.txt").path }

        init() throws {
            directory = try makeTemporaryDirectory("nts")
            chmod(directory.path, 0o755)
            let openssl = try #require(Executables.find("openssl"), "openssl is needed (scripts/install-deps.sh)")
            func run(_ arguments: [String]) throws {
                let r = try CapturedRun.run(openssl, arguments: arguments, timeout: .seconds(30))
                #expect(r.status == .exited(0), "openssl \(arguments): \(r.stderr)")
            }
            let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
            try run(["req", "-x509"] + ec + ["-keyout", directory.appendingPathComponent("ca.key").path, "-out", ca,
                                             "-days", "30", "-subj", "/CN=test CA"])
            try run(["req"] + ec + ["-keyout", key, "-out", directory.appendingPathComponent("req.csr").path, "-subj", "/CN=127.0.0.1"])
            // chronyd's NTS client checks the subject alternative name (here the address).
            let ext = directory.appendingPathComponent("san.ext").path
            try "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n".write(toFile: ext, atomically: true, encoding: .utf8)
            try run(["x509", "-req", "-in", directory.appendingPathComponent("req.csr").path, "-CA", ca,
                     "-CAkey", directory.appendingPathComponent("ca.key").path, "-CAcreateserial", "-days", "30",
                     "-out", cert, "-extfile", ext])
            try run(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", otherKey])
            try "not a certificate\n".write(toFile: notPEM, atomically: true, encoding: .utf8)
            for file in [cert, key, otherKey, ca, notPEM] { chmod(file, 0o644) }
        }

        deinit { try? FileManager.default.removeItem(at: directory) }
    }

    static func expectRefused(_ environment: [String: String], naming name: String) throws {
        let run = try RunningChronyvisor(["NTP_SERVERS": "127.0.0.1"].merging(environment) { $1 })
        #expect(try run.waitForExit() == .exited(78))
        let lines = run.log.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("chronyvisor: ") && lines[0].contains(name), "\(run.log)")
        #expect(!FileManager.default.fileExists(atPath: run.configFile), "chrony.conf was written")
        #expect(!FileManager.default.fileExists(atPath: run.runDirectory), "the run directory was made")
    }

    @Test func certificateWithoutKey() throws {
        let f = try Files()
        try Self.expectRefused(["NTS_SERVER_CERT": f.cert], naming: "missing NTS_SERVER_KEY")
    }

    @Test func keyWithoutCertificate() throws {
        let f = try Files()
        try Self.expectRefused(["NTS_SERVER_KEY": f.key], naming: "missing NTS_SERVER_CERT")
    }

    @Test func missingKeyFile() throws {
        let f = try Files()
        try Self.expectRefused(["NTS_SERVER_CERT": f.cert, "NTS_SERVER_KEY": f.directory.appendingPathComponent("gone.pem").path],
                               naming: "invalid NTS_SERVER_KEY=")
    }

    @Test func certificateThatIsNoPEM() throws {
        let f = try Files()
        try Self.expectRefused(["NTS_SERVER_CERT": f.notPEM, "NTS_SERVER_KEY": f.key], naming: "invalid NTS_SERVER_CERT=")
    }

    @Test func keyGivenAsCertificate() throws {
        let f = try Files()
        try Self.expectRefused(["NTS_SERVER_CERT": f.key, "NTS_SERVER_KEY": f.key], naming: "invalid NTS_SERVER_CERT=")
    }

    @Test func keyOfAnotherCertificate() throws {
        let f = try Files()
        try Self.expectRefused(["NTS_SERVER_CERT": f.cert, "NTS_SERVER_KEY": f.otherKey], naming: "invalid NTS_SERVER_KEY=")
    }

    @Test func missingTrustedCerts() throws {
        let f = try Files()
        try Self.expectRefused(["NTS_TRUSTED_CERTS": f.directory.appendingPathComponent("none").path],
                               naming: "invalid NTS_TRUSTED_CERTS=")
    }

    /// chronyd drops root before it loads the key: a key only root can read is refused. Needs
    /// root and chrony's user.
    @Test(.enabled(if: geteuid() == 0 && ChronyAccount.lookup("_chrony") != nil))
    func keyChronysUserCannotRead() throws {
        let f = try Files()
        chmod(f.key, 0o600)
        try Self.expectRefused(["NTS_SERVER_CERT": f.cert, "NTS_SERVER_KEY": f.key], naming: "invalid NTS_SERVER_KEY=")
        chmod(f.key, 0o644)
        // A directory it cannot search: the certificate, checked first, is named.
        chmod(f.directory.path, 0o700)
        try Self.expectRefused(["NTS_SERVER_CERT": f.cert, "NTS_SERVER_KEY": f.key], naming: "invalid NTS_SERVER_CERT=")
    }

    /// A rotation gone wrong: the key file replaced by something that is no key, then
    /// SIGHUP. The reload is refused naming NTS_SERVER_KEY and the running chronyd is kept.
    @Test func reloadRefusesABrokenKeyAndKeepsChronyd() throws {
        let f = try Files()
        let run = try RunningChronyvisor(["NTP_SERVERS": "127.0.0.1", "NTS_SERVER_CERT": f.cert, "NTS_SERVER_KEY": f.key,
                                          "NTS_PORT": String(TestPorts.next()), "READY_WHEN": "running", "RESTART_MAX": "0"])
        try waitUntil(timeout: 30, "chronyd answers\n\(run.log)") { run.log.contains("chronyvisor: ready ") }
        let first = try #require(run.chronydPIDs.first)
        try "not a key\n".write(toFile: f.key, atomically: true, encoding: .utf8)
        chmod(f.key, 0o644)
        run.signal(SIGHUP)
        try run.waitForLog("reload refused")
        let refused = try #require(run.events("reload refused").first)
        #expect(RunningChronyvisor.value("error", in: refused)?.contains("NTS_SERVER_KEY") == true, "\(refused)")
        #expect(run.chronydPIDs == [first] && processExists(first))
        run.signal(SIGTERM)
        #expect(try run.waitForExit() == .exited(0))
    }

    /// A good pair passes the checks and the node serves NTS with it: a real chronyd client
    /// (-x) that trusts the CA gets cookies from it (authdata Mode NTS), and `status authdata`
    /// of the client prints what `chronyc -n authdata` prints.
    @Test func goodPairServesNTS() throws {
        let f = try Files()
        let ntsPort = TestPorts.next()
        let run = try RunningChronyvisor(["NTP_SERVERS": "127.0.0.1", "NTS_SERVER_CERT": f.cert, "NTS_SERVER_KEY": f.key,
                                          "NTS_PORT": String(ntsPort), "NTS_TRUSTED_CERTS": f.ca])
        try run.waitForLog("chronyd started")
        let conf = try String(contentsOfFile: run.configFile, encoding: .utf8)
        #expect(conf.contains("\nntsservercert \(f.cert)\nntsserverkey \(f.key)\nntsport \(ntsPort)\n"))
        #expect(conf.contains("\nntstrustedcerts \(f.ca)\n"))

        let clientState = try makeTemporaryDirectory("nts-client")
        defer { try? FileManager.default.removeItem(at: clientState) }
        let client = try LocalChronyd(directives: [
            "server 127.0.0.1 port \(run.environment["NTP_PORT"]!) iburst minpoll -2 maxpoll 0 nts ntsport \(ntsPort)",
            "ntstrustedcerts \(f.ca)", "ntsdumpdir \(clientState.path)",
        ])
        try waitUntil(timeout: 60, "the client holds NTS cookies from the node\n\(client.log)\n\(run.log)") {
            let line = try client.chronyc(["-c", "-n", "authdata"]).stdout.split(separator: "\n").first ?? ""
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            return fields.count >= 10 && fields[1] == "NTS" && (Int(fields[8]) ?? 0) > 0
        }
        let ours = try runChronyvisor(["status", "authdata", "--socket", client.socketPath])
        let theirs = try client.chronyc(["-n", "authdata"])
        // "Last" counts seconds: equal when read within the same second; retry once otherwise.
        if ours.stdout != theirs.stdout {
            let again = try runChronyvisor(["status", "authdata", "--socket", client.socketPath])
            #expect(again.stdout == (try client.chronyc(["-n", "authdata"])).stdout)
        }
        #expect(ours.status == .exited(0))
    }
}
