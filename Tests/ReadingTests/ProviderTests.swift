@testable import EventFold
import Foundation
import Metrics
import Testing
@testable import Reading
import ReportCore
import TestSupport

/// inputs.md §3 and provider-formats.md: the providers' native exports, read as they come. Fixtures in
/// Tests/Fixtures/providers were written from each provider's documented fields; counts here are by hand.
@Suite struct ProviderTests {
    static func fixture(_ name: String) -> String {
        PackagePaths.root().appending(path: "Tests/Fixtures/providers/\(name)").path
    }

    /// Reads fixtures (copied under data/ with the given names) and folds their events.
    func read(_ files: [String: String], yml: String = "timezone: UTC\n") throws -> (ProjectInput, [String: EventSummary]) {
        let project = try TestProject(files: ["report.yml": yml])
        for (target, source) in files {
            try FileManager.default.createDirectory(at: project.root.appending(path: target).deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: Self.fixture(source), toPath: project.root.appending(path: target).path)
        }
        let acc = EventAccumulator()
        let input = try ProjectReader(root: project.root).read { e, l in acc.add(e, at: l) }
        return (input, acc.summaries())
    }

    @Test func sendGrid() throws {
        let (input, s) = try read(["data/sg/events.json": "sendgrid.json"])
        let c = try #require(s["spring"]).counts
        // processed: ann, bo, cy, dee, eve, fay; eve was dropped (suppressed before sending), so 5 were sent.
        #expect(c.sent == 5)
        #expect(c.delivered == 3)          // ann, bo, fay (fay after a deferral, which is no outcome)
        #expect(c.hardBounces == 1)        // cy: type bounce
        #expect(c.softBounces == 1)        // dee: type blocked
        #expect(c.dropped == 1)            // eve, never a bounce
        #expect(c.uniqueOpens == 2)        // ann (machine, then a person), bo (machine only)
        #expect(c.machineOpens == 1)
        #expect(c.humanOpens == 1)
        #expect(c.uniqueClicks == 1)       // ann's click arrived twice (a retry of sg-5): once
        #expect(c.complaints == 1)         // bo's spamreport
        #expect(c.unsubscribes == 1)       // fay's group_unsubscribe
        // Without marketing_campaign_id the first category names the send, as a string or an array.
        #expect(s["newsletter"]?.counts.delivered == 1)
        #expect(input.warnings.map(\.description) == [#"data/sg/events.json: ignored 1 event of unknown type: "brand_new_event" (1)"#])
    }

    @Test func sendGridCustomArgsCampaignField() throws {
        let (_, s) = try read(["data/sg/events.json": "sendgrid.json"], yml: """
            timezone: UTC
            inputs:
              - path: "data/sg/**"
                format: sendgrid
                campaign_field: asm_group_id
            """)
        // Only fay's group_unsubscribe carries asm_group_id (7): that event names its send "7".
        #expect(s["7"]?.counts.unsubscribes == 1)
        #expect(s["spring"]?.counts.unsubscribes == 0)
    }

    @Test func sesBareRecordsAndSNSEnvelopes() throws {
        let (input, s) = try read(["data/ses/firehose.jsonl": "ses.jsonl"])
        let c = try #require(s["c1"]).counts
        #expect(c.sent == 2)               // ann, bo; cy's Send was rejected (Reject → dropped)
        #expect(c.dropped == 1)
        #expect(c.delivered == 1)          // ann
        #expect(c.hardBounces == 1)        // bo, Permanent, inside an SNS envelope
        #expect(c.uniqueOpens == 1)
        #expect(c.machineOpens == 1)       // ann's only open came with the bare "Mozilla/5.0" of Apple's proxy
        #expect(c.uniqueClicks == 1)
        #expect(c.complaints == 1)         // delivered twice by SNS (same MessageId): once
        // The subscription confirmation, the plain-text validation message and the delay are ignored.
        #expect(input.warnings.map(\.description) == [#"data/ses/firehose.jsonl: ignored 1 event of unknown type: "Teleport" (1)"#])
        #expect(s["c1"]?.firstSendTime == 1_794_906_000.12)
    }

    @Test func mailgunWebhookBodiesAndBareEvents() throws {
        let (input, s) = try read(["data/mg/events.jsonl": "mailgun.jsonl"])
        let c = try #require(s["autumn"]).counts   // no campaign_field: the first tag
        #expect(c.sent == 3)               // accepted: ann, bo, cy
        #expect(c.delivered == 2)          // ann, cy (cy's temporary failure was a retry, not an outcome)
        #expect(c.hardBounces == 1)        // bo
        #expect(c.dropped == 2)            // dee (suppress-bounce: an old bounce, not a new one), eve (rejected)
        #expect(c.uniqueOpens == 1)
        #expect(c.machineOpens == 0)       // ann's Apple proxy open was followed by her own
        #expect(c.uniqueClicks == 1)
        #expect(c.unsubscribes == 1)
        #expect(c.complaints == 1)
        #expect(input.warnings.count == 1)
        #expect(input.warnings[0].message.contains(#""list_member_unicorn" (1)"#))
        let (_, byVariable) = try read(["data/mg/events.jsonl": "mailgun.jsonl"], yml: """
            timezone: UTC
            inputs:
              - path: "data/mg/*"
                campaign_field: campaign_id
            """)
        #expect(byVariable["c-42"]?.counts.delivered == 1)   // the events that carry the user variable
    }

    @Test func postmark() throws {
        let (input, s) = try read(["data/pm/webhooks.jsonl": "postmark.jsonl"], yml: """
            timezone: UTC
            inputs:
              - path: "data/pm/*"
                format: postmark
                campaign_field: campaign_id
            """)
        let c = try #require(s["welcome"]).counts
        #expect(c.sent == 4)               // no sent events: delivered or bounced (ann, bo, cy, dee)
        #expect(c.delivered == 3)
        #expect(c.hardBounces == 1)        // bo; cy's AutoResponder is neither a bounce nor a reply
        #expect(c.uniqueOpens == 1)
        #expect(c.machineOpens == nil)
        #expect(c.uniqueClicks == 1)
        #expect(c.complaints == 1)         // cy
        #expect(c.unsubscribes == 1)       // dee's ManualSuppression; cy's change after her complaint is not one
        #expect(c.replies == nil)
        // DeliveredAt 04:00:05.1234567-05:00 is 09:00:05 UTC: the offset is read, not dropped.
        #expect(abs(s["welcome"]!.firstSendTime - 1_794_906_005.1234567) < 1e-3)
        // Tag first; without one, the configured Metadata key.
        #expect(s["c-2"]?.counts.delivered == 1)
        #expect(input.warnings.first?.message.contains(#""Inbound" (1)"#) == true)
    }

    @Test func aRecordWithoutCampaignIsAnErrorNamingTheField() throws {
        let project = try TestProject(files: [
            "report.yml": "timezone: UTC\n",
            "data/pm.jsonl": #"{"RecordType":"Delivery","Recipient":"a@x.example","DeliveredAt":"2026-11-17T09:00:00Z"}"# + "\n",
        ])
        let e = #expect(throws: ReportErrors.self) { try ProjectReader(root: project.root).read { _, _ in } }
        #expect(e?.errors.first?.description.hasPrefix(#"data/pm.jsonl:1: field "Tag": no campaign id"#) == true)
    }

    @Test func gzipWithTwoMembersIsReadAsOne() throws {
        let (_, s) = try read(["data/ev/events.csv.gz": "events.csv.gz"])
        let c = try #require(s["gz-1"]).counts
        #expect(c.sent == 2)
        #expect(c.delivered == 1)
        #expect(c.uniqueOpens == 1)
    }

    @Test func aTruncatedGzipIsAClearError() throws {
        let project = try TestProject(files: ["report.yml": "timezone: UTC\n"])
        try FileManager.default.createDirectory(at: project.root.appending(path: "data"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.fixture("truncated.csv.gz"), toPath: project.root.appending(path: "data/t.csv.gz").path)
        let e = #expect(throws: ReportErrors.self) { try ProjectReader(root: project.root).read { _, _ in } }
        #expect(e?.errors.first?.description.contains("truncated") == true || e?.errors.first?.description.contains("ends early") == true)
    }

    // MARK: The providers' own rules, one fixture each (written from their documentation)

    /// Reads one fixture and also returns its events as read (to check their times).
    func events(_ target: String, _ source: String) throws -> [RecipientEvent] {
        let project = try TestProject(files: ["report.yml": "timezone: UTC\n"])
        try FileManager.default.createDirectory(at: project.root.appending(path: target).deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.fixture(source), toPath: project.root.appending(path: target).path)
        var out: [RecipientEvent] = []
        _ = try ProjectReader(root: project.root).read { e, _ in out.append(e) }
        return out
    }

    @Test func sesSuppressedBouncesAndComplaintsWereNeverSentAndUndeterminedIsApart() throws {
        let (input, s) = try read(["data/ses/rules.jsonl": "ses-rules.jsonl"])
        let c = try #require(s["r"]).counts
        // Sends: ann bo cy dee eve fay gus hal. bo (Suppressed), cy (OnAccountSuppressionList) and dee (a complaint
        // on the account suppression list) were never attempted: dropped, not sent, no bounce, no complaint.
        #expect(c.dropped == 3)
        #expect(c.sent == 5)               // ann, eve, fay, gus, hal
        #expect(c.hardBounces == 0)
        #expect(c.delivered == 3)          // ann, eve, gus
        #expect(c.undeterminedBounces == 1)  // fay: counted apart
        #expect(c.softBounces == 1)        // hal: Transient, published after SES gave up
        #expect(c.complaints == 1)         // gus; eve's not-spam feedback is no complaint
        #expect(c.uniqueOpens == 3)        // ann (a phone's user agent: a person), eve (Apple's 17/8), gus (nothing to tell)
        #expect(c.machineOpens == 1)       // eve
        #expect(c.positiveRecipients == 2) // ann, and gus's open without a signal
        #expect(input.warnings.isEmpty)
        // Records without a time of their own take the SNS envelope's Timestamp.
        let evs = try events("data/ses/rules.jsonl", "ses-rules.jsonl")
        let gus = try #require(evs.first { $0.recipient == "gus@example.org" && $0.type == .complaint })
        #expect(gus.time == 1_794_911_400)  // 2026-11-17T10:30:00Z, the envelope's
        let hal = try #require(evs.first { $0.recipient == "hal@example.org" && $0.type == .bounce })
        #expect(hal.time == 1_794_913_200)  // 11:00:00Z
    }

    @Test func mailgunSuppressionsAreDropsAndATemporaryFailureCountsOnlyAsTheLastWord() throws {
        let (_, s) = try read(["data/mg/rules.jsonl": "mailgun-rules.jsonl"])
        let c = try #require(s["m"]).counts
        #expect(c.dropped == 2)            // cy (suppress-unsubscribe), dee (suppress-complaint)
        #expect(c.sent == 3)               // ann, bo, eve
        #expect(c.delivered == 2)          // ann (after a temporary failure), eve
        #expect(c.softBounces == 1)        // bo: a temporary failure and nothing after it
        #expect(c.hardBounces == 0)
        #expect(c.uniqueOpens == 2)
        #expect(c.machineOpens == 0)       // ann's client-info names no bot: a person
        #expect(c.positiveRecipients == 2) // ann, and eve's open without client-info (no signal)
        #expect(c.unsubscribes == 0 && c.complaints == 0)
    }

    @Test func postmarkTransientsSubscriptionChangesAndRecordsWithoutARecipient() throws {
        let (input, s) = try read(["data/pm/rules.jsonl": "postmark-rules.jsonl"])
        let c = try #require(s["p"]).counts
        #expect(c.sent == 8)               // ann bo cy dee eve fay gus hal: delivered or bounced
        #expect(c.delivered == 6)          // ann (after a Transient), cy, dee, fay, gus, hal
        #expect(c.softBounces == 1)        // bo: a Transient with no delivery
        #expect(c.hardBounces == 1)        // eve: the Bounce and its SubscriptionChange are one message
        #expect(c.unsubscribes == 1)       // dee (Origin Recipient); cy's was the sender's (Origin Customer)
        #expect(c.complaints == 1)         // fay, from the SubscriptionChange's SpamComplaint
        #expect(c.uniqueOpens == 2)
        #expect(c.machineOpens == 1)       // gus: the bare "Mozilla/5.0" of Apple's proxy; hal's Outlook is a person
        #expect(input.warnings.map(\.description) == ["data/pm/rules.jsonl: skipped 1 record that names no recipient (line 12)"])
    }

    @Test func sendGridOpensWithoutTheFlagCarryNoSignalUnlessTheirUserAgentTells() throws {
        let (_, s) = try read(["data/sg/rules.json": "sendgrid-rules.json"])
        let flagless = try #require(s["flagless"]).counts
        #expect(flagless.uniqueOpens == 2)
        #expect(flagless.machineOpens == 1)       // bo: the proxy's bare user agent
        #expect(flagless.positiveRecipients == 1) // ann's open carries no signal: counted as an open, not as a machine's
        let plain = try #require(s["plain"])
        #expect(plain.counts.uniqueOpens == 1)
        #expect(plain.counts.machineOpens == nil) // no open of this send says: unknown, not 0
        #expect(!plain.hasMachineSignal)
        #expect(plain.firstSendTime == 1_794_906_000.123)  // 13 digits: milliseconds
    }
}
