/// Renders reports exactly as `chronyc -n REPORT` prints them (chrony 4.3 to 4.9 client.c
/// formats): headers, `=` rules, column widths, units, octal reach, `-` for never. Free-text
/// fields go through `CFormat.printable`: a hostile name cannot drive the reader's terminal.
public enum ChronycText {
    /// `MS Name/IP address ...` (79 columns, trailing spaces included).
    public static let sourcesHeader = "MS Name/IP address         Stratum Poll Reach LastRx Last sample               "
    /// `Name/IP Address ...` (78 columns).
    public static let sourceStatsHeader = "Name/IP Address            NP  NR  Span  Frequency  Freq Skew  Offset  Std Dev"
    /// The `clients` header (without `-k`).
    public static let clientsHeader = "Hostname                      NTP   Drop Int IntL Last     Cmd   Drop Int  Last"

    /// A header line and a rule of `=` as long as it.
    static func header(_ text: String) -> String {
        text + "\n" + String(repeating: "=", count: text.utf8.count) + "\n"
    }

    /// `chronyc -n tracking`.
    public static func tracking(_ t: TrackingReport) -> String {
        var out = ""
        out += "Reference ID    : \(t.referenceID.hex) (\(CFormat.printable(t.referenceName)))\n"
        out += "Stratum         : \(t.stratum)\n"
        out += "Ref time (UTC)  : \(CFormat.utcDate(t.referenceTime.seconds))\n"
        out += "System time     : \(ChronyUnits.format("%.9f", abs(t.systemTime))) seconds \(isAboveZero(t.systemTime, in: t) ? "slow" : "fast") of NTP time\n"
        out += "Last offset     : \(ChronyUnits.format("%+.9f", t.lastOffset)) seconds\n"
        out += "RMS offset      : \(ChronyUnits.format("%.9f", t.rmsOffset)) seconds\n"
        out += "Frequency       : \(ChronyUnits.format("%.3f", abs(t.frequencyPPM))) ppm \(isAboveZero(t.frequencyPPM, in: t) ? "fast" : "slow")\n"
        out += "Residual freq   : \(ChronyUnits.format("%+.3f", t.residualFrequencyPPM)) ppm\n"
        out += "Skew            : \(ChronyUnits.format("%.3f", t.skewPPM)) ppm\n"
        out += "Root delay      : \(ChronyUnits.format("%.9f", t.rootDelay)) seconds\n"
        out += "Root dispersion : \(ChronyUnits.format("%.9f", t.rootDispersion)) seconds\n"
        out += "Update interval : \(ChronyUnits.format("%.1f", t.updateInterval)) seconds\n"
        out += "Leap status     : \(t.leapStatus.chronycWord)\n"
        return out
    }

    /// Whether chronyd's exact value of a tracking field was above zero, which decides
    /// chronyc's word (`%O`, `%F`: `slow`/`fast` from `value > 0.0`). The CSV rounds (9 decimals
    /// for the system time, 3 for the frequency): a small positive value and exactly 0.0 both
    /// read `0.000`, a small negative one `-0.000`. Exactly 0.0 is what chronyd starts with and
    /// keeps while nothing has been estimated: unsynchronised, or following its local clock
    /// (`local`, reference `7F7F0101`). A chronyd that follows a source has estimates, never
    /// exactly 0.0, so an unsigned zero there was a small positive value (a chronyd 4.9
    /// capture shows `0.000 ppm fast` for CSV `0.000`). Not knowable from the CSV: a server
    /// that lost its sources and fell back to its local clock keeps its last estimate.
    static func isAboveZero(_ value: Double, in t: TrackingReport) -> Bool {
        if value != 0 || value.sign == .minus { return value > 0 }
        let estimated = t.leapStatus != .notSynchronised && t.referenceID.rawValue != 0
            && t.referenceID.rawValue != 0x7F7F_0101
        return estimated
    }

    /// One `chronyc -n sources` line: `%c%c %-27s  %2d  %2d   %3o  %I  %+S[%+S] +/- %S`.
    public static func sourceLine(_ s: SourceReport) -> String {
        var out = String(s.mode.symbol) + String(s.state.symbol) + " "
        out += CFormat.left(CFormat.printable(s.name), 27) + "  " + CFormat.int(s.stratum, 2) + "  " + CFormat.int(s.poll, 2)
        out += "   " + CFormat.octal(s.reach, 3) + "  " + ChronyUnits.interval(s.lastRx)
        out += "  " + ChronyUnits.seconds(s.adjustedOffset, signed: true) + "[" + ChronyUnits.seconds(s.measuredOffset, signed: true)
        out += "] +/- " + ChronyUnits.seconds(s.estimatedError, signed: false) + "\n"
        return out
    }

    /// `chronyc -n sources`.
    public static func sources(_ sources: [SourceReport]) -> String {
        header(sourcesHeader) + sources.map(sourceLine).joined()
    }

    /// One `chronyc -n sourcestats` line: `%-25s %3U %3U  %I %+P %P  %+S  %S`.
    public static func sourceStatsLine(_ s: SourceStatsReport) -> String {
        var out = CFormat.left(CFormat.printable(s.name), 25) + " " + CFormat.int(s.samples, 3) + " " + CFormat.int(s.runs, 3)
        out += "  " + ChronyUnits.interval(s.span) + " " + ChronyUnits.signedPPM(s.frequencyPPM)
        out += " " + ChronyUnits.ppm(s.frequencySkewPPM) + "  " + ChronyUnits.seconds(s.offset, signed: true)
        out += "  " + ChronyUnits.seconds(s.standardDeviation, signed: false) + "\n"
        return out
    }

    /// `chronyc -n sourcestats`.
    public static func sourceStats(_ stats: [SourceStatsReport]) -> String {
        header(sourceStatsHeader) + stats.map(sourceStatsLine).joined()
    }

    static let serverStatsLabels = [
        "NTP packets received       : ",
        "NTP packets dropped        : ",
        "Command packets received   : ",
        "Command packets dropped    : ",
        "Client log records dropped : ",
        "NTS-KE connections accepted: ",
        "NTS-KE connections dropped : ",
        "Authenticated NTP packets  : ",
        "Interleaved NTP packets    : ",
        "NTP timestamps held        : ",
        "NTP timestamp span         : ",
        "NTP daemon RX timestamps   : ",
        "NTP daemon TX timestamps   : ",
        "NTP kernel RX timestamps   : ",
        "NTP kernel TX timestamps   : ",
        "NTP hardware RX timestamps : ",
        "NTP hardware TX timestamps : ",
    ]

    /// `chronyc serverstats` (11 lines from chrony 4.3, 17 from 4.4 and later).
    public static func serverStats(_ s: ServerStatsReport) -> String {
        var out = ""
        for (label, value) in zip(serverStatsLabels, s.counters) {
            guard let value else { continue }
            out += label + String(value) + "\n"
        }
        return out
    }

    /// `chronyc activity` (with its `200 OK` first line).
    public static func activity(_ a: ActivityReport) -> String {
        "200 OK\n"
            + "\(a.online) sources online\n"
            + "\(a.offline) sources offline\n"
            + "\(a.burstOnline) sources doing burst (return to online)\n"
            + "\(a.burstOffline) sources doing burst (return to offline)\n"
            + "\(a.unknownAddress) sources with unknown address\n"
    }

    /// One source's `chronyc ntpdata` block (without the blank line chronyc puts before each
    /// block when no address is given).
    public static func ntpDataBlock(_ n: NTPDataReport) -> String {
        var out = ""
        out += "Remote address  : \(CFormat.printable(n.remoteAddress)) (\(n.remoteReferenceID.hex))\n"
        out += "Remote port     : \(n.remotePort)\n"
        out += "Local address   : \(CFormat.printable(n.localAddress)) (\(n.localReferenceID.hex))\n"
        out += "Leap status     : \(n.leapStatus.chronycWord)\n"
        out += "Version         : \(n.version)\n"
        out += "Mode            : \(n.mode.chronycWord)\n"
        out += "Stratum         : \(n.stratum)\n"
        out += "Poll interval   : \(n.poll) (\(ChronyUnits.format("%.0f", ChronyUnits.log2ToSeconds(n.poll))) seconds)\n"
        out += "Precision       : \(n.precision) (\(ChronyUnits.format("%.9f", ChronyUnits.log2ToSeconds(n.precision))) seconds)\n"
        out += "Root delay      : \(ChronyUnits.format("%.6f", n.rootDelay)) seconds\n"
        out += "Root dispersion : \(ChronyUnits.format("%.6f", n.rootDispersion)) seconds\n"
        out += "Reference ID    : \(n.referenceID.hex) (\(CFormat.printable(n.referenceName)))\n"
        out += "Reference time  : \(CFormat.utcDate(n.referenceTime.seconds))\n"
        out += "Offset          : \(ChronyUnits.format("%+.9f", n.offset)) seconds\n"
        out += "Peer delay      : \(ChronyUnits.format("%.9f", n.peerDelay)) seconds\n"
        out += "Peer dispersion : \(ChronyUnits.format("%.9f", n.peerDispersion)) seconds\n"
        out += "Response time   : \(ChronyUnits.format("%.9f", n.responseTime)) seconds\n"
        out += "Jitter asymmetry: \(ChronyUnits.format("%+.2f", n.jitterAsymmetry))\n"
        out += "NTP tests       : \(n.tests)\n"
        out += "Interleaved     : \(n.interleaved ? "Yes" : "No")\n"
        out += "Authenticated   : \(n.authenticated ? "Yes" : "No")\n"
        out += "TX timestamping : \(n.txTimestamping.chronycWord)\n"
        out += "RX timestamping : \(n.rxTimestamping.chronycWord)\n"
        out += "Total TX        : \(n.totalTx)\n"
        out += "Total RX        : \(n.totalRx)\n"
        out += "Total valid RX  : \(n.totalValidRx)\n"
        out += "Total good RX   : \(n.totalGoodRx)\n"
        if let v = n.totalKernelTx { out += "Total kernel TX : \(v)\n" }
        if let v = n.totalKernelRx { out += "Total kernel RX : \(v)\n" }
        if let v = n.totalHardwareTx { out += "Total HW TX     : \(v)\n" }
        if let v = n.totalHardwareRx { out += "Total HW RX     : \(v)\n" }
        return out
    }

    /// `chronyc -n ntpdata` (every source: a blank line before each block); with
    /// `singleAddress`, `chronyc -n ntpdata ADDRESS` (no blank line).
    public static func ntpData(_ data: [NTPDataReport], singleAddress: Bool = false) -> String {
        data.map { (singleAddress ? "" : "\n") + ntpDataBlock($0) }.joined()
    }

    /// One `chronyc -n clients` line: `%-25s  %6U  %5U  %C  %C  %I  %6U  %5U  %C  %I`.
    public static func clientLine(_ c: ClientReport) -> String {
        var out = CFormat.left(CFormat.printable(c.address), 25) + "  " + CFormat.int(c.ntpPackets, 6) + "  " + CFormat.int(c.ntpDropped, 5)
        out += "  " + ChronyUnits.clientInterval(c.ntpInterval) + "  " + ChronyUnits.clientInterval(c.ntpLimitedInterval)
        out += "  " + ChronyUnits.interval(c.lastNTP) + "  " + CFormat.int(c.commandPackets, 6)
        out += "  " + CFormat.int(c.commandDropped, 5) + "  " + ChronyUnits.clientInterval(c.commandInterval)
        out += "  " + ChronyUnits.interval(c.lastCommand) + "\n"
        return out
    }

    /// `chronyc -n clients`.
    public static func clients(_ clients: [ClientReport]) -> String {
        header(clientsHeader) + clients.map(clientLine).joined()
    }

    /// The `authdata` header (without `-v`).
    public static let authDataHeader = "Name/IP address             Mode KeyID Type KLen Last Atmp  NAK Cook CLen"
    /// The `selectdata` header (without `-v`).
    public static let selectDataHeader = "S Name/IP Address        Auth COpts EOpts Last Score     Interval  Leap"

    /// One `chronyc -n authdata` line: `%-27s %4s %5U %4d %4d %I %4d %4d %4d %4d`.
    public static func authDataLine(_ a: AuthDataReport) -> String {
        var out = CFormat.left(a.name, 27) + " " + CFormat.right(a.mode.chronycWord, 4) + " " + CFormat.int(a.keyID, 5)
        out += " " + CFormat.int(a.keyType, 4) + " " + CFormat.int(a.keyLength, 4) + " " + ChronyUnits.interval(a.lastKeyEstablishment)
        out += " " + CFormat.int(a.keyEstablishmentAttempts, 4) + " " + CFormat.int(a.naks, 4)
        out += " " + CFormat.int(a.cookies, 4) + " " + CFormat.int(a.cookieLength, 4) + "\n"
        return out
    }

    /// `chronyc -n authdata`.
    public static func authData(_ data: [AuthDataReport]) -> String {
        header(authDataHeader) + data.map(authDataLine).joined()
    }

    /// One `chronyc -n selectdata` line:
    /// `%c %-25s %c %c%c%c%c%c %c%c%c%c%c %I %5.1f %+S %+S  %1L`.
    public static func selectDataLine(_ s: SelectDataReport) -> String {
        var out = s.state + " " + CFormat.left(s.name, 25) + " " + (s.authenticated ? "Y" : "N")
        out += " " + s.configuredOptions + " " + s.effectiveOptions + " " + ChronyUnits.interval(s.lastSample)
        out += " " + ChronyUnits.format("%5.1f", s.score) + " " + ChronyUnits.seconds(s.lowLimit, signed: true)
        out += " " + ChronyUnits.seconds(s.highLimit, signed: true) + "  " + s.leapStatus.chronycLetter + "\n"
        return out
    }

    /// `chronyc -n selectdata`.
    public static func selectData(_ data: [SelectDataReport]) -> String {
        header(selectDataHeader) + data.map(selectDataLine).joined()
    }

    /// The report `kind` of `set` as `chronyc -n KIND` prints it; nil when the set lacks it.
    public static func render(_ kind: ReportKind, of set: ReportSet) -> String? {
        switch kind {
        case .tracking: return set.tracking.map(tracking)
        case .sources: return set.sources.map(sources)
        case .sourcestats: return set.sourcestats.map(sourceStats)
        case .serverstats: return set.serverstats.map(serverStats)
        case .activity: return set.activity.map(activity)
        case .ntpdata: return set.ntpdata.map { ntpData($0) }
        case .clients: return set.clients.map(clients)
        case .authdata: return set.authdata.map(authData)
        case .selectdata: return set.selectdata.map(selectData)
        }
    }
}
