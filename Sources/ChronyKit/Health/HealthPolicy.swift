/// The health policy: one pure function from (role, settings, snapshot) to a verdict.
///
/// Liveness is "chronyd runs and answers". Readiness is "this node serves good time":
/// - relay: synchronised to a source (leap not `Not synchronised`, a selected `*` source);
///   `degraded` when it serves only its local clock (LOCAL_STRATUM) or its estimated error
///   (|offset| + root distance) exceeds the threshold;
/// - gateway: at least NTP_MIN_SOURCES relays reachable, not falsetickers and (with NTS)
///   authenticated, a selected
///   source, |offset| and root distance under the thresholds; falsetickers are named;
/// - both: an NTS source whose key establishment fails (authdata: no cookies after an
///   attempt) is named and makes the node `degraded`;
/// - both: no source selected while chronyd keeps time and NTP_MIN_SOURCES usable sources
///   remain is a reselection, not a loss of synchronisation, for a bounded time
///   (`Reselection`): the node stays ready through a failover;
/// - both: a pending leap second (tracking: Insert/Delete second) is a reason, not a fault;
/// - both: within the start grace, "not yet synchronised" is `starting`; a served-time check
///   that got no usable answer from the node's own port makes it `unhealthy`.
public struct HealthPolicy: Sendable {
    public var role: Role
    public var minSources: Int
    public var localStratum: Int?
    public var thresholds: HealthThresholds
    /// What the verdict means for readiness and liveness (HEALTH_DEGRADED_OK, READY_WHEN):
    /// the one place that decides them.
    public var readiness: Readiness

    /// chrony's reference ID for its local clock ("LOCL" / 127.127.1.1).
    public static let localReferenceID: UInt32 = 0x7F7F_0101

    public init(role: Role, minSources: Int, localStratum: Int?, thresholds: HealthThresholds,
                readiness: Readiness = Readiness()) {
        self.role = role
        self.minSources = minSources
        self.localStratum = localStratum
        self.thresholds = thresholds
        self.readiness = readiness
    }

    public init(settings: ChronySettings, thresholds: HealthThresholds, readiness: Readiness = Readiness()) {
        self.init(role: settings.role, minSources: settings.minSources, localStratum: settings.localStratum,
                  thresholds: thresholds, readiness: readiness)
    }

    public func evaluate(_ snapshot: HealthSnapshot) -> HealthVerdict {
        let inGrace = (snapshot.secondsSinceStart ?? .infinity) < thresholds.startGrace
        if snapshot.chronydRunning == false {
            return HealthVerdict(state: .unhealthy, live: false, reasons: ["chronyd is not running"])
        }
        guard let reports = snapshot.reports, let tracking = reports.tracking else {
            let why = "chronyd does not answer on its command socket" + (snapshot.unreachableReason.map { " (\($0))" } ?? "")
            return HealthVerdict(state: inGrace ? .starting : .unhealthy, live: false, reasons: [why])
        }
        let sources = reports.sources ?? []
        var verdict = HealthVerdict(state: .healthy, live: true, reasons: [])
        func worsen(_ state: HealthState, _ reason: String) {
            verdict.state = max(verdict.state, state)
            verdict.reasons.append(reason)
        }

        let servers = sources.filter(\.isNetworkSource)
        let reachable = servers.filter(\.isReachable)
        let falsetickers = servers.filter { $0.state == .falseticker }
        // An NTS source whose key establishment fails is not authenticated: never counted.
        let ntsFailing = (reports.authdata ?? []).filter(\.ntsKeyEstablishmentFailing)
        let ntsFailingNames = Set(ntsFailing.map(\.name))
        let usable = reachable.filter {
            $0.state != .falseticker && $0.state != .unusable && !ntsFailingNames.contains($0.name)
        }
        let selected = sources.first { $0.state == .selected }
        let onLocalClock = tracking.referenceID.rawValue == Self.localReferenceID
        // No source selected while chronyd still keeps time and enough usable sources remain:
        // a failover, forgiven for a bounded time (Reselection).
        let reselection = selected == nil && !onLocalClock && tracking.leapStatus != .notSynchronised
            ? Reselection.evaluate(tracking: tracking, usable: usable, minSources: minSources, now: snapshot.now) : nil
        let reselecting = reselection?.isWithinBound == true
        let synchronised = tracking.leapStatus != .notSynchronised && (selected != nil || onLocalClock || reselecting)
        let rootDistance = tracking.rootDelay / 2 + tracking.rootDispersion
        let notYet: HealthState = inGrace ? .starting : .unhealthy

        if !synchronised {
            let detail: String
            if tracking.leapStatus == .notSynchronised {
                detail = "leap status Not synchronised"
            } else if let reselection {
                detail = "no source selected, last clock update \(Self.seconds(reselection.sinceClockUpdate)) ago, "
                    + "longer than a reselection may take (\(Self.seconds(reselection.allowed)))"
            } else {
                detail = "no source selected"
            }
            worsen(notYet, "not synchronised (\(detail)); \(reachable.count) of \(servers.count) sources reachable")
        } else if onLocalClock {
            let stratum = localStratum.map { " at stratum \($0)" } ?? ""
            worsen(.degraded, "serving its local clock\(stratum): no source is usable (\(reachable.count) of \(servers.count) reachable)")
        }

        if role == .gateway && usable.count < minSources {
            worsen(onLocalClock ? .degraded : notYet,
                   "only \(usable.count) of \(servers.count) relays reachable and agreeing; NTP_MIN_SOURCES is \(minSources)")
        }
        if role == .relay && synchronised && !onLocalClock && reachable.isEmpty && !servers.isEmpty {
            worsen(.degraded, "no upstream answered its last two polls; coasting on the last synchronisation")
        }
        if !falsetickers.isEmpty {
            worsen(.degraded, "falseticker\(falsetickers.count == 1 ? "" : "s"): " + falsetickers.map(\.name).joined(separator: ", "))
        }
        if !ntsFailing.isEmpty {
            let names = ntsFailing.map { "\($0.name) (\($0.keyEstablishmentAttempts) attempt\($0.keyEstablishmentAttempts == 1 ? "" : "s"), no cookies)" }
            worsen(.degraded, "NTS key establishment failing, not authenticated and not counted: " + names.joined(separator: ", "))
        }

        if synchronised && !onLocalClock {
            let offset = abs(tracking.systemTime)
            if role == .gateway {
                if offset > thresholds.maxOffset {
                    worsen(.unhealthy, "offset \(Self.format(tracking.systemTime)) exceeds \(Self.format(thresholds.maxOffset, signed: false))")
                }
                if rootDistance > thresholds.maxRootDistance {
                    worsen(.unhealthy, "root distance \(Self.format(rootDistance, signed: false)) exceeds \(Self.format(thresholds.maxRootDistance, signed: false))")
                }
            } else {
                let error = offset + rootDistance
                if error > thresholds.maxOffset + thresholds.maxRootDistance {
                    worsen(.degraded, "estimated error \(Self.format(error, signed: false)) exceeds \(Self.format(thresholds.maxOffset + thresholds.maxRootDistance, signed: false))")
                }
            }
        }

        if let reselection, reselecting {
            verdict.reasons.append("reselecting: no source selected, last clock update \(Self.seconds(reselection.sinceClockUpdate)) ago "
                + "(ready for up to \(Self.seconds(reselection.allowed)))")
        }
        // A pending leap second is news, not a fault: the reason says so, the state stays.
        if let leap = Self.pendingLeapSecond(tracking.leapStatus) {
            verdict.reasons.append(leap)
        }

        // What the node's own port serves matters once chronyd says it is synchronised.
        switch synchronised ? snapshot.servedTime : nil {
        case .failed(let why)?:
            worsen(.unhealthy, "serves no usable time on its own port: \(why)")
        case .answered(let stratum, let leap)? where stratum == 0 || stratum >= 16 || leap == 3:
            worsen(.unhealthy, "its own port answers unsynchronised (stratum \(stratum), leap \(leap))")
        default:
            break
        }

        if verdict.state == .healthy || verdict.reasons.isEmpty {
            let name = selected?.name ?? tracking.referenceName
            verdict.reasons.insert(
                "synchronised to \(name) (stratum \(tracking.stratum)), offset \(Self.format(tracking.systemTime)), "
                    + "root distance \(Self.format(rootDistance, signed: false)), \(reachable.count) of \(servers.count) sources reachable",
                at: 0)
        }
        return verdict
    }

    /// The reason a pending leap second gives (chronyd announces one only on the day it
    /// happens: 30 June or 31 December); nil for none.
    public static func pendingLeapSecond(_ leap: LeapStatus) -> String? {
        switch leap {
        case .insertSecond: return "leap second pending: a second will be inserted at the end of this UTC day (23:59:60)"
        case .deleteSecond: return "leap second pending: a second will be deleted at the end of this UTC day (no 23:59:59)"
        case .normal, .notSynchronised: return nil
        }
    }

    /// Whole seconds: "12 s", "4096 s".
    static func seconds(_ value: Double) -> String {
        "\(Int(value.rounded())) s"
    }

    /// Seconds in chronyc's units, without its column padding.
    static func format(_ seconds: Double, signed: Bool = true) -> String {
        String(ChronyUnits.seconds(seconds, signed: signed).drop(while: { $0 == " " }))
    }
}
