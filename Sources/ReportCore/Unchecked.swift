import Foundation

/// A value handed to worker threads that is safe by construction (each call site says why), not by type:
/// each thread touches only its own part, or only reads.
public final class Unchecked<T>: @unchecked Sendable {
    public let value: T
    public init(_ value: T) { self.value = value }
}

/// One result per worker of a `concurrentPerform`, each written by its own worker, read when all are done.
public final class WorkerResults<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [T?]

    public init(_ count: Int) { slots = [T?](repeating: nil, count: count) }

    public func set(_ i: Int, _ value: T) {
        lock.lock()
        slots[i] = value
        lock.unlock()
    }

    /// Every result, in worker order (all must have been set).
    public var values: [T] {
        lock.lock()
        defer { lock.unlock() }
        return slots.map { $0! }
    }
}

/// A value worked out on another thread from the moment it is made; `value()` waits for it and throws what the
/// work threw. For work the caller needs later and that needs nothing the caller is still doing.
public final class Ahead<T: Sendable>: @unchecked Sendable {
    private let done = DispatchGroup()
    private var result: Result<T, Error>?  // written once, before `done` is left; read after waiting on it

    public init(_ work: @escaping @Sendable () throws -> T) {
        done.enter()
        DispatchQueue.global().async { [self] in
            result = Result(catching: work)
            done.leave()
        }
    }

    public func value() throws -> T {
        done.wait()
        return try result!.get()
    }
}
