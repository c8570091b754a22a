/// `chronyc serverstats`: counters of chronyd's NTP and command servers. chrony 4.3 prints
/// the first 11; 4.4 and later add the timestamp counters (nil when absent).
public struct ServerStatsReport: Sendable, Equatable, Codable {
    public var ntpPacketsReceived: UInt64
    public var ntpPacketsDropped: UInt64
    public var commandPacketsReceived: UInt64
    public var commandPacketsDropped: UInt64
    public var clientLogRecordsDropped: UInt64
    public var ntsKEConnectionsAccepted: UInt64
    public var ntsKEConnectionsDropped: UInt64
    public var authenticatedNTPPackets: UInt64
    public var interleavedNTPPackets: UInt64
    public var ntpTimestampsHeld: UInt64
    /// Seconds covered by the held timestamps.
    public var ntpTimestampSpan: UInt64
    /// chrony 4.4 and later.
    public var ntpDaemonRxTimestamps: UInt64?
    public var ntpDaemonTxTimestamps: UInt64?
    public var ntpKernelRxTimestamps: UInt64?
    public var ntpKernelTxTimestamps: UInt64?
    public var ntpHardwareRxTimestamps: UInt64?
    public var ntpHardwareTxTimestamps: UInt64?

    public init(ntpPacketsReceived: UInt64, ntpPacketsDropped: UInt64, commandPacketsReceived: UInt64,
                commandPacketsDropped: UInt64, clientLogRecordsDropped: UInt64, ntsKEConnectionsAccepted: UInt64,
                ntsKEConnectionsDropped: UInt64, authenticatedNTPPackets: UInt64, interleavedNTPPackets: UInt64,
                ntpTimestampsHeld: UInt64, ntpTimestampSpan: UInt64, ntpDaemonRxTimestamps: UInt64? = nil,
                ntpDaemonTxTimestamps: UInt64? = nil, ntpKernelRxTimestamps: UInt64? = nil,
                ntpKernelTxTimestamps: UInt64? = nil, ntpHardwareRxTimestamps: UInt64? = nil,
                ntpHardwareTxTimestamps: UInt64? = nil) {
        self.ntpPacketsReceived = ntpPacketsReceived
        self.ntpPacketsDropped = ntpPacketsDropped
        self.commandPacketsReceived = commandPacketsReceived
        self.commandPacketsDropped = commandPacketsDropped
        self.clientLogRecordsDropped = clientLogRecordsDropped
        self.ntsKEConnectionsAccepted = ntsKEConnectionsAccepted
        self.ntsKEConnectionsDropped = ntsKEConnectionsDropped
        self.authenticatedNTPPackets = authenticatedNTPPackets
        self.interleavedNTPPackets = interleavedNTPPackets
        self.ntpTimestampsHeld = ntpTimestampsHeld
        self.ntpTimestampSpan = ntpTimestampSpan
        self.ntpDaemonRxTimestamps = ntpDaemonRxTimestamps
        self.ntpDaemonTxTimestamps = ntpDaemonTxTimestamps
        self.ntpKernelRxTimestamps = ntpKernelRxTimestamps
        self.ntpKernelTxTimestamps = ntpKernelTxTimestamps
        self.ntpHardwareRxTimestamps = ntpHardwareRxTimestamps
        self.ntpHardwareTxTimestamps = ntpHardwareTxTimestamps
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case ntpPacketsReceived = "ntp_packets_received"
        case ntpPacketsDropped = "ntp_packets_dropped"
        case commandPacketsReceived = "command_packets_received"
        case commandPacketsDropped = "command_packets_dropped"
        case clientLogRecordsDropped = "client_log_records_dropped"
        case ntsKEConnectionsAccepted = "nts_ke_connections_accepted"
        case ntsKEConnectionsDropped = "nts_ke_connections_dropped"
        case authenticatedNTPPackets = "authenticated_ntp_packets"
        case interleavedNTPPackets = "interleaved_ntp_packets"
        case ntpTimestampsHeld = "ntp_timestamps_held"
        case ntpTimestampSpan = "ntp_timestamp_span"
        case ntpDaemonRxTimestamps = "ntp_daemon_rx_timestamps"
        case ntpDaemonTxTimestamps = "ntp_daemon_tx_timestamps"
        case ntpKernelRxTimestamps = "ntp_kernel_rx_timestamps"
        case ntpKernelTxTimestamps = "ntp_kernel_tx_timestamps"
        case ntpHardwareRxTimestamps = "ntp_hardware_rx_timestamps"
        case ntpHardwareTxTimestamps = "ntp_hardware_tx_timestamps"
    }

    /// The counters in chronyc's order (nil: not reported by this chrony version).
    public var counters: [UInt64?] {
        [ntpPacketsReceived, ntpPacketsDropped, commandPacketsReceived, commandPacketsDropped,
         clientLogRecordsDropped, ntsKEConnectionsAccepted, ntsKEConnectionsDropped, authenticatedNTPPackets,
         interleavedNTPPackets, ntpTimestampsHeld, ntpTimestampSpan, ntpDaemonRxTimestamps, ntpDaemonTxTimestamps,
         ntpKernelRxTimestamps, ntpKernelTxTimestamps, ntpHardwareRxTimestamps, ntpHardwareTxTimestamps]
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        for (key, value) in zip(CodingKeys.allCases, counters) {
            try c.encode(value, forKey: key)
        }
    }

    static let fieldNames = CodingKeys.allCases.map(\.rawValue)
    /// Fields in chrony 4.3; 4.4 and later print 17.
    public static let minimumFields = 11
    /// Fields in chrony 4.4 to 4.8.
    public static let timestampFields = 17

    /// Parses the `chronyc -c serverstats` line.
    public static func parse(csv line: Substring, lineNumber: Int = 1) throws(ReportParseError) -> ServerStatsReport {
        let r = try CSVRecord(line, report: .serverstats, lineNumber: lineNumber, names: fieldNames, minimum: minimumFields)
        var values: [UInt64?] = []
        values.reserveCapacity(timestampFields)
        // The timestamp counters come as a group of six: 12..16 fields is a cut line.
        if r.count > minimumFields && r.count < timestampFields {
            throw ReportParseError(report: .serverstats, line: lineNumber, fieldNumber: r.count + 1,
                                   field: fieldNames[r.count],
                                   problem: .missingField(found: r.count, minimum: timestampFields))
        }
        for index in 0..<timestampFields {
            values.append(index < r.count ? try r.unsigned(index, UInt64.self) : nil)
        }
        return ServerStatsReport(
            ntpPacketsReceived: values[0]!, ntpPacketsDropped: values[1]!, commandPacketsReceived: values[2]!,
            commandPacketsDropped: values[3]!, clientLogRecordsDropped: values[4]!, ntsKEConnectionsAccepted: values[5]!,
            ntsKEConnectionsDropped: values[6]!, authenticatedNTPPackets: values[7]!, interleavedNTPPackets: values[8]!,
            ntpTimestampsHeld: values[9]!, ntpTimestampSpan: values[10]!, ntpDaemonRxTimestamps: values[11],
            ntpDaemonTxTimestamps: values[12], ntpKernelRxTimestamps: values[13], ntpKernelTxTimestamps: values[14],
            ntpHardwareRxTimestamps: values[15], ntpHardwareTxTimestamps: values[16])
    }
}
