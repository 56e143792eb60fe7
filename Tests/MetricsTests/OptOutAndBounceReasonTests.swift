@testable import EventFold
import Foundation
@testable import Metrics
import ReportCore
import Testing

/// metrics.md, *Opt-outs honoured* and *Bounce reasons*: the 48-hour rule at its edge, and each category of
/// the bounce classification, through the message model and the insights walk.
@Suite struct OptOutAndBounceReasonTests {
    static let t0 = date("2026-11-02T09:00:00Z").timeIntervalSince1970

    func ev(_ campaign: String, _ who: String, _ type: EventType, hours: Double, bounce: BounceType? = nil, reason: BounceReason? = nil) -> RecipientEvent {
        RecipientEvent(time: Self.t0 + hours * 3600, campaign: campaign, recipient: who, type: type, bounceType: bounce, program: "news", bounceReason: reason)
    }

    func report(_ events: [RecipientEvent]) throws -> Report {
        let (acc, _) = summarize(events)
        return try ReportBuilder.build(config: config(), rows: [], evidence: acc)
    }

    @Test func messagesMoreThan48HoursAfterAnOptOutAreCounted() throws {
        // a unsubscribes from s0 at hour 1. s47 goes out 47 h after that (in time), s49 49 h after (late); exactly
        // 48 h is still in time. b complained at hour 2 and gets s49 47 h later; c never opted out.
        let events = [
            ev("s0", "a@x.com", .sent, hours: 0), ev("s0", "a@x.com", .unsubscribe, hours: 1),
            ev("s0", "b@x.com", .sent, hours: 0), ev("s0", "b@x.com", .complaint, hours: 2),
            ev("s47", "a@x.com", .sent, hours: 48), ev("s47", "c@x.com", .sent, hours: 48),
            ev("s48", "a@x.com", .sent, hours: 49),
            ev("s49", "a@x.com", .sent, hours: 50), ev("s49", "b@x.com", .sent, hours: 50), ev("s49", "c@x.com", .sent, hours: 50),
        ]
        let r = try report(events)
        let detail = try #require(r.insights?.sends)
        #expect(detail["s0"]?.sentAfterOptOut == 0)
        #expect(detail["s47"]?.sentAfterOptOut == 0)   // 47 h after a's opt-out
        #expect(detail["s48"]?.sentAfterOptOut == 0)   // exactly 48 h
        #expect(detail["s49"]?.sentAfterOptOut == 1)   // a at 49 h; b only 48 h after complaining at hour 2
        let alerts = r.alerts.filter { $0.kind == .sentAfterOptOut }
        #expect(alerts.map(\.campaign) == ["s49"])
        #expect(alerts.first?.count == 1)
        #expect(OptOutRule.isLate(sentAt: 49 * 3600, optedOutAt: 0))
        #expect(!OptOutRule.isLate(sentAt: 47 * 3600, optedOutAt: 0))
    }

    @Test func aDroppedMessageWasNotSentAfterTheOptOut() throws {
        let events = [
            ev("s0", "a@x.com", .sent, hours: 0), ev("s0", "a@x.com", .unsubscribe, hours: 1),
            ev("s9", "a@x.com", .sent, hours: 100), ev("s9", "a@x.com", .dropped, hours: 100),
        ]
        #expect(try report(events).insights?.sends["s9"]?.sentAfterOptOut == 0)
    }

    @Test func eachCategoryFromCodesAndTexts() {
        func c(_ text: String?) -> BounceReason? { BounceReason.classify(text: text) }
        func c(_ code: String, _ text: String) -> BounceReason? { BounceReason.classify(code: code, text: text) }
        #expect(c("550 5.1.1 The email account that you tried to reach does not exist.") == .invalidRecipient)
        #expect(c("5.1.1", "bad destination mailbox") == .invalidRecipient)
        #expect(c("550 5.4.1 Recipient address rejected: Access denied") == .invalidRecipient)
        #expect(c("552 5.2.2 The email account that you tried to reach is over quota.") == .mailboxFull)
        #expect(c("452 4.2.2 mailbox full") == .mailboxFull)
        #expect(c("550 5.7.1 Service unavailable, Client host [192.0.2.1] blocked using Spamhaus.") == .reputation)
        #expect(c("550 5.7.1 Our system has detected that this message is likely unsolicited mail.") == .reputation)
        #expect(c("550 5.7.606 Access denied, banned sending IP") == .reputation)
        #expect(c("554 5.7.1 Message rejected because of its content") == .content)
        #expect(c("552 5.3.4 Message size exceeds fixed limit") == .content)
        #expect(c("550 5.7.26 This mail is unauthenticated, which poses a security risk to the sender and Gmail users") == .authentication)
        #expect(c("550 5.7.27 The sender does not pass SPF") == .authentication)
        #expect(c("421 4.7.28 Our system has detected an unusual rate of unsolicited mail originating from your IP address.") == .rateLimited)
        #expect(c("450 4.2.1 The user you are trying to contact is receiving mail at a rate that prevents additional messages") == .rateLimited)
        #expect(c("421 Service not available, try again later") == .rateLimited)
        #expect(c("mailbox unavailable") == .invalidRecipient)
        #expect(c("554 5.0.0 Unknown error") == .other)
        #expect(c("") == nil)
        #expect(c(nil) == nil)
        #expect(c("relay 10.5.1.1 answered") == .other)  // an address, not the code 5.1.1
    }

    @Test func bouncesAndDeferralsByWeekProviderAndReason() throws {
        let events = [
            ev("s1", "a@gmail.com", .sent, hours: 0), ev("s1", "a@gmail.com", .bounce, hours: 0.1, bounce: .hard, reason: .invalidRecipient),
            ev("s1", "b@gmail.com", .sent, hours: 0), ev("s1", "b@gmail.com", .deferred, hours: 0.1, reason: .rateLimited),
            ev("s1", "b@gmail.com", .delivered, hours: 2),
            ev("s1", "c@outlook.com", .sent, hours: 0), ev("s1", "c@outlook.com", .bounce, hours: 0.1, bounce: .hard),
            ev("s1", "d@gmail.com", .sent, hours: 0), ev("s1", "d@gmail.com", .bounce, hours: 0.1, bounce: .soft, reason: .mailboxFull),
            ev("s1", "d@gmail.com", .bounce, hours: 5, bounce: .hard, reason: .invalidRecipient),
        ]
        let r = try report(events)
        let rows = try #require(r.insights?.bounceReasons).map { "\($0.provider.key) \($0.kind.rawValue) \($0.reason?.key ?? "-") \($0.messages)" }
        #expect(rows == [
            "gmail bounce invalid_recipient 2",   // a, and d (its permanent failure's reason wins over the soft one)
            "gmail deferral mailbox_full 1",      // d's soft bounce
            "gmail deferral rate_limited 1",      // b, deferred and then delivered: still a deferral
            "microsoft bounce - 1",               // c: no diagnostic given
        ])
        // b was delivered: deferrals are no outcome.
        #expect(r.send("s1")?.counts.delivered == 1)
        #expect(r.send("s1")?.counts.hardBounces == 3)
    }
}
