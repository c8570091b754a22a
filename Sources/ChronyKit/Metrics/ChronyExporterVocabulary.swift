/// The words and values SuperQ/chrony_exporter (v0.13.3, through facebook/time's chrony
/// package) puts into its label values and samples, derived here from what `chronyc -c`
/// prints, so that /metrics reads like chrony_exporter's for the same chronyd state.
///
/// chrony_exporter asks chronyd over the binary command protocol; chronyvisor reads
/// `chronyc -c -n`. Each function below says which field of the binary reply chrony_exporter
/// used and how chronyc's CSV carries the same thing.
public enum ChronyExporterVocabulary {
    /// The version of chrony_exporter whose families /metrics follows (the metric table of
    /// docs/reference/metrics.md names it too; a test checks they agree).
    public static let exporterVersion = "v0.13.3"

    /// `source_state`: facebook/time's `SourceStateDesc`, indexed by chrony's RPY_SD_ST_*
    /// value. chronyc prints `+` for RPY_SD_ST_UNSELECTED (4, "candidate") and `-` for
    /// RPY_SD_ST_SELECTABLE (5, "outlier"): the names are older than chrony 4's meanings.
    public static func state(_ state: SourceState) -> String {
        switch state {
        case .selected: return "sync"
        case .unusable: return "unreach"
        case .falseticker: return "falseticker"
        case .tooVariable: return "jittery"
        case .combined: return "candidate"
        case .notCombined: return "outlier"
        }
    }

    /// `source_mode`: facebook/time's `ModeTypeDesc` (RPY_SD_MD_CLIENT, _PEER, _REF).
    public static func mode(_ mode: SourceMode) -> String {
        switch mode {
        case .server: return "client"
        case .peer: return "peer"
        case .referenceClock: return "reference clock"
        }
    }

    /// `tracking_address` and `tracking_name` (without DNS lookups, both the same). When
    /// chronyd's reference has an address, chronyc prints it (dots or colons) and
    /// chrony_exporter uses it. When it has none (unsynchronised, the local clock, a
    /// reference clock) chronyc prints the reference ID's printable characters, and
    /// chrony_exporter facebook/time's `RefidToString`, which differs when a byte is not
    /// printable: the local clock's 7F7F0101 is chronyc's empty name and its `7F7F0101`.
    public static func trackingName(_ tracking: TrackingReport) -> String {
        let name = tracking.referenceName
        if name.contains(".") || name.contains(":") { return name }
        return referenceIDString(tracking.referenceID)
    }

    /// facebook/time's `RefidToString`: the four bytes as characters, NULs skipped; the
    /// eight-digit hex form when any other byte is not printable ASCII.
    public static func referenceIDString(_ id: ReferenceID) -> String {
        var characters: [UInt8] = []
        for byte in id.bytes where byte != 0 {
            guard (0x20...0x7E).contains(byte) else { return id.hex }
            characters.append(byte)
        }
        return String(decoding: characters, as: UTF8.self)
    }

    /// Whether chrony_exporter lists a `chronyc sources` line: it skips sources whose name is
    /// not resolved yet (address family IPADDR_ID, which chronyc prints as `ID#…`).
    public static func listsSource(named name: String) -> Bool {
        !name.hasPrefix("ID#")
    }

    /// `chrony_sources_reachability_ratio`: the share of set bits in the 8-bit register.
    public static func reachabilityRatio(_ reach: Int) -> Double {
        Double((reach & 0xFF).nonzeroBitCount) / 8
    }

    /// `chrony_sources_reachability_success`: the last poll's bit (the register's lowest).
    public static func reachabilitySuccess(_ reach: Int) -> Double {
        Double(reach & 1)
    }

    /// chronyd's "never" for a count of seconds (`LastRx`, a span), which chrony_exporter
    /// passes on as it is.
    public static let never = Double(UInt32.max)

    /// 2^exponent (a polling interval from its log2).
    public static func powerOfTwo(_ exponent: Int) -> Double {
        exponent >= 0 ? Double(1 << min(exponent, 62)) : 1 / Double(1 << min(-exponent, 62))
    }
}
