/// The rendered chrony.conf cases pinned by golden files in Config/Golden/NAME.conf.
/// RuntimeTests hands each golden file to the real `chronyd -p` as well.
public enum GoldenCases {
    public static let all: [(name: String, environment: [String: String])] = [
        ("relay-default", [:]),
        ("relay-nts-orphan", ["ENABLE_NTS": "true", "LOCAL_STRATUM": "10",
                              "NTP_SERVERS": "time.cloudflare.com,nts.netnod.se"]),
        ("relay-open-noclientlog", ["NTP_ALLOW": "all", "NOCLIENTLOG": "yes", "NTP_PORT": "1123",
                                    "NTP_MINPOLL": "7", "NTP_MAXPOLL": "12", "LOG_LEVEL": "warning"]),
        ("relay-offline", ["NTP_SERVERS": "127.0.0.1:11123", "LOCAL_STRATUM": "8",
                           "NTP_ALLOW": "10.0.0.0/8,fd00::/8,192.0.2.7"]),
        ("gateway-stand", ["NTP_ROLE": "gateway", "NTP_SERVERS": "chrony-local1,chrony-local2,chrony-local3"]),
        ("gateway-addresses", ["NTP_ROLE": "gateway", "NTP_SERVERS": "[fd00::1]:1123, 10.0.0.2:1123,relay.example.",
                               "NTP_MIN_SOURCES": "3", "NTP_PORT": "11123"]),
        ("relay-nts-server", ["NTP_SERVERS": "127.0.0.1:11123", "NTS_SERVER_CERT": "/etc/chronyvisor/nts/node/cert.pem",
                              "NTS_SERVER_KEY": "/etc/chronyvisor/nts/node/key.pem"]),
        ("gateway-nts-stand", ["NTP_ROLE": "gateway", "NTP_SERVERS": "chrony-local1,chrony-local2,chrony-local3",
                               "ENABLE_NTS": "true", "NTS_TRUSTED_CERTS": "/etc/chronyvisor/nts/ca.pem",
                               "NTS_SERVER_CERT": "/etc/chronyvisor/nts/node/cert.pem",
                               "NTS_SERVER_KEY": "/etc/chronyvisor/nts/node/key.pem", "NTS_PORT": "14460"]),
        ("gateway-paths", ["NTP_ROLE": "gateway", "NTP_SERVERS": "r1,r2",
                           "CHRONY_RUN_DIR": "/tmp/cv/run", "CHRONY_STATE_DIR": "/tmp/cv/state",
                           "CHRONY_CONF_DIR": "/tmp/cv/conf.d", "NTP_MIN_SOURCES": "1"]),
    ]
}
