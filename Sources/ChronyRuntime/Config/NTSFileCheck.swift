import ChronyKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Checks the NTS files named by the settings before anything is written or started, so a
/// bad certificate is one `SettingError` (exit 78) naming the variable instead of a chronyd
/// that starts and then fails its first TLS handshake:
/// - NTS_SERVER_CERT: a readable regular file holding a PEM `CERTIFICATE`;
/// - NTS_SERVER_KEY: a readable regular file holding a PEM `PRIVATE KEY`;
/// - both readable by chronyd's user (`_chrony`), every directory above them searchable by it:
///   chronyd loads them after dropping root;
/// - the pair belongs together: the certificate's public key equals the key's, compared by
///   the `openssl` command when one is installed (skipped without it: the image need not
///   carry openssl, and chronyd itself then refuses a mismatched pair at start);
/// - NTS_TRUSTED_CERTS: a readable PEM file holding a `CERTIFICATE`, or a searchable directory.
public enum NTSFileCheck {
    /// Checks every NTS file of `settings`; `account` is the user chronyd drops to (nil: it
    /// keeps ours).
    public static func check(_ settings: NTSSettings, source: SettingsSource, account: ChronyAccount?,
                             openssl: String? = Executables.find("openssl")) throws(SettingError) {
        if let server = settings.server {
            let certKey = SettingKey.ntsServerCert, keyKey = SettingKey.ntsServerKey
            _ = try pemFile(server.certificate, key: certKey, source: source, account: account,
                            label: "CERTIFICATE", what: "a PEM certificate")
            _ = try pemFile(server.key, key: keyKey, source: source, account: account,
                            label: "PRIVATE KEY", what: "a PEM private key")
            if let openssl {
                try checkPair(certificate: server.certificate, key: server.key, openssl: openssl, source: source)
            }
        }
        if let trusted = settings.trustedCerts {
            let key = SettingKey.ntsTrustedCerts
            var info = stat()
            guard stat(trusted, &info) == 0 else {
                throw failure(key, trusted, source, "a PEM CA file or directory (\(String(cString: strerror(errno))))")
            }
            if (info.st_mode & S_IFMT) == S_IFDIR {
                guard access(trusted, R_OK | X_OK) == 0 else {
                    throw failure(key, trusted, source, "a readable directory of PEM CA files (\(String(cString: strerror(errno))))")
                }
                try readableByAccount(trusted, directory: true, key: key, source: source, account: account)
            } else {
                _ = try pemFile(trusted, key: key, source: source, account: account,
                                label: "CERTIFICATE", what: "a PEM CA file or directory")
            }
        }
    }

    static func failure(_ key: SettingKey, _ path: String, _ source: SettingsSource, _ expected: String) -> SettingError {
        let raw = source.raw(key)
        return SettingError(source: raw?.sourceName ?? key.environmentName, value: path, expected: expected)
    }

    /// Reads `path` (at most 1 MiB) and requires a `-----BEGIN …LABEL-----` line in it.
    static func pemFile(_ path: String, key: SettingKey, source: SettingsSource, account: ChronyAccount?,
                        label: String, what: String) throws(SettingError) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw failure(key, path, source, "\(what) file (\(String(cString: strerror(errno))))")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw failure(key, path, source, "\(what) file (this is not a regular file)")
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw failure(key, path, source, "\(what) file readable here (\(String(cString: strerror(errno))))")
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        while bytes.count < 1 << 20 {
            let n = read(fd, &chunk, chunk.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let found = text.split(separator: "\n").contains { line in
            line.hasPrefix("-----BEGIN ") && line.trimmingTrailingSpace.hasSuffix("\(label)-----")
        }
        guard found else {
            throw failure(key, path, source, "\(what) (no \"-----BEGIN …\(label)-----\" line in it)")
        }
        try readableByAccount(path, directory: false, key: key, source: source, account: account)
        return text
    }

    /// Requires `path` readable (and, for a directory, searchable) by `account`, and every
    /// directory above it searchable, by the owner/group/other bits (no ACLs).
    static func readableByAccount(_ path: String, directory: Bool, key: SettingKey, source: SettingsSource,
                                  account: ChronyAccount?) throws(SettingError) {
        guard let account, account.uid != 0 else { return }
        func allows(_ info: stat, _ bits: mode_t) -> Bool {
            let shift: mode_t = info.st_uid == account.uid ? 6 : (info.st_gid == account.gid ? 3 : 0)
            return (info.st_mode >> shift) & bits == bits
        }
        var info = stat()
        guard stat(path, &info) == 0 else { return }
        let need: mode_t = directory ? 5 : 4
        guard allows(info, need) else {
            throw failure(key, path, source, "a file chronyd's user \(account.name) can read (mode \(octal(info.st_mode & 0o7777)), owner \(info.st_uid):\(info.st_gid))")
        }
        var parent = path
        while let slash = parent.lastIndex(of: "/"), slash != parent.startIndex {
            parent = String(parent[..<slash])
            guard stat(parent, &info) == 0 else { return }
            guard allows(info, 1) else {
                throw failure(key, path, source, "a path chronyd's user \(account.name) can reach (directory \(parent) is mode \(octal(info.st_mode & 0o7777)), owner \(info.st_uid):\(info.st_gid))")
            }
        }
    }

    static func octal(_ mode: mode_t) -> String {
        let digits = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// The certificate's public key and the key's, each as `openssl` prints it, must match.
    static func checkPair(certificate: String, key: String, openssl: String, source: SettingsSource) throws(SettingError) {
        let fromCert = try? CapturedRun.run(openssl, arguments: ["x509", "-noout", "-pubkey", "-in", certificate], timeout: .seconds(10))
        let fromKey = try? CapturedRun.run(openssl, arguments: ["pkey", "-pubout", "-in", key], timeout: .seconds(10))
        guard let fromCert, fromCert.status == .exited(0), !fromCert.stdout.isEmpty else {
            throw failure(.ntsServerCert, certificate, source, "a PEM certificate openssl can read")
        }
        guard let fromKey, fromKey.status == .exited(0), !fromKey.stdout.isEmpty else {
            throw failure(.ntsServerKey, key, source, "an unencrypted PEM private key openssl can read")
        }
        guard fromCert.stdout == fromKey.stdout else {
            throw failure(.ntsServerKey, key, source, "the private key of NTS_SERVER_CERT (its public key differs from the certificate's)")
        }
    }
}

extension Substring {
    fileprivate var trimmingTrailingSpace: Substring {
        var s = self
        while let last = s.last, last == " " || last == "\r" || last == "\t" { s.removeLast() }
        return s
    }
}
