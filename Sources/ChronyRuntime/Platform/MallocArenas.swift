import CLinux

/// glibc's malloc arenas for a long-lived supervisor.
public enum MallocArenas {
    /// Caps glibc's malloc at two arenas (unless MALLOC_ARENA_MAX says otherwise). By default
    /// each thread that allocates under contention gets an arena of its own, up to eight per
    /// core, and each keeps its touched pages: with the event loop, the blocking pool and
    /// Dispatch's workers that was about 1 MiB of the supervisor's resident memory for no
    /// gain at its load (a few allocations per poll and per request). Call before threads
    /// allocate.
    public static func limitForSupervisor() {
        guard getenv("MALLOC_ARENA_MAX") == nil else { return }
        _ = clinux_set_malloc_arena_max(2)
    }
}
