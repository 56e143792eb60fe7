import Foundation
import ReportCore

/// Where a send's counts come from.
public enum CountSource: String, Sendable, Codable {
    /// Campaign results (an aggregate export).
    case aggregate
    /// Recipient events.
    case events
}

/// One send (one delivery of one message) with its counts and data-quality marks.
public struct Send: Sendable, Identifiable, Codable {
    public var id: String
    public var program: String
    public var name: String?
    public var subject: String?
    public var segment: String?
    public var kind: SendKind
    public var from: String?
    public var sentAt: Date
    public var week: ISOWeek
    public var counts: SendCounts
    public var source: CountSource
    /// No open carries a machine-open signal: the human open rate may be overstated.
    public var noProxySignal: Bool
    /// Deliveries but no opens and no clicks at all: probably tracking was off.
    public var trackingOff: Bool

    /// `experiment_group` and `test` of its campaign row (`CampaignRow`).
    public var experimentGroup: String?
    public var test: String?

    /// Where the send first appears in the input (its campaign row, or its first event), for errors.
    public var origin: SourceLocation?

    /// The program as the data named it (a name or a slug), for display when `report.yml` gives no name.
    var programLabel: String = ""

    public var title: String { name ?? subject ?? id }
}
