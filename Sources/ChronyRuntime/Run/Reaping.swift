import CLinux
/// Makes this process the reaper of every orphaned descendant, as PID 1 must be.
public enum Reaping {
    /// PID 1 already inherits orphans; any other process asks the kernel to be a child
    /// subreaper (orphans below it come to it, not to the real PID 1). Then `ChildReaper`
    /// collects every child: our own go to their waiters, orphans are reaped and counted.
    /// Returns whether the process is PID 1.
    @discardableResult
    public static func start() -> (isPID1: Bool, subreaper: Bool) {
        let isPID1 = getpid() == 1
        let subreaper = isPID1 || clinux_set_child_subreaper() == 0
        ChildReaper.shared.reapAll()
        return (isPID1, subreaper)
    }
}
