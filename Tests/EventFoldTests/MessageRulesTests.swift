import Foundation
import Testing
@testable import EventFold
import ReportCore

/// The message model: every combination of what can happen to one message, folded by the real accumulator and
/// read back through every path that counts messages (per-send counts, the mailbox-provider table, the messages
/// of each list-health tier, re-activation outcomes). The paths must agree with each other and with the rules
/// written out here by hand.
@Suite struct MessageRulesTests {
    /// One thing an event can say about a message.
    enum Happening: CaseIterable {
        case sent, delivered, hardBounce, softBounce, undeterminedBounce, dropped
        case humanOpen, machineOpen, unverifiedOpen, click, unsubscribe, complaint

        func event(_ t: Double, _ campaign: String, _ recipient: String) -> RecipientEvent {
            func e(_ type: EventType, bounce: BounceType? = nil, machine: Bool? = nil) -> RecipientEvent {
                RecipientEvent(time: t, campaign: campaign, recipient: recipient, type: type, bounceType: bounce, machine: machine,
                               url: type == .click ? "https://shop.example/a" : nil, program: "news")
            }
            switch self {
            case .sent: return e(.sent)
            case .delivered: return e(.delivered)
            case .hardBounce: return e(.bounce, bounce: .hard)
            case .softBounce: return e(.bounce, bounce: .soft)
            case .undeterminedBounce: return e(.bounce, bounce: .undetermined)
            case .dropped: return e(.dropped)
            case .humanOpen: return e(.open, machine: false)
            case .machineOpen: return e(.open, machine: true)
            case .unverifiedOpen: return e(.open)
            case .click: return e(.click)
            case .unsubscribe: return e(.unsubscribe)
            case .complaint: return e(.complaint)
            }
        }
    }

    /// The rules of `metrics.md` and inputs.md for one message, restated independently of `Message`.
    struct Expected {
        var wentOut, delivered, hard, soft, undetermined, opened, machineOnly, engaged, unverifiedOnly: Bool

        init(_ h: Set<Happening>, sendReportsDeliveries: Bool) {
            let attempted = !h.isDisjoint(with: [.sent, .delivered, .hardBounce, .softBounce, .undeterminedBounce])
            wentOut = attempted && !h.contains(.dropped)
            let bounced = !h.isDisjoint(with: [.hardBounce, .softBounce, .undeterminedBounce])
            delivered = wentOut && (sendReportsDeliveries ? h.contains(.delivered) : !bounced)
            hard = wentOut && h.contains(.hardBounce)
            soft = wentOut && h.contains(.softBounce) && !h.contains(.hardBounce) && !h.contains(.delivered)
            undetermined = wentOut && h.contains(.undeterminedBounce) && h.isDisjoint(with: [.hardBounce, .softBounce, .delivered])
            opened = !h.isDisjoint(with: [.humanOpen, .machineOpen, .unverifiedOpen])
            machineOnly = h.contains(.machineOpen) && h.isDisjoint(with: [.humanOpen, .unverifiedOpen])
            engaged = !h.isDisjoint(with: [.humanOpen, .click])
            unverifiedOnly = h.contains(.unverifiedOpen) && !engaged
        }
    }

    static let t0 = 1_795_000_000.0  // 2026-11-18, a Wednesday

    /// Every subset of happenings is one recipient of send "with" (whose log reports deliveries); every subset
    /// without a delivery is also one recipient of "without" (a sent-only log).
    static func combinations() -> [(send: String, recipient: String, happenings: Set<Happening>)] {
        let all = Happening.allCases
        var out: [(String, String, Set<Happening>)] = []
        for mask in 1..<(1 << all.count) {
            let h = Set(all.enumerated().filter { mask & (1 << $0.offset) != 0 }.map(\.element))
            out.append(("with", "r\(mask)@gmail.com", h))
            if !h.contains(.delivered) { out.append(("without", "r\(mask)@outlook.com", h)) }
        }
        return out
    }

    @Test func everyPathCountsEveryCombinationTheSameWay() throws {
        let acc = EventAccumulator(shards: 3)
        var line = 2
        for (send, recipient, h) in Self.combinations() {
            for happening in h.sorted(by: { "\($0)" < "\($1)" }) {
                acc.add(happening.event(Self.t0 + 60, send, recipient), at: SourceLocation(file: "data/events.csv", line: line))
                line += 1
            }
        }
        let summaries = acc.summaries()
        let week = WeekCalendar(timeZone: TimeZone(identifier: "UTC")!).week(of: Date(timeIntervalSince1970: Self.t0))
        let weekEnd = WeekCalendar(timeZone: TimeZone(identifier: "UTC")!).end(of: week).timeIntervalSince1970
        let plan = InsightsPlan(
            weeks: [week], weekEnds: [weekEnd], programs: ["news"],
            sends: ["with": .init(sentAt: Self.t0, program: 0, week: 0), "without": .init(sentAt: Self.t0, program: 0, week: 0)],
            bounds: TierBounds(), frequencyThreshold: 5)
        let insights = acc.insights(plan: plan)
        let outcomes = try acc.reactivation(windows: ["with": Self.t0 + 14 * 86400, "without": Self.t0 + 14 * 86400], newest: Self.t0 + 30 * 86400)

        for (send, provider, reportsDeliveries) in [("with", MailboxProvider.gmail, true), ("without", .microsoft, false)] {
            let expected = Self.combinations().filter { $0.send == send }.map { Expected($0.happenings, sendReportsDeliveries: reportsDeliveries) }
            func count(_ rule: (Expected) -> Bool) -> Int { expected.filter(rule).count }
            let c = try #require(summaries[send]).counts
            #expect(c.sent == count(\.wentOut), "\(send)")
            #expect(c.delivered == count(\.delivered), "\(send)")
            #expect(c.hardBounces == count(\.hard), "\(send)")
            #expect(c.softBounces == count(\.soft), "\(send)")
            #expect(c.undeterminedBounces == count(\.undetermined), "\(send)")
            #expect(c.uniqueOpens == count(\.opened), "\(send)")
            #expect(c.machineOpens == count(\.machineOnly), "\(send)")
            #expect(c.positiveRecipients == count { $0.engaged || $0.unverifiedOnly }, "\(send)")

            // Every recipient of a send has one provider, so the provider's share is the whole send.
            let p = try #require(insights.sends[send]?.providers[provider])
            #expect(p == c, "\(send): the provider table counts like the send")

            // Outcomes: targeted = went out, delivered = delivered.
            let o = try #require(outcomes[send])
            #expect(o.targeted == c.sent)
            #expect(o.delivered == c.delivered)
            #expect(o.outcomes.reduce(0, +) == o.targeted)
        }
        // Tiers: the messages of every tier add up to the messages delivered, for the sender and the program.
        let delivered = (summaries["with"]?.counts.delivered ?? 0) + (summaries["without"]?.counts.delivered ?? 0)
        #expect(insights.sender.messages.reduce(0) { $0 + $1.delivered } == delivered)
        #expect(try #require(insights.programs["news"]).messages.reduce(0) { $0 + $1.delivered } == delivered)
        // And the frequency buckets hold the same messages.
        #expect(insights.frequency.reduce(0) { $0 + $1.delivered } == delivered)
    }

    /// The disagreement the rules issue found: in a send without `delivered` events, a message that was sent
    /// and then dropped was delivered for tiers and outcomes but not in the send's count.
    @Test func aSentThenDroppedMessageIsDeliveredNowhere() throws {
        let acc = EventAccumulator(shards: 1)
        let l = SourceLocation(file: "data/e.csv", line: 2)
        for e in [Happening.sent.event(Self.t0, "s", "a@x.example"), Happening.dropped.event(Self.t0 + 1, "s", "a@x.example"),
                  Happening.sent.event(Self.t0, "s", "b@x.example")] {
            acc.add(e, at: l)
        }
        let c = try #require(acc.summaries()["s"]).counts
        #expect(c.sent == 1)
        #expect(c.delivered == 1)
        #expect(c.dropped == 1)
        let o = try #require(acc.reactivation(windows: ["s": Self.t0 + 86400], newest: Self.t0 + 2 * 86400)["s"])
        #expect(o.targeted == 1)
        #expect(o.delivered == 1)
    }

    /// A send reports deliveries when any of its events is one, whichever shard holds it. The fuzzer found the
    /// per-send count judging each shard by its own events: a shard with none of the send's deliveries counted
    /// every message that went out without a bounce as delivered (an SES log, 4 delivered instead of 1).
    @Test func aSendReportsDeliveriesInEveryShardWhenOneShardHoldsThemAll() throws {
        let recipients = (0..<16).map { "r\($0)@x.example" }
        func fold(shards: Int) throws -> SendCounts {
            let acc = EventAccumulator(shards: shards)
            for (i, r) in recipients.enumerated() {
                acc.add(Happening.sent.event(Self.t0, "s", r), at: SourceLocation(file: "data/e.jsonl", line: i + 1))
            }
            acc.add(Happening.delivered.event(Self.t0 + 2, "s", recipients[0]), at: SourceLocation(file: "data/e.jsonl", line: 17))
            return try #require(acc.summaries()["s"]).counts
        }
        // By hand: 16 went out, and the one delivery is the only message known delivered.
        for shards in [1, 4, 8] {
            let c = try fold(shards: shards)
            #expect(c.sent == 16, "\(shards) shards")
            #expect(c.delivered == 1, "\(shards) shards")
        }
    }

    @Test func aTemporaryFailureThenADeliveryIsNothingAndAloneIsASoftBounce() throws {
        var retried = Message(), gaveUp = Message()
        let send = SendEvidence(types: { var t = EventTypesSeen(); t.insert(.delivered); t.insert(.bounce); return t }())
        retried.record(.bounce, bounce: .soft, machine: nil, at: 100)
        retried.record(.delivered, bounce: nil, machine: nil, at: 200)
        gaveUp.record(.bounce, bounce: .soft, machine: nil, at: 100)
        #expect(!retried.isSoftBounce && retried.isDelivered(in: send))
        #expect(gaveUp.isSoftBounce && !gaveUp.isDelivered(in: send))
        #expect(gaveUp.wentOut)
    }

    @Test func opensWithoutASignalAreNeitherEngagementNorMachineOpens() throws {
        var m = Message()
        m.record(.open, bounce: nil, machine: nil, at: 500)
        #expect(m.opened && m.isOpenedUnverified && !m.isEngaged && !m.isMachineOnlyOpen)
        #expect(m.firstEngagedAt == 0 && m.firstUnverifiedOpenAt == 500)
        // A click makes it a person's engagement, and no longer "unverified".
        m.record(.click, bounce: nil, machine: nil, at: 900)
        #expect(m.isEngaged && !m.isOpenedUnverified && m.firstEngagedAt == 900)
        // Without any signal in the send, machine opens are unknown, not zero.
        var t = MessageTally()
        t.add(m, in: SendEvidence(hasMachineSignal: false))
        #expect(t.sendCounts(SendEvidence(hasMachineSignal: false), inputReports: EventTypesSeen()).machineOpens == nil)
    }

    @Test func outcomesShowUnverifiedOpensApart() throws {
        var unverified = Message(), person = Message(), machine = Message()
        for m in [0, 1, 2] {
            let open: (inout Message) -> Void = { $0.record(.sent, bounce: nil, machine: nil, at: 100) }
            switch m {
            case 0: open(&unverified); unverified.record(.open, bounce: nil, machine: nil, at: 200)
            case 1: open(&person); person.record(.open, bounce: nil, machine: false, at: 200)
            default: open(&machine); machine.record(.open, bounce: nil, machine: true, at: 200)
            }
        }
        #expect(Outcome.of(unverified, windowEnd: 1000).0 == .openedUnverified)
        #expect(Outcome.of(person, windowEnd: 1000).0 == .reEngaged)
        #expect(Outcome.of(machine, windowEnd: 1000).0 == .noResponse)
        #expect(Outcome.of(unverified, windowEnd: 150).0 == .noResponse)   // the open came after the window
    }

    @Test func tiersShowRecentUnverifiedOpensApartFromActive() {
        let b = TierBounds(), day = 86400.0, now = 400 * day
        // Engaged as a person 10 days ago: active, whatever the unverified opens.
        #expect(b.tier(now: now, firstDelivered: 0, lastEngaged: now - 10 * day, lastUnverifiedOpen: now - day, suppressed: nil) == .active)
        // Engaged 60 days ago, opened without a signal 5 days ago: shown apart.
        #expect(b.tier(now: now, firstDelivered: 0, lastEngaged: now - 60 * day, lastUnverifiedOpen: now - 5 * day, suppressed: nil) == .openedUnverified)
        // Only unverified opens, the last 31 days ago: by the person's engagement, which is none (inactive).
        #expect(b.tier(now: now, firstDelivered: 0, lastEngaged: nil, lastUnverifiedOpen: now - 31 * day, suppressed: nil) == .inactive)
        #expect(b.tier(now: now, firstDelivered: 0, lastEngaged: nil, lastUnverifiedOpen: now - 30 * day, suppressed: nil) == .openedUnverified)
    }
}
