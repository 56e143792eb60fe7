import ReportCore

/// What part of the data a section computed from recipient events covers (`metrics.md`, *Coverage*): of some
/// sends, how many have recipient events, and how many of their delivered messages those sends delivered.
/// Sections say it in one sentence: "From 3 of 80 sends (931 of 161,545 delivered messages, 0.6 %)."
public struct Coverage: Sendable, Hashable, Codable {
    public var sends = 0
    public var sendsWithEvents = 0
    /// Delivered messages of the sends whose delivered count is known, and of those with recipient events.
    public var delivered = 0
    public var deliveredWithEvents = 0

    public init(_ sends: some Sequence<Send>) {
        for s in sends {
            self.sends += 1
            let d = s.counts.delivered ?? 0
            delivered += d
            if s.source == .events {
                sendsWithEvents += 1
                deliveredWithEvents += d
            }
        }
    }

    /// The share of delivered messages the events cover (nil when nothing was delivered).
    public var share: Double? { delivered > 0 ? Double(deliveredWithEvents) / Double(delivered) : nil }
    public var isWhole: Bool { sendsWithEvents == sends }
}

extension Report {
    /// The coverage of a section over these sends (all sends when nil).
    public func coverage(of sendIDs: [String]? = nil) -> Coverage {
        guard let sendIDs else { return Coverage(sends) }
        return Coverage(sendIDs.compactMap(send))
    }
}
