@testable import EventFold
import Foundation
@testable import Metrics
import ReportCore

/// A campaign-results row for tests, sent at an ISO 8601 time.
func row(_ id: String, program: String = "newsletter", at time: String = "2026-11-17T09:00:00Z", kind: SendKind = .regular,
         from: String? = nil, _ counts: SendCounts) -> CampaignRow {
    CampaignRow(campaign: id, program: program, sentAt: date(time), kind: kind, from: from, counts: counts, hasCounts: true,
                location: SourceLocation(file: "data/test.csv", line: 2))
}

func date(_ iso: String) -> Date {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime]
    return f.date(from: iso)!
}

func counts(sent: Int? = nil, delivered: Int? = nil, hard: Int? = nil, soft: Int? = nil, opens: Int? = nil, machine: Int? = nil,
            clicks: Int? = nil, unsubs: Int? = nil, complaints: Int? = nil, replies: Int? = nil, forwards: Int? = nil,
            deleted: Int? = nil) -> SendCounts {
    SendCounts(sent: sent, delivered: delivered, hardBounces: hard, softBounces: soft, uniqueOpens: opens, machineOpens: machine,
               uniqueClicks: clicks, forwards: forwards, replies: replies, unsubscribes: unsubs, complaints: complaints,
               deletedUnopened: deleted)
}

func config(zone: String = "UTC", programs: [ProgramConfig] = [], thresholds: Thresholds = Thresholds()) -> ReportConfig {
    ReportConfig(timeZone: TimeZone(identifier: zone)!, programs: programs, thresholds: thresholds)
}

func build(_ rows: [CampaignRow], config c: ReportConfig = config(), events: [String: EventSummary] = [:], newest: Double? = nil) throws -> Report {
    try ReportBuilder.build(config: c, rows: rows, events: events, newestEventTime: newest)
}

/// Events folded by the real accumulator.
func summarize(_ events: [RecipientEvent]) -> (EventAccumulator, [String: EventSummary]) {
    let acc = EventAccumulator()
    for (i, e) in events.enumerated() { acc.add(e, at: SourceLocation(file: "data/events.csv", line: i + 2)) }
    return (acc, acc.summaries())
}

func ev(_ t: Double, _ campaign: String, _ recipient: String, _ type: EventType, bounce: BounceType? = nil, machine: Bool? = nil,
        url: String? = nil, program: String? = "onboarding") -> RecipientEvent {
    RecipientEvent(time: t, campaign: campaign, recipient: recipient, type: type, bounceType: bounce, machine: machine, url: url, program: program)
}

/// `base` plus whole days, as ISO 8601 UTC (for weekly series).
func iso(_ base: String, plusDays days: Int) -> String {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime]
    return f.string(from: date(base).addingTimeInterval(Double(days) * 86400))
}
