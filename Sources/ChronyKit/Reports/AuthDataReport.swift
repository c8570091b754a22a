/// One line of `chronyc authdata`: how a source's packets are authenticated (none, a
/// symmetric key, or NTS) and, for NTS, the state of its key establishment.
///
/// chronyd (4.3 to 4.8) resets `keyEstablishmentAttempts` to 0 when an NTS-KE session
/// succeeds, so an NTS source holding no cookies after at least one attempt is one whose key
/// establishment fails (an unknown CA, a wrong name, a refused TLS handshake).
public struct AuthDataReport: Sendable, Equatable, Codable {
    public var name: String
    public var mode: AuthMode
    public var keyID: UInt32
    /// Key type: a cipher or hash number (chronyc prints it as a number).
    public var keyType: Int
    /// Key length in bits.
    public var keyLength: Int
    /// Seconds since the last NTS key establishment; nil when never.
    public var lastKeyEstablishment: UInt32?
    /// NTS-KE attempts since the last success.
    public var keyEstablishmentAttempts: Int
    /// NTS NAKs received (the server no longer accepts our cookies).
    public var naks: Int
    /// NTS cookies held.
    public var cookies: Int
    /// Length of the cookies in bytes.
    public var cookieLength: Int

    public init(name: String, mode: AuthMode, keyID: UInt32, keyType: Int, keyLength: Int,
                lastKeyEstablishment: UInt32?, keyEstablishmentAttempts: Int, naks: Int,
                cookies: Int, cookieLength: Int) {
        self.name = name
        self.mode = mode
        self.keyID = keyID
        self.keyType = keyType
        self.keyLength = keyLength
        self.lastKeyEstablishment = lastKeyEstablishment
        self.keyEstablishmentAttempts = keyEstablishmentAttempts
        self.naks = naks
        self.cookies = cookies
        self.cookieLength = cookieLength
    }

    /// An NTS source whose key establishment has been tried and holds no cookie: it sends no
    /// NTP request at all until NTS-KE succeeds.
    public var ntsKeyEstablishmentFailing: Bool {
        mode == .nts && cookies == 0 && keyEstablishmentAttempts > 0
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, mode
        case keyID = "key_id"
        case keyType = "key_type"
        case keyLength = "key_length"
        case lastKeyEstablishment = "last_ke_ago"
        case keyEstablishmentAttempts = "ke_attempts"
        case naks = "nak"
        case cookies
        case cookieLength = "cookie_length"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(mode, forKey: .mode)
        try c.encode(keyID, forKey: .keyID)
        try c.encode(keyType, forKey: .keyType)
        try c.encode(keyLength, forKey: .keyLength)
        try c.encode(lastKeyEstablishment, forKey: .lastKeyEstablishment)
        try c.encode(keyEstablishmentAttempts, forKey: .keyEstablishmentAttempts)
        try c.encode(naks, forKey: .naks)
        try c.encode(cookies, forKey: .cookies)
        try c.encode(cookieLength, forKey: .cookieLength)
    }

    static let fieldNames = CodingKeys.allCases.map(\.rawValue)
    /// Fields in chrony 4.3 to 4.8.
    public static let minimumFields = 10

    /// Parses one `chronyc -c authdata` line.
    public static func parse(csv line: Substring, lineNumber: Int) throws(ReportParseError) -> AuthDataReport {
        let r = try CSVRecord(line, report: .authdata, lineNumber: lineNumber, names: fieldNames, minimum: minimumFields)
        return AuthDataReport(
            name: try r.word(0),
            mode: try r.choice(1, AuthMode.csvTable, expected: "-, SK, NTS or ?"),
            keyID: try r.unsigned(2),
            keyType: Int(try r.unsigned(3, UInt16.self)),
            keyLength: Int(try r.unsigned(4, UInt16.self)),
            lastKeyEstablishment: try r.secondsAgo(5),
            keyEstablishmentAttempts: Int(try r.unsigned(6, UInt16.self)),
            naks: Int(try r.unsigned(7, UInt16.self)),
            cookies: Int(try r.unsigned(8, UInt16.self)),
            cookieLength: Int(try r.unsigned(9, UInt16.self)))
    }
}

/// How a source's packets are authenticated. JSON: `none`, `symmetric_key`, `nts`, `unknown`.
public enum AuthMode: String, Sendable, CaseIterable, Codable {
    case none
    case symmetricKey = "symmetric_key"
    case nts
    /// A mode this chronyc does not name (`?`).
    case unknown

    /// What chronyc prints in the Mode column.
    public var chronycWord: String {
        switch self {
        case .none: return "-"
        case .symmetricKey: return "SK"
        case .nts: return "NTS"
        case .unknown: return "?"
        }
    }

    static let csvTable: [(String, AuthMode)] = allCases.map { ($0.chronycWord, $0) }
}
