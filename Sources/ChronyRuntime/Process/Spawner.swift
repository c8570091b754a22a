/// What a spawned child gets instead of our own standard streams and environment.
public struct SpawnOptions: Sendable {
    /// File descriptor for the child's stdin/stdout/stderr; nil inherits ours.
    public var stdin: Int32?
    public var stdout: Int32?
    public var stderr: Int32?
    /// The child's environment; nil inherits ours.
    public var environment: [String: String]?
    /// Put the child in a new process group of its own.
    public var newProcessGroup = false
    /// Descriptors to close in the child (the other ends of pipes).
    public var closeInChild: [Int32] = []

    public init(stdin: Int32? = nil, stdout: Int32? = nil, stderr: Int32? = nil,
                environment: [String: String]? = nil, newProcessGroup: Bool = false, closeInChild: [Int32] = []) {
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
        self.environment = environment
        self.newProcessGroup = newProcessGroup
        self.closeInChild = closeInChild
    }
}

/// A child could not be started.
public struct SpawnError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let errno: Int32
    public var description: String { "cannot start \(path): \(String(cString: strerror(errno)))" }
}

/// posix_spawn with a clean signal state: the child starts with an empty signal mask and
/// default dispositions whatever the supervisor blocked or ignored.
enum Spawner {
    static func spawn(_ path: String, arguments: [String], options: SpawnOptions) throws(SpawnError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (fd, target) in [(options.stdin, STDIN_FILENO), (options.stdout, STDOUT_FILENO), (options.stderr, STDERR_FILENO)] {
            if let fd { posix_spawn_file_actions_adddup2(&actions, fd, target) }
        }
        for fd in options.closeInChild { posix_spawn_file_actions_addclose(&actions, fd) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        var flags = Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        if options.newProcessGroup {
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argv = [path] + arguments
        let envp = options.environment.map { $0.map { "\($0.key)=\($0.value)" } }
        var pid: pid_t = 0
        // ETXTBSY: the executable was just written and another process forked meanwhile still
        // holds a write descriptor to it until its own exec; that passes within milliseconds.
        var result: Int32 = ETXTBSY
        for attempt in 0..<20 where result == ETXTBSY {
            if attempt > 0 { usleep(10_000) }
            result = withCStrings(argv) { argvPointer in
                if let envp {
                    return withCStrings(envp) { envpPointer in
                        posix_spawn(&pid, path, &actions, &attributes, argvPointer, envpPointer)
                    }
                }
                return posix_spawn(&pid, path, &actions, &attributes, argvPointer, environ)
            }
        }
        guard result == 0 else { throw SpawnError(path: path, errno: result) }
        return pid
    }

    private static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
        let pointers = strings.map { strdup($0) } + [nil]
        defer { pointers.forEach { free($0) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
