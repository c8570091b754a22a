/// Per-node sources for replicas made from one template (NTP_SERVERS_BY_INDEX, NODE_INDEX):
/// a Kubernetes StatefulSet's relays are identical pods, so each cannot be given its own
/// NTP_SERVERS; instead every relay gets the same list of lists and its own number, from the
/// ordinal suffix of its pod name (`chronyvisor-relay-1` → 1, through the downward API's
/// `metadata.name`, which every Kubernetes version has; the `apps.kubernetes.io/pod-index`
/// label needs 1.28).
///
/// `NTP_SERVERS_BY_INDEX` holds `;`-separated lists in NTP_SERVERS's form, entry N for node N
/// (from 0). An empty or missing entry means "NTP_SERVERS" (and so its default): a site names
/// only the relays that differ.
public enum PerNodeServers {
    /// What `NODE_INDEX` accepts.
    public static let indexExpected =
        "this node's number from 0, or a name ending in -NUMBER such as a StatefulSet pod's name (chronyvisor-relay-1)"

    /// The number in `value`: all digits, or the digits after the last `-` of a name. A name
    /// is what Kubernetes makes (ASCII letters, digits, `-`, `.`, `_`): anything else, a
    /// control character above all, is refused, since the value is echoed into the generated
    /// configuration's header.
    public static func index(_ value: String) -> Int? {
        guard value.unicodeScalars.allSatisfy({ c in
            ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) || c == "-" || c == "." || c == "_"
        }) else { return nil }
        let parts = value.split(separator: "-", omittingEmptySubsequences: false)
        let digits = parts.last ?? ""
        guard parts.count == 1 || !parts[0].isEmpty, !digits.isEmpty, digits.count <= 9, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(digits)
    }

    /// The entries of `NTP_SERVERS_BY_INDEX`, spaces trimmed; an entry may be empty.
    public static func entries(_ value: String) -> [String] {
        value.split(separator: ";", omittingEmptySubsequences: false).map { $0.trimmingSpaces() }
    }

    /// Node `index`'s entry, nil when it has none or an empty one (NTP_SERVERS applies).
    public static func entry(_ value: String, index: Int) -> String? {
        let all = entries(value)
        guard index < all.count, !all[index].isEmpty else { return nil }
        return all[index]
    }
}
