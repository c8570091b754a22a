/// NTS (RFC 8915) settings of a node: the certificate and key it serves NTS-KE with, the
/// port of NTS-KE, and the CAs its `nts` sources are verified against besides the system's.
/// Pure validation here (paths, the pair given together); whether the files exist, are PEM
/// and readable by chronyd's user is checked by ChronyRuntime's `NTSFileCheck` before start.
public struct NTSSettings: Sendable, Equatable {
    /// The certificate and key served (both or neither).
    public var server: (certificate: String, key: String)?
    /// TCP port of NTS-KE: served with `server`, asked of `nts` sources (chrony's ntsport).
    public var port: UInt16
    /// A CA file or directory (chrony's ntstrustedcerts).
    public var trustedCerts: String?
    /// The shared key schedule of the server keys (`NTSKeySchedule`), only with `server`:
    /// chronyd then runs with `ntsrotate 0` and loads the keys chronyvisor installs.
    public var serverKeys: String?

    /// chrony's default NTS-KE port.
    public static let defaultPort: UInt16 = 4460

    public init(server: (certificate: String, key: String)? = nil, port: UInt16 = defaultPort, trustedCerts: String? = nil,
                serverKeys: String? = nil) {
        self.server = server
        self.port = port
        self.trustedCerts = trustedCerts
        self.serverKeys = serverKeys
    }

    public static func == (lhs: NTSSettings, rhs: NTSSettings) -> Bool {
        lhs.server?.certificate == rhs.server?.certificate && lhs.server?.key == rhs.server?.key
            && lhs.port == rhs.port && lhs.trustedCerts == rhs.trustedCerts && lhs.serverKeys == rhs.serverKeys
    }

    static func resolve(_ v: Validator) throws(SettingError) -> NTSSettings {
        let cert = try v.path(.ntsServerCert)
        let key = try v.path(.ntsServerKey)
        let port = try v.value(.ntsPort, expected: "a TCP port number 1-65535", Port.parse) ?? defaultPort
        let trusted = try v.path(.ntsTrustedCerts)
        let keys = try v.path(.ntsServerKeys)
        if keys != nil && cert == nil {
            throw SettingError(source: missingName(.ntsServerCert, given: v.source.raw(.ntsServerKeys)), value: nil,
                               expected: "a certificate to serve NTS with (NTS_SERVER_KEYS are the keys of an NTS server)")
        }
        switch (cert, key) {
        case let (cert?, key?):
            return NTSSettings(server: (cert, key), port: port, trustedCerts: trusted, serverKeys: keys)
        case (nil, nil):
            return NTSSettings(server: nil, port: port, trustedCerts: trusted)
        case (_?, nil):
            throw SettingError(source: missingName(.ntsServerKey, given: v.source.raw(.ntsServerCert)), value: nil,
                               expected: "the private key of NTS_SERVER_CERT (both are needed to serve NTS)")
        case (nil, _?):
            throw SettingError(source: missingName(.ntsServerCert, given: v.source.raw(.ntsServerKey)), value: nil,
                               expected: "the certificate of NTS_SERVER_KEY (both are needed to serve NTS)")
        }
    }

    /// The missing half of the pair, named the way its other half was given (flag or variable).
    private static func missingName(_ key: SettingKey, given: RawSetting?) -> String {
        given?.origin == .flag ? key.flag : key.environmentName
    }
}
