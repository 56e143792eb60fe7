import EventFold
import ReportCore

/// A rate as its summed parts. The value is nil ("—") when the denominator is 0.
public struct Ratio: Sendable, Hashable, Codable {
    public var numerator: Int
    public var denominator: Int

    public init(_ numerator: Int, _ denominator: Int) {
        self.numerator = numerator
        self.denominator = denominator
    }

    public var value: Double? {
        denominator > 0 ? Double(numerator) / Double(denominator) : nil
    }
}

extension SendCounts {
    /// Opens by people: unique opens less the recipients whose only opens were machine opens. Where the
    /// source has no machine-open signal, all unique opens (an upper bound; the send is marked).
    public var humanOpens: Int? {
        guard let opens = uniqueOpens else { return nil }
        return opens - (machineOpens ?? 0)
    }

    /// Recipients with positive engagement: from events when known, else max(human opens, unique clicks).
    public var positiveEngagement: Int? {
        if let positiveRecipients { return positiveRecipients }
        guard let h = humanOpens, let c = uniqueClicks else { return nil }
        return max(h, c)
    }

    /// Unsubscribes + complaints + deleted unopened, of the parts that are known; nil if none is.
    public var negativeEngagement: Int? {
        let parts = [unsubscribes, complaints, deletedUnopened].compactMap { $0 }
        return parts.isEmpty ? nil : parts.reduce(0, +)
    }
}

extension KPI {
    /// Open- and click-based rates leave out sends marked *tracking off?* when summed over several sends.
    public var isEngagement: Bool {
        switch self {
        case .openRate, .humanOpenRate, .clickRate, .clickToOpenRate, .positiveEngagementRate: return true
        default: return false
        }
    }

    /// The numerator and denominator of this rate for one send's counts (`metrics.md`, *Counts and rates*),
    /// or nil where either is unknown. The one place each formula is written.
    public func parts(_ c: SendCounts) -> (numerator: Int, denominator: Int)? {
        func pair(_ n: Int?, _ d: Int?) -> (Int, Int)? {
            guard let n, let d else { return nil }
            return (n, d)
        }
        switch self {
        case .deliveryRate: return pair(c.delivered, c.sent)
        case .hardBounceRate: return pair(c.hardBounces, c.sent)
        case .softBounceRate: return pair(c.softBounces, c.sent)
        case .openRate: return pair(c.uniqueOpens, c.delivered)
        case .humanOpenRate: return pair(c.humanOpens, c.delivered)
        case .clickRate: return pair(c.uniqueClicks, c.delivered)
        case .clickToOpenRate: return pair(c.uniqueClicks, c.humanOpens)
        case .replyRate: return pair(c.replies, c.delivered)
        case .forwardRate: return pair(c.forwards, c.delivered)
        case .unsubscribeRate: return pair(c.unsubscribes, c.delivered)
        case .complaintRate: return pair(c.complaints, c.delivered)
        case .positiveEngagementRate: return pair(c.positiveEngagement, c.delivered)
        case .negativeEngagementRate: return pair(c.negativeEngagement, c.delivered)
        }
    }
}

/// Counts and rates over a set of sends (one send, a program-week, a 4-week window, a whole week).
public struct Totals: Sendable, Hashable, Codable {
    /// Each count summed over the sends where it is known; nil where no send knows it.
    public var counts = SendCounts()
    public var rates: [KPI: Ratio] = [:]
    public var sends = 0
    /// Sends whose opens carry no machine-open signal: human opens may be overstated.
    public var sendsWithoutProxySignal = 0
    public var sendsTrackingOff = 0

    public init() {}

    /// Sums numerators and denominators over the sends (never averages rates). A rate counts a send only
    /// where both its parts are known; open and click rates leave out sends marked *tracking off?*.
    public init(_ sends: some Sequence<Send>) {
        var sums: [KPI: Ratio] = [:]
        for s in sends {
            self.sends += 1
            if s.noProxySignal { sendsWithoutProxySignal += 1 }
            if s.trackingOff { sendsTrackingOff += 1 }
            counts.add(s.counts)
            for kpi in KPI.allCases {
                guard let (n, d) = Self.parts(of: s, kpi) else { continue }
                sums[kpi, default: Ratio(0, 0)].numerator += n
                sums[kpi, default: Ratio(0, 0)].denominator += d
            }
        }
        rates = sums
    }

    /// What one send adds to a rate's numerator and denominator: nothing where a part is unknown, and nothing
    /// to an open or click rate from a send marked *tracking off?*.
    @inline(__always)
    static func parts(of s: Send, _ kpi: KPI) -> (Int, Int)? {
        if kpi.isEngagement && s.trackingOff { return nil }
        return kpi.parts(s.counts)
    }

    /// One send's rate, as `Totals([send]).value(kpi)` has it, without the others.
    public static func value(of s: Send, _ kpi: KPI) -> Double? { parts(of: s, kpi).flatMap { Ratio($0.0, $0.1).value } }

    /// Totals of counts that are already summed (a provider's share of a send or week).
    public init(counts: SendCounts) {
        self.init()
        sends = 1
        self.counts = counts
        for kpi in KPI.allCases {
            if let (n, d) = kpi.parts(counts) { rates[kpi] = Ratio(n, d) }
        }
    }

    public func value(_ kpi: KPI) -> Double? { rates[kpi]?.value }

}

extension SendCounts {
    static var allCounts: [WritableKeyPath<SendCounts, Int?>] { [
        \.sent, \.delivered, \.hardBounces, \.softBounces, \.undeterminedBounces, \.dropped, \.uniqueOpens, \.machineOpens,
        \.uniqueClicks, \.forwards, \.replies, \.unsubscribes, \.complaints, \.deletedUnopened, \.positiveRecipients,
    ] }

    public mutating func add(_ other: SendCounts) {
        for path in Self.allCounts {
            if let v = other[keyPath: path] { self[keyPath: path] = (self[keyPath: path] ?? 0) + v }
        }
    }
}

extension Totals {
    /// The rates of messages counted one by one (a tier's, a frequency bucket's), through `KPI.parts`.
    public init(messages m: MessageTally) {
        self.init(counts: SendCounts(sent: m.wentOut, delivered: m.delivered, hardBounces: m.hardBounced, unsubscribes: m.unsubscribed,
                                     complaints: m.complained))
    }
}

extension ReactivationResult {
    /// The share of targeted recipients with this outcome (`share(_:)`) as its parts, for its interval.
    public func ratio(_ o: Outcome) -> Ratio { Ratio(count(o), targeted) }
}
