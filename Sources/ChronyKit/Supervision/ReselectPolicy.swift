/// When `run` asks chronyd to select another source at once (`chronyc reselect`).
///
/// chronyd 4.3 keeps a source that stopped answering selected for minutes: in a loopback
/// stand the gateway still followed a stopped relay more than 200 s later, with two others
/// answering. When the selected source has missed its last two polls (the health policy's
/// `SourceReport.isReachable`) while another server source answers and is neither a falseticker nor
/// unusable, `run` asks for a reselection, at most once every `minimumInterval`; chronyd
/// then picks among the sources that answer.
public struct ReselectPolicy: Sendable, Equatable {
    public var minimumInterval: Duration

    public init(minimumInterval: Duration = .seconds(4)) {
        self.minimumInterval = minimumInterval
    }

    /// The selected source, when it stopped answering while another one answers.
    public static func lostSelection(_ sources: [SourceReport]) -> SourceReport? {
        guard let selected = sources.first(where: { $0.state == .selected }),
              selected.isUnreachable
        else { return nil }
        let alternative = sources.contains { source in
            source.name != selected.name && source.isReachable
                && source.state != .falseticker && source.state != .unusable
        }
        return alternative ? selected : nil
    }

    /// True when a reselection is called for and the last one (nil: none yet) was at least
    /// `minimumInterval` ago.
    public func isDue(sources: [SourceReport], sinceLast: Duration?) -> Bool {
        guard Self.lostSelection(sources) != nil else { return false }
        return sinceLast.map { $0 >= minimumInterval } ?? true
    }
}
