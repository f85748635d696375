import Foundation

/// Work run on a thread of its own, joined with ``wait()``.
///
/// Not the Dispatch global queue: on Linux, Swift concurrency's executor runs on that pool, so a
/// caller that blocks a pool thread while its work waits for another pool thread stalls until
/// Dispatch notices (≈ 1 s) whenever the pool is one thread wide (a one-CPU pod or cpuset).
/// Measured: `db count` of a 300-row store under `taskset -c 0` took 1.0 s in 7 of 9 runs with
/// the global queue and 0.01 s with a dedicated thread.
final class DedicatedThread<Result>: @unchecked Sendable {
    // @unchecked: `result` is written once on the worker before `done` is signalled and read only
    // after `wait()` returns.
    private var result: Result?
    private let done = DispatchSemaphore(value: 0)

    /// Starts `work` on a new thread (8 MiB stack).
    init(name: String, _ work: @escaping () -> Result) {
        let box = UncheckedWork(work)
        let thread = Thread { [self] in
            result = box.work()
            done.signal()
        }
        thread.name = name
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Blocks until the work has finished and returns its result.
    func wait() -> Result {
        done.wait()
        done.signal()  // later waits return at once
        return result!
    }
}

/// Carries a closure over raw pointers (or other non-Sendable captures the caller keeps alive
/// until ``DedicatedThread/wait()``) to the worker thread.
private struct UncheckedWork<Result>: @unchecked Sendable {
    let work: () -> Result
    init(_ work: @escaping () -> Result) { self.work = work }
}
