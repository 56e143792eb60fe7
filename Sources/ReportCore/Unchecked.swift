/// A value handed to worker threads that is safe by construction (each call site says why), not by type:
/// each thread touches only its own part, or only reads.
public final class Unchecked<T>: @unchecked Sendable {
    public let value: T
    public init(_ value: T) { self.value = value }
}
