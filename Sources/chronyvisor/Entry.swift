import ChronyRuntime

/// The process entry point.
///
/// A synchronous `main`, so that the command lines exec'd over and over (`QuickCommand`:
/// Docker's HEALTHCHECK every few seconds, `--version`) run without starting Swift
/// concurrency's worker threads or the argument parser's reflection, which together were
/// most of each check's cost (docs/benchmarks.md). Every other command line goes to the
/// argument parser on a task while this thread waits; the parser exits the process itself
/// on an error or a non-zero status.
@main
enum Entry {
    static func main() {
        // First, before any Dispatch worker thread logs: libdispatch's own diagnostics off.
        // A release libdispatch writes them to syslog, outside our log format; under systemd
        // without CAP_SYS_NICE every start logged "Failed to set thread priority for worker
        // thread … errno=13" (a worker's renice for a QoS class, refused and harmless).
        setenv("LIBDISPATCH_LOG", "NO", 1)
        if let quick = QuickCommand(Array(CommandLine.arguments.dropFirst())) {
            exit(quick.run())
        }
        let done = Latch()
        Task.detached {
            await Chronyvisor.main(nil)
            done.open()
        }
        done.wait()
    }
}
