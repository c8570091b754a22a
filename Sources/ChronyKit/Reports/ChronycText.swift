/// Renders reports exactly as `chronyc -n REPORT` prints them (chrony 4.3 to 4.8 client.c
/// formats): headers, `=` rules, column widths, units, octal reach, `-` for never.
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
        out += "Reference ID    : \(t.referenceID) (\(t.referenceName))\n"
        out += "Stratum         : \(t.stratum)\n"
        out += "Ref time (UTC)  : \(CFormat.utcDate(t.referenceTime.seconds))\n"
        out += "System time     : \(CFormat.double("%.9f", abs(t.systemTime))) seconds \(t.systemTime > 0 ? "slow" : "fast") of NTP time\n"
        out += "Last offset     : \(CFormat.double("%+.9f", t.lastOffset)) seconds\n"
        out += "RMS offset      : \(CFormat.double("%.9f", t.rmsOffset)) seconds\n"
        out += "Frequency       : \(CFormat.double("%.3f", abs(t.frequencyPPM))) ppm \(t.frequencyPPM > 0 ? "fast" : "slow")\n"
        out += "Residual freq   : \(CFormat.double("%+.3f", t.residualFrequencyPPM)) ppm\n"
        out += "Skew            : \(CFormat.double("%.3f", t.skewPPM)) ppm\n"
        out += "Root delay      : \(CFormat.double("%.9f", t.rootDelay)) seconds\n"
        out += "Root dispersion : \(CFormat.double("%.9f", t.rootDispersion)) seconds\n"
        out += "Update interval : \(CFormat.double("%.1f", t.updateInterval)) seconds\n"
        out += "Leap status     : \(t.leapStatus.chronycWord)\n"
        return out
    }

    /// One `chronyc -n sources` line: `%c%c %-27s  %2d  %2d   %3o  %I  %+S[%+S] +/- %S`.
    public static func sourceLine(_ s: SourceReport) -> String {
        var out = String(s.mode.symbol) + String(s.state.symbol) + " "
        out += CFormat.left(s.name, 27) + "  " + CFormat.int(s.stratum, 2) + "  " + CFormat.int(s.poll, 2)
        out += "   " + CFormat.octal(s.reach, 3) + "  " + ChronycUnits.interval(s.lastRx)
        out += "  " + ChronycUnits.signedSeconds(s.adjustedOffset) + "[" + ChronycUnits.signedSeconds(s.measuredOffset)
        out += "] +/- " + ChronycUnits.seconds(s.estimatedError) + "\n"
        return out
    }

    /// `chronyc -n sources`.
    public static func sources(_ sources: [SourceReport]) -> String {
        header(sourcesHeader) + sources.map(sourceLine).joined()
    }

    /// One `chronyc -n sourcestats` line: `%-25s %3U %3U  %I %+P %P  %+S  %S`.
    public static func sourceStatsLine(_ s: SourceStatsReport) -> String {
        var out = CFormat.left(s.name, 25) + " " + CFormat.int(s.samples, 3) + " " + CFormat.int(s.runs, 3)
        out += "  " + ChronycUnits.interval(s.span) + " " + ChronycUnits.signedPPM(s.frequencyPPM)
        out += " " + ChronycUnits.ppm(s.frequencySkewPPM) + "  " + ChronycUnits.signedSeconds(s.offset)
        out += "  " + ChronycUnits.seconds(s.standardDeviation) + "\n"
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
        out += "Remote address  : \(n.remoteAddress) (\(n.remoteReferenceID))\n"
        out += "Remote port     : \(n.remotePort)\n"
        out += "Local address   : \(n.localAddress) (\(n.localReferenceID))\n"
        out += "Leap status     : \(n.leapStatus.chronycWord)\n"
        out += "Version         : \(n.version)\n"
        out += "Mode            : \(n.mode.chronycWord)\n"
        out += "Stratum         : \(n.stratum)\n"
        out += "Poll interval   : \(n.poll) (\(CFormat.double("%.0f", ChronycUnits.log2ToSeconds(n.poll))) seconds)\n"
        out += "Precision       : \(n.precision) (\(CFormat.double("%.9f", ChronycUnits.log2ToSeconds(n.precision))) seconds)\n"
        out += "Root delay      : \(CFormat.double("%.6f", n.rootDelay)) seconds\n"
        out += "Root dispersion : \(CFormat.double("%.6f", n.rootDispersion)) seconds\n"
        out += "Reference ID    : \(n.referenceID) (\(n.referenceName))\n"
        out += "Reference time  : \(CFormat.utcDate(n.referenceTime.seconds))\n"
        out += "Offset          : \(CFormat.double("%+.9f", n.offset)) seconds\n"
        out += "Peer delay      : \(CFormat.double("%.9f", n.peerDelay)) seconds\n"
        out += "Peer dispersion : \(CFormat.double("%.9f", n.peerDispersion)) seconds\n"
        out += "Response time   : \(CFormat.double("%.9f", n.responseTime)) seconds\n"
        out += "Jitter asymmetry: \(CFormat.double("%+.2f", n.jitterAsymmetry))\n"
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
        var out = CFormat.left(c.address, 25) + "  " + CFormat.int(c.ntpPackets, 6) + "  " + CFormat.int(c.ntpDropped, 5)
        out += "  " + ChronycUnits.clientInterval(c.ntpInterval) + "  " + ChronycUnits.clientInterval(c.ntpLimitedInterval)
        out += "  " + ChronycUnits.interval(c.lastNTP) + "  " + CFormat.int(c.commandPackets, 6)
        out += "  " + CFormat.int(c.commandDropped, 5) + "  " + ChronycUnits.clientInterval(c.commandInterval)
        out += "  " + ChronycUnits.interval(c.lastCommand) + "\n"
        return out
    }

    /// `chronyc -n clients`.
    public static func clients(_ clients: [ClientReport]) -> String {
        header(clientsHeader) + clients.map(clientLine).joined()
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
        }
    }
}
