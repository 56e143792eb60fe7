import Foundation

/// Turns a burst of file changes into one rebuild: waits for a quiet moment (the debounce), never runs two
/// rebuilds at once, and runs once more if files changed while a rebuild was running.
public final class RebuildScheduler: @unchecked Sendable {
    public let debounce: TimeInterval
    private let queue = DispatchQueue(label: "inbox-report.rebuild")
    private let lock = NSCondition()
    private var generation = 0
    private var pending: [String] = []
    /// Waits started by `changed` that have not run out yet, and rebuilds running: 0 is idle.
    private var outstanding = 0
    private let rebuild: @Sendable ([String]) -> Void

    /// - Parameter rebuild: runs on a serial queue with the paths that changed since the last rebuild.
    public init(debounce: TimeInterval = 0.15, rebuild: @escaping @Sendable ([String]) -> Void) {
        self.debounce = debounce
        self.rebuild = rebuild
    }

    public func changed(_ paths: [String]) {
        lock.lock()
        generation += 1
        let mine = generation
        pending += paths
        outstanding += 1
        lock.unlock()
        queue.asyncAfter(deadline: .now() + debounce) { [self] in
            lock.lock()
            // A later change restarted the wait: that one's timer rebuilds.
            guard mine == generation, !pending.isEmpty else {
                outstanding -= 1
                lock.broadcast()
                lock.unlock()
                return
            }
            let paths = Array(Set(pending)).sorted()
            pending = []
            lock.unlock()
            rebuild(paths)
            lock.lock()
            outstanding -= 1
            lock.broadcast()
            lock.unlock()
        }
    }

    /// Waits until no change is waiting out its debounce and no rebuild is running (for tests and shutdown);
    /// false if that did not happen within `timeout`.
    public func waitUntilIdle(timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        lock.lock()
        defer { lock.unlock() }
        while outstanding > 0 {
            if !lock.wait(until: deadline) { return outstanding == 0 }
        }
        return true
    }
}
