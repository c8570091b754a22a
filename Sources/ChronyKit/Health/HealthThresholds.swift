/// The numbers the health policy compares against; settings with defaults.
public struct HealthThresholds: Sendable, Equatable {
    /// Largest acceptable |system time offset| in seconds.
    public var maxOffset: Double
    /// Largest acceptable root distance (root delay / 2 + root dispersion) in seconds.
    public var maxRootDistance: Double
    /// Seconds after start during which "not yet synchronised" is `starting`.
    public var startGrace: Double

    public init(maxOffset: Double = 0.1, maxRootDistance: Double = 1.0, startGrace: Double = 60) {
        self.maxOffset = maxOffset
        self.maxRootDistance = maxRootDistance
        self.startGrace = startGrace
    }
}
