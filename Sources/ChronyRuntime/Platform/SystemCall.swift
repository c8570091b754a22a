/// A system call that failed: which call, and the errno it set.
public struct SystemCallError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The call's name (`read`, `waitpid`, …).
    public let call: String
    public let errno: Int32

    public init(call: String, errno: Int32) {
        self.call = call
        self.errno = errno
    }

    /// The C library's text for the errno (`Connection refused`).
    public var reason: String { String(cString: strerror(errno)) }
    public var description: String { "\(call): \(reason)" }
}

/// Makes a system call: retries it while a signal interrupts it (EINTR), and turns a result
/// of -1 into a `SystemCallError` naming the call. Every other result is returned, so
/// callers read counts and descriptors without checking errno themselves.
@inline(__always)
func systemCall<Result: FixedWidthInteger>(_ call: StaticString, _ body: () -> Result) throws(SystemCallError) -> Result {
    while true {
        let result = body()
        if result != -1 { return result }
        let code = errno
        if code != EINTR { throw SystemCallError(call: call.description, errno: code) }
    }
}
