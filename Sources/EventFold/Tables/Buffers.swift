import CPrefetch
import ReportCore

/// Values in memory of their own for a hot loop over millions of messages: no uniqueness or bounds checks on
/// the way (a nested Swift array pays a uniqueness check per increment), an address to prefetch, and freed
/// with the buffer.
final class FlatBuffer<T> {
    private let base: UnsafeMutablePointer<T>
    let count: Int

    init(_ n: Int, _ value: T) {
        count = n
        base = .allocate(capacity: max(n, 1))
        base.initialize(repeating: value, count: max(n, 1))
    }

    deinit {
        base.deinitialize(count: max(count, 1))
        base.deallocate()
    }

    subscript(i: Int) -> T {
        @inline(__always) get { base[i] }
        @inline(__always) _modify { yield &base[i] }
    }

    /// Starts loading element `i`.
    @inline(__always) func prefetch(_ i: Int) { inbox_prefetch(base + i) }
}

/// Counts that parts of a walk add up in, and that a part can be taken away from again.
protocol Additive {
    static func += (a: inout Self, b: Self)
    static func -= (a: inout Self, b: Self)
}

extension Int: Additive {}
extension MessageTally: Additive {}

/// Adding a part, or taking it away.
enum Sign {
    case plus, minus

    @inline(__always)
    func apply<T: Additive>(_ a: inout T, _ b: T) {
        switch self {
        case .plus: a += b
        case .minus: a -= b
        }
    }
}

extension FlatBuffer where T: Additive {
    /// Adds (or takes away) another buffer of the same length, element by element.
    func add(_ o: FlatBuffer<T>, _ sign: Sign) {
        precondition(o.count == count, "parts of different shapes")
        for i in 0..<count { sign.apply(&base[i], o.base[i]) }
    }
}

extension FlatBuffer where T: BitwiseCopyable {
    /// The elements as they are in memory (the build cache's machines are all little-endian), after their count.
    func write(to w: CacheWriter) {
        w.int(count)
        w.raw(UnsafeRawBufferPointer(start: base, count: count * MemoryLayout<T>.stride))
    }

    /// A buffer `write(to:)` wrote, which must hold `expected` elements.
    convenience init(reading r: CacheReader, expected: Int, zero: T) throws {
        guard try r.int() as Int == expected else { throw CacheFileError("it is damaged (a part of another shape)") }
        self.init(expected, zero)
        try r.raw(into: UnsafeMutableRawBufferPointer(start: base, count: expected * MemoryLayout<T>.stride))
    }

}

/// Each recipient's hours (hours since 1970) of one kind of event, sorted: built once from a set of
/// `recipient << 32 | hour`, then asked for the last hour before an instant. Stored as one offset per
/// recipient into one array of hours (compressed rows), so a recipient's hours are side by side.
struct HourIndex {
    private let start: FlatBuffer<Int32>
    private let hours: FlatBuffer<UInt32>

    init(_ set: UInt64Set, recipients: Int) {
        guard set.count > 0 else {
            // No hours at all (opens without a signal, in most logs): no row per recipient either.
            start = FlatBuffer<Int32>(1, 0)
            hours = FlatBuffer<UInt32>(0, 0)
            return
        }
        let start = FlatBuffer<Int32>(recipients + 1, 0)
        set.forEach { start[Int($0 >> 32) + 1] += 1 }
        for i in 0..<recipients { start[i + 1] += start[i] }
        let fill = FlatBuffer<Int32>(recipients, 0)
        for i in 0..<recipients { fill[i] = start[i] }
        let hours = FlatBuffer<UInt32>(set.count, 0)
        set.forEach { v in
            let r = Int(v >> 32)
            hours[Int(fill[r])] = UInt32(v & 0xFFFF_FFFF)
            fill[r] += 1
        }
        for r in 0..<recipients where start[r + 1] - start[r] > 1 {
            // Insertion sort: a recipient has few hours, and they mostly arrive in order.
            let lo = Int(start[r]), hi = Int(start[r + 1])
            for i in (lo + 1)..<hi {
                let v = hours[i]
                var j = i
                while j > lo && hours[j - 1] > v { hours[j] = hours[j - 1]; j -= 1 }
                hours[j] = v
            }
        }
        self.start = start
        self.hours = hours
    }

    var isEmpty: Bool { hours.count == 0 }

    @inline(__always) func prefetch(_ r: Int) { if !isEmpty { start.prefetch(r) } }

    /// The second step, once `prefetch(r)` has brought in where the recipient's hours are: the hours themselves.
    @inline(__always)
    func prefetchHours(_ r: Int) {
        guard !isEmpty else { return }
        let lo = Int(start[r]), hi = Int(start[r + 1])
        if hi > lo {
            hours.prefetch(lo)
            hours.prefetch(hi - 1)
        }
    }

    /// The start of the last hour of recipient `r` that ended by instant `t` (seconds), or nil.
    @inline(__always)
    func last(_ r: Int, endingBy t: Double) -> Double? {
        if isEmpty { return nil }
        var lo = Int(start[r]), hi = Int(start[r + 1])
        let first = lo
        while lo < hi {
            let mid = (lo + hi) / 2
            if Double(hours[mid] + 1) * 3600 <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo > first ? Double(hours[lo - 1]) * 3600 : nil
    }

    /// Walks one recipient's hours forward through increasing instants (the week ends of a tier series).
    struct Cursor {
        fileprivate let index: HourIndex
        fileprivate let first: Int, end: Int
        fileprivate var next: Int

        /// The start of the last hour that ended by `t`; `t` must not decrease from one call to the next.
        @inline(__always)
        mutating func last(endingBy t: Double) -> Double? {
            while next < end && Double(index.hours[next] + 1) * 3600 <= t { next += 1 }
            return next > first ? Double(index.hours[next - 1]) * 3600 : nil
        }

        /// The instant from which `last(endingBy:)` has its next answer: the end of the first hour not yet
        /// taken (infinity: none is left).
        @inline(__always)
        var nextChange: Double { next < end ? Double(index.hours[next] + 1) * 3600 : .infinity }
    }

    func cursor(_ r: Int) -> Cursor {
        if isEmpty { return Cursor(index: self, first: 0, end: 0, next: 0) }
        return Cursor(index: self, first: Int(start[r]), end: Int(start[r + 1]), next: Int(start[r]))
    }
}
