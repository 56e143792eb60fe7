@testable import EventFold
import Foundation
import Testing
@testable import Metrics
import ReportCore

/// metrics.md, *Re-activation and win-back outcomes*, worked by hand.
@Suite struct ReactivationTests {
    let sent = date("2026-10-13T12:00:00Z").timeIntervalSince1970
    let day = 86400.0

    /// One re-activation send (14-day window) with one recipient per case.
    func report(newest: Double? = nil) throws -> Report {
        let acc = EventAccumulator()
        func add(_ dt: Double, _ r: String, _ type: EventType, machine: Bool? = nil, bounce: BounceType? = nil, campaign: String = "react") {
            acc.add(RecipientEvent(time: sent + dt, campaign: campaign, recipient: r, type: type, bounceType: bounce, machine: machine), at: SourceLocation(file: "e.csv"))
        }
        let window = 14 * day
        for r in ["opened-then-unsubscribed", "machine-only", "one-minute-late", "bounce-then-click", "complained-and-unsubscribed",
                  "at-window-end", "clicked", "silent", "dropped"] where r != "dropped" {
            add(0, r, .sent)
            if r != "bounce-then-click" { add(5, r, .delivered) }
        }
        add(0, "dropped", .dropped)
        add(3600, "opened-then-unsubscribed", .open, machine: false)
        add(7200, "opened-then-unsubscribed", .unsubscribe)
        add(600, "machine-only", .open, machine: true)
        add(window + 60, "one-minute-late", .open, machine: false)
        add(3, "bounce-then-click", .bounce, bounce: .hard)
        add(3600, "bounce-then-click", .click)
        add(day, "complained-and-unsubscribed", .unsubscribe)
        add(2 * day, "complained-and-unsubscribed", .complaint)
        add(window, "at-window-end", .open, machine: false)
        add(day, "clicked", .click)
        if let newest { add(newest - sent, "silent", .open, machine: true, campaign: "later") }
        let meta = [
            CampaignRow(campaign: "react", program: "newsletter", kind: .reactivation, location: SourceLocation(file: "c.csv", line: 2)),
            CampaignRow(campaign: "later", program: "newsletter", location: SourceLocation(file: "c.csv", line: 3)),
        ]
        return try ReportBuilder.build(config: config(), rows: meta, evidence: acc)
    }

    @Test func outcomesByPrecedenceWithinTheWindow() throws {
        let r = try #require(try report(newest: sent + 60 * day).reactivation["react"])
        #expect(r.targeted == 8)                  // the dropped recipient was never sent to
        #expect(r.delivered == 7)
        #expect(r.count(.bounced) == 1)           // hard bounce, then a click: bounced
        #expect(r.count(.complained) == 1)        // unsubscribed, then complained: complained comes first
        #expect(r.count(.unsubscribed) == 1)      // opened, then unsubscribed: unsubscribed
        #expect(r.count(.reEngaged) == 2)         // a click; a human open exactly at the window's end (inclusive)
        #expect(r.count(.noResponse) == 3)        // machine-only open; one minute late; silent
        #expect(r.lateEngagers == 1)              // the one who opened a minute after the window
        #expect(!r.pending)
        #expect(r.share(.reEngaged) == 0.25)
    }

    @Test func aSendIsPendingWhileItsWindowIsOpen() throws {
        // The newest data is 13 days after the send: the 14-day window is still open.
        let acc = EventAccumulator()
        acc.add(RecipientEvent(time: sent, campaign: "wb", recipient: "a", type: .sent), at: SourceLocation(file: "e"))
        acc.add(RecipientEvent(time: sent + 13 * day, campaign: "wb", recipient: "a", type: .open, machine: false), at: SourceLocation(file: "e"))
        let meta = [CampaignRow(campaign: "wb", program: "p", kind: .winback, location: SourceLocation(file: "c.csv", line: 2))]
        let r = try #require(try ReportBuilder.build(config: config(), rows: meta, evidence: acc).reactivation["wb"])
        #expect(r.pending)
        #expect(r.windowEnd == Date(timeIntervalSince1970: sent + 14 * day))
        #expect(r.count(.reEngaged) == 1)
    }

    /// A late engager is a silent recipient with a person's engagement in the 90 days after the window, counted
    /// once however often they engaged; engagement before the send or after those 90 days is not late.
    @Test func lateEngagersAreCountedOncePerRecipient() throws {
        let acc = EventAccumulator(shards: 1)
        func add(_ dt: Double, _ r: String, _ type: EventType, machine: Bool? = nil, campaign: String = "wb") {
            acc.add(RecipientEvent(time: sent + dt, campaign: campaign, recipient: r, type: type, machine: machine), at: SourceLocation(file: "e"))
        }
        for r in ["twice-late", "too-late", "before", "never", "in-window"] { add(0, r, .sent) }
        add(20 * day, "twice-late", .open, machine: false, campaign: "later")
        add(30 * day, "twice-late", .click, campaign: "later")
        add(14 * day + 91 * day, "too-late", .click, campaign: "later")
        add(-3 * day, "before", .click, campaign: "earlier")
        add(2 * day, "in-window", .open, machine: false)
        add(200 * day, "in-window", .click, campaign: "later")
        let meta = [CampaignRow(campaign: "wb", program: "p", kind: .winback, location: SourceLocation(file: "c.csv", line: 2)),
                    CampaignRow(campaign: "later", program: "p", location: SourceLocation(file: "c.csv", line: 3)),
                    CampaignRow(campaign: "earlier", program: "p", location: SourceLocation(file: "c.csv", line: 4))]
        let r = try #require(try ReportBuilder.build(config: config(), rows: meta, evidence: acc).reactivation["wb"])
        #expect(r.count(.reEngaged) == 1)
        #expect(r.count(.noResponse) == 4)
        #expect(r.lateEngagers == 1)
    }

    @Test func suppressionsAreEveryoneButTheReEngaged() throws {
        let acc = EventAccumulator()
        for (r, type) in [("a@x.example", EventType.click), ("b@x.example", .unsubscribe), ("c@x.example", .delivered)] {
            acc.add(RecipientEvent(time: sent, campaign: "wb", recipient: r, type: .sent), at: SourceLocation(file: "e"))
            acc.add(RecipientEvent(time: sent + 60, campaign: "wb", recipient: r, type: type), at: SourceLocation(file: "e"))
        }
        let list = acc.suppressions(campaign: "wb", sentAt: Date(timeIntervalSince1970: sent), windowDays: 14)
        #expect(list.map(\.recipient) == ["b@x.example", "c@x.example"])
        #expect(list.map(\.outcome) == [.unsubscribed, .noResponse])
        #expect(list[0].decidedAt == Date(timeIntervalSince1970: sent + 60))
        #expect(list[1].decidedAt == Date(timeIntervalSince1970: sent + 14 * day))
    }

    @Test func beforeAndAfterComparesTheProgramsRegularSends() throws {
        // Regular sends 2 and 1 weeks before (1,000 and 1,000 delivered, 250 + 250 human opens) and one after
        // (800 delivered, 240 human opens): list 1,000 → 800, human open rate 25 % → 30 %.
        let rows = [
            row("r1", at: "2026-09-29T09:00:00Z", counts(sent: 1000, delivered: 1000, opens: 250, machine: 0, clicks: 20, unsubs: 1, complaints: 1)),
            row("r2", at: "2026-10-06T09:00:00Z", counts(sent: 1000, delivered: 1000, opens: 250, machine: 0, clicks: 20, unsubs: 1, complaints: 1)),
            row("react", at: "2026-10-13T12:00:00Z", kind: .reactivation, counts(sent: 500, delivered: 450)),
            row("r3", at: "2026-10-20T09:00:00Z", counts(sent: 800, delivered: 800, opens: 240, machine: 0, clicks: 24, unsubs: 0, complaints: 0)),
            row("far", at: "2026-12-01T09:00:00Z", counts(sent: 100, delivered: 100, opens: 90, machine: 0, clicks: 9)),
        ]
        let report = try ReportBuilder.build(config: config(), rows: rows, evidence: nil)
        let ba = try #require(report.beforeAfter["react"])
        #expect(ba.deliveredPerSendBefore == 1000)
        #expect(ba.deliveredPerSendAfter == 800)
        #expect(ba.afterIsComplete)  // the data reaches 1 Dec, past 10 Nov
        // The same send seen from data that ends a week after it: its "after" has not passed.
        let early = try ReportBuilder.build(config: config(), rows: Array(rows.prefix(4)), evidence: nil)
        #expect(early.beforeAfter["react"]?.afterIsComplete == false)
        #expect(ba.before.value(.humanOpenRate) == 0.25)
        #expect(ba.after.value(.humanOpenRate) == 0.3)
        // Aggregate results only: no outcomes.
        #expect(report.reactivation["react"] == nil)
    }
}
