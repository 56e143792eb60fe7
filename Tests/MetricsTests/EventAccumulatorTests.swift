@testable import EventFold
import Foundation
import Testing
@testable import Metrics
import ReportCore

/// inputs.md §2: counts of a send from its recipient events.
@Suite struct EventAccumulatorTests {
    let t0 = 1_795_000_000.0

    @Test func countsFromEventsWithDuplicatesMachineOpensAndBounces() throws {
        let events: [RecipientEvent] = [
            // a: sent, delivered, a machine open then a human open, a click — retried webhook duplicates the click.
            ev(t0, "c1", "a@x.example", .sent), ev(t0 + 5, "c1", "a@x.example", .delivered),
            ev(t0 + 60, "c1", "a@x.example", .open, machine: true), ev(t0 + 900, "c1", "a@x.example", .open, machine: false),
            ev(t0 + 960, "c1", "a@x.example", .click, url: "https://x.example/1"), ev(t0 + 960, "c1", "a@x.example", .click, url: "https://x.example/1"),
            // b: delivered, only a machine open, then unsubscribed.
            ev(t0, "c1", "b@x.example", .sent), ev(t0 + 5, "c1", "b@x.example", .delivered),
            ev(t0 + 70, "c1", "b@x.example", .open, machine: true), ev(t0 + 3600, "c1", "b@x.example", .unsubscribe),
            // c: hard bounce. d: soft bounce. e: dropped before sending (not a bounce, not sent).
            ev(t0, "c1", "c@x.example", .sent), ev(t0 + 3, "c1", "c@x.example", .bounce, bounce: .hard),
            ev(t0, "c1", "d@x.example", .sent), ev(t0 + 3, "c1", "d@x.example", .bounce, bounce: .soft),
            ev(t0, "c1", "e@x.example", .dropped),
            // f: delivered, complained, never opened.
            ev(t0, "c1", "f@x.example", .sent), ev(t0 + 5, "c1", "f@x.example", .delivered), ev(t0 + 7200, "c1", "f@x.example", .complaint),
        ]
        let (acc, summaries) = summarize(events)
        let c = try #require(summaries["c1"]).counts
        #expect(c.sent == 5)
        #expect(c.delivered == 3)
        #expect(c.hardBounces == 1)
        #expect(c.softBounces == 1)
        #expect(c.dropped == 1)
        #expect(c.uniqueOpens == 2)
        #expect(c.machineOpens == 1)      // b only: a also opened as a person
        #expect(c.humanOpens == 1)
        #expect(c.uniqueClicks == 1)      // the duplicate click counts once
        #expect(c.unsubscribes == 1)
        #expect(c.complaints == 1)
        #expect(c.positiveRecipients == 1)
        #expect(c.replies == nil)         // no source in this input reports replies: unknown, not zero
        #expect(acc.eventCount == events.count)
        #expect(acc.recipientCount == 6)
        #expect(summaries["c1"]?.firstSendTime == t0)
    }

    @Test func withoutSentEventsDeliveredAndBouncedMessagesWereSent() throws {
        let (_, s) = summarize([
            ev(t0, "p", "a@x.example", .delivered), ev(t0, "p", "b@x.example", .delivered),
            ev(t0, "p", "c@x.example", .bounce, bounce: .hard),
        ])
        #expect(s["p"]?.counts.sent == 3)
        #expect(s["p"]?.counts.delivered == 2)
    }

    @Test func withoutDeliveredEventsSentMessagesThatDidNotBounceWereDelivered() throws {
        let (_, s) = summarize([
            ev(t0, "p", "a@x.example", .sent), ev(t0, "p", "b@x.example", .sent), ev(t0 + 1, "p", "b@x.example", .bounce, bounce: .soft),
        ])
        #expect(s["p"]?.counts.delivered == 1)
    }

    @Test func opensWithoutAnyMachineSignalLeaveMachineOpensUnknown() throws {
        let (_, s) = summarize([
            ev(t0, "p", "a@x.example", .sent), ev(t0, "p", "a@x.example", .delivered), ev(t0 + 9, "p", "a@x.example", .open),
        ])
        #expect(s["p"]?.counts.machineOpens == nil)
        #expect(s["p"]?.counts.humanOpens == 1)
        let report = try ReportBuilder.build(config: config(), rows: [], events: s)
        #expect(report.send("p")?.noProxySignal == true)
    }

    @Test func eventsGiveCountsAndCampaignResultsOnlyMetadata() throws {
        let (_, s) = summarize([ev(t0, "p", "a@x.example", .sent), ev(t0, "p", "a@x.example", .delivered)])
        let meta = CampaignRow(campaign: "p", program: "onboarding", name: "Welcome", location: SourceLocation(file: "data/c.csv", line: 2))
        let report = try ReportBuilder.build(config: config(), rows: [meta], events: s)
        let send = try #require(report.send("p"))
        #expect(send.name == "Welcome")
        #expect(send.source == .events)
        #expect(send.sentAt == Date(timeIntervalSince1970: t0))
    }

    @Test func disagreementOfMoreThanOnePercentWarns() throws {
        var events: [RecipientEvent] = []
        for i in 0..<100 { events += [ev(t0, "p", "r\(i)", .sent), ev(t0, "p", "r\(i)", .delivered)] }
        let (_, s) = summarize(events)
        let stated = CampaignRow(campaign: "p", program: "onboarding", counts: SendCounts(sent: 102, delivered: 101), hasCounts: true,
                                 location: SourceLocation(file: "data/c.csv", line: 2))
        let report = try ReportBuilder.build(config: config(), rows: [stated], events: s)
        // sent 102 vs 100 is 1.96 % apart: warned. delivered 101 vs 100 is 0.99 %: not.
        #expect(report.warnings.count == 1)
        #expect(report.warnings.first?.message.contains("\"p\": sent is 102") == true)
    }

    @Test func eventsOfAnUnknownCampaignWithoutProgramFail() throws {
        let (_, s) = summarize([ev(t0, "mystery", "a@x.example", .sent, program: nil)])
        #expect(throws: ReportErrors.self) { try ReportBuilder.build(config: config(), rows: [], events: s) }
        var c = config()
        c.campaignPrograms = [("myst*", "newsletter")]
        #expect(try ReportBuilder.build(config: c, rows: [], events: s).send("mystery")?.program == "newsletter")
    }
}
