/// A mutex with a condition variable (pthread), for state shared with the threads that
/// block in system calls (the reaper, output readers). Lock, check, `wait`, unlock: as with
/// every condition variable, a woken waiter re-checks what it waits for.
public final class Condition: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    public init() {
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        // Timed waits measure CLOCK_MONOTONIC: a stepped wall clock (this is chrony's
        // supervisor) must not shorten or stretch them.
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    public func lock() { pthread_mutex_lock(mutex) }
    public func unlock() { pthread_mutex_unlock(mutex) }

    public func withLock<Result>(_ body: () throws -> Result) rethrows -> Result {
        lock()
        defer { unlock() }
        return try body()
    }

    /// Waits (the lock held) until woken.
    public func wait() { pthread_cond_wait(condition, mutex) }

    /// Waits (the lock held) until woken or `seconds` passed; false when the time ran out.
    @discardableResult
    public func wait(seconds: Double) -> Bool {
        var deadline = timespec()
        clock_gettime(CLOCK_MONOTONIC, &deadline)
        let nanoseconds = Int(deadline.tv_nsec) + Int((max(0, seconds) * 1e9).rounded())
        deadline.tv_sec += nanoseconds / 1_000_000_000
        deadline.tv_nsec = nanoseconds % 1_000_000_000
        return pthread_cond_timedwait(condition, mutex, &deadline) == 0
    }

    /// Wakes every waiter (call with the lock held).
    public func broadcast() { pthread_cond_broadcast(condition) }
}

/// A one-way gate: closed until `open()`, then open for good; waiters block until then.
public final class Latch: @unchecked Sendable {
    private let condition = Condition()
    private var isOpen = false

    public init() {}

    public func open() {
        condition.withLock {
            isOpen = true
            condition.broadcast()
        }
    }

    /// Blocks until the latch opens.
    public func wait() {
        condition.withLock {
            while !isOpen { condition.wait() }
        }
    }

    /// Blocks until the latch opens or `seconds` pass; whether it opened.
    public func wait(seconds: Double) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        var remaining = seconds
        var start = timespec()
        clock_gettime(CLOCK_MONOTONIC, &start)
        while !isOpen && remaining > 0 {
            condition.wait(seconds: remaining)
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC, &now)
            remaining = seconds - (Double(now.tv_sec - start.tv_sec) + Double(now.tv_nsec - start.tv_nsec) / 1e9)
        }
        return isOpen
    }
}
