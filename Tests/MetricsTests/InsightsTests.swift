@testable import EventFold
import Foundation
import Testing
@testable import Metrics
import ReportCore

/// metrics.md, *List health*, *Mailbox providers*, *Send frequency*.
@Suite struct InsightsTests {
    let day = 86400.0

    @Test(arguments: [
        (30, Tier.active), (31, .warm), (90, .warm), (91, .cooling), (180, .cooling), (181, .atRisk), (365, .atRisk), (366, .inactive),
    ])
    func tierBoundariesByAgeOfLastEngagement(age: Int, expected: Tier) {
        let now = 1_800_000_000.0
        #expect(TierBounds().tier(now: now, firstDelivered: now - 1000 * day, lastEngaged: now - Double(age) * day - 60, suppressed: nil) == expected)
    }

    @Test func neverEngagedIsNewForNinetyDaysThenInactive() {
        let now = 1_800_000_000.0
        #expect(TierBounds().tier(now: now, firstDelivered: now - 90 * day, lastEngaged: nil, suppressed: nil) == .new)
        #expect(TierBounds().tier(now: now, firstDelivered: now - 90 * day - 1, lastEngaged: nil, suppressed: nil) == .inactive)
        #expect(TierBounds().tier(now: now, firstDelivered: now - 5 * day, lastEngaged: now - day, suppressed: now - 2 * day) == .suppressed)
        var b = TierBounds()
        b.active = 7
        #expect(b.tier(now: now, firstDelivered: now - 100 * day, lastEngaged: now - 8 * day, suppressed: nil) == .warm)
    }

    @Test(arguments: [
        ("gmail.com", MailboxProvider.gmail), ("googlemail.com", .gmail), ("outlook.com", .microsoft), ("hotmail.se", .microsoft),
        ("live.co.uk", .microsoft), ("msn.com", .microsoft), ("yahoo.fr", .yahoo), ("ymail.com", .yahoo), ("aol.com", .yahoo),
        ("rocketmail.com", .yahoo), ("icloud.com", .apple), ("me.com", .apple), ("mac.com", .apple), ("gmx.de", .gmxWebde),
        ("gmx.net", .gmxWebde), ("web.de", .gmxWebde), ("telia.com", .other), ("outlookish.com", .other), ("example.org", .other),
    ])
    func providerByDomain(domain: String, expected: MailboxProvider) {
        #expect(MailboxProvider.classify(domain: domain) == expected)
    }

    /// Three sends in two weeks to four recipients, worked by hand.
    ///   week 47 (Mon 16 Nov): a (Mon 09:00) and b (Wed 09:00) to x, y; week 48: c (Mon 23 Nov) to x, y, z.
    ///   x opens a on Monday; y unsubscribes from b; z hard-bounces c; w is only in a send the report lacks.
    @Test func tiersFrequencyProvidersAndHoursFromEvents() throws {
        let mon47 = date("2026-11-16T09:00:00Z").timeIntervalSince1970
        let wed47 = mon47 + 2 * day, mon48 = mon47 + 7 * day
        let acc = EventAccumulator()
        func add(_ t: Double, _ c: String, _ r: String, _ type: EventType, machine: Bool? = nil, url: String? = nil, bounce: BounceType? = nil) {
            acc.add(RecipientEvent(time: t, campaign: c, recipient: r, type: type, bounceType: bounce, machine: machine, url: url, program: "nl"), at: SourceLocation(file: "e.csv"))
        }
        for (c, t, rs) in [("a", mon47, ["x@gmail.com", "y@outlook.com"]), ("b", wed47, ["x@gmail.com", "y@outlook.com"]), ("c", mon48, ["x@gmail.com", "y@outlook.com", "z@icloud.com"])] {
            for r in rs { add(t, c, r, .sent) }
            for r in rs where r != "z@icloud.com" { add(t + 10, c, r, .delivered) }
        }
        add(mon48 + 5, "c", "z@icloud.com", .bounce, bounce: .hard)
        add(mon47 + 3600 * 2 + 5, "a", "x@gmail.com", .open, machine: false)             // hour 2
        add(mon47 + 3600 * 2 + 60, "a", "x@gmail.com", .click, url: "https://shop.example/sale?email=x@gmail.com")
        add(mon47 + 300, "a", "y@outlook.com", .open, machine: true)                        // machine only
        add(wed47 + 3600, "b", "y@outlook.com", .unsubscribe)
        let report = try ReportBuilder.build(config: config(), rows: [], evidence: acc)
        let insights = try #require(report.insights)
        let series = insights.sender
        #expect(series.weeks.map(\.week) == [47, 48])
        // End of week 47: x active (opened Monday), y suppressed (unsubscribed). z not yet delivered.
        #expect(series.count(.active, week: 0) == 1)
        #expect(series.count(.suppressed, week: 0) == 1)
        #expect(series.counts[0].reduce(0, +) == 2)
        // End of week 48: x active, y suppressed; z never delivered (bounced) is in no tier.
        #expect(series.counts[1].reduce(0, +) == 2)
        // Messages by tier at send time: a → x new, y new; b → x active (opened a on Monday), y new;
        // c → x active, y suppressed (unsubscribed on Wednesday).
        #expect(series.messages[Tier.new.rawValue].delivered == 3)
        #expect(series.messages(.new).unsubscribed == 1)
        #expect(series.messages[Tier.active.rawValue].delivered == 2)
        #expect(series.messages[Tier.suppressed.rawValue].delivered == 1)
        // Frequency: week 47 x and y got 2 each; week 48 x and y got 1 each (z's bounced).
        #expect(insights.frequency[1].recipientWeeks == 2)
        #expect(insights.frequency[1].delivered == 4)
        #expect(insights.frequency[1].unsubscribes == 1)
        #expect(insights.frequency[0].recipientWeeks == 2)
        #expect(insights.frequency[2].recipientWeeks == 0)
        #expect(insights.overThreshold.recipientWeeks == 0)
        // Per send: providers, first opens by hour, links without their query string.
        let a = try #require(insights.sends["a"])
        #expect(a.providers[.gmail]?.humanOpens == 1)
        #expect(a.providers[.microsoft]?.machineOpens == 1)
        #expect(a.providers[.microsoft]?.humanOpens == 0)
        #expect(a.opensByHour[2] == 1)
        #expect(a.clicksByHour[2] == 1)
        #expect(a.topLinks.map(\.url) == ["https://shop.example/sale"])
        #expect(insights.sends["c"]?.providers[.apple]?.hardBounces == 1)
    }

    /// One URL in two sends (a shop's front page) is a link of each: x clicks it in a, x and y in b. It was
    /// once credited to whichever send's click came first, so b showed none and a showed both clickers.
    @Test func aLinkInTwoSendsCountsForEachOfThem() throws {
        let mon = date("2026-11-16T09:00:00Z").timeIntervalSince1970
        let acc = EventAccumulator()
        func add(_ t: Double, _ c: String, _ r: String, _ type: EventType, url: String? = nil) {
            acc.add(RecipientEvent(time: t, campaign: c, recipient: r, type: type, url: url, program: "nl"), at: SourceLocation(file: "e.csv"))
        }
        for (c, t) in [("a", mon), ("b", mon + 2 * day)] {
            for r in ["x@gmail.com", "y@gmail.com"] { add(t, c, r, .delivered) }
        }
        add(mon + 60, "a", "x@gmail.com", .click, url: "https://shop.example/")
        add(mon + 2 * day + 60, "b", "x@gmail.com", .click, url: "https://shop.example/")
        add(mon + 2 * day + 90, "b", "y@gmail.com", .click, url: "https://shop.example/")
        add(mon + 2 * day + 95, "b", "y@gmail.com", .click, url: "https://shop.example/")  // the same recipient again
        let report = try ReportBuilder.build(config: config(), rows: [], evidence: acc)
        let insights = try #require(report.insights)
        #expect(insights.sends["a"]?.topLinks == [LinkClicks(url: "https://shop.example/", clickers: 1)])
        #expect(insights.sends["b"]?.topLinks == [LinkClicks(url: "https://shop.example/", clickers: 2)])
    }

    /// The weekly counts are kept only as far as the buckets need (past 5 and past the threshold): four bits a
    /// week up to a threshold of 14, a byte up to 254, two bytes above. Each way a week just past the threshold
    /// is over it and a week at it is not, and many messages do not spill into a neighbouring week or recipient.
    /// Twenty weekly sends (Mondays 09:00 UTC from 16 Nov 2026) to five recipients, their tier at each week's end
    /// (the next Monday 00:00) worked by hand. Each week's end is 7(k + 1) days less 9 hours after the first send.
    ///   x opens send 0 at 10:00 as a person: age 7(k + 1) − 1 days; active k 0–3, warm 4–12, cooling 13–19.
    ///   u opens send 0 without a signal and never engages: opened, unverified k 0–3, new 4–11, inactive 12–19.
    ///   n never opens: new while 7(k + 1) − 0.375 ≤ 90, k 0–11; inactive 12–19.
    ///   s never opens and unsubscribes in week 5: new k 0–4, suppressed 5–19.
    ///   v opens send 6 without a signal: new k 0–5, opened, unverified 6–9 (age 7(k − 6) + 6), new 10–11,
    ///   inactive 12–19.
    /// n alone also gets one offer (program promo) in week 8: new there from k 8 to 19 (at most 84 days).
    @Test func eachRecipientsTierAtEachWeeksEndOverTwentyWeeks() throws {
        let mon0 = date("2026-11-16T09:00:00Z").timeIntervalSince1970
        let acc = EventAccumulator()
        func add(_ t: Double, _ c: String, _ r: String, _ type: EventType, machine: Bool? = nil, program: String = "nl") {
            acc.add(RecipientEvent(time: t, campaign: c, recipient: r, type: type, machine: machine, program: program), at: SourceLocation(file: "e.csv"))
        }
        for k in 0..<20 {
            for r in ["x@a.example", "u@a.example", "n@a.example", "s@a.example", "v@a.example"] {
                add(mon0 + Double(k) * 7 * day, "w\(k)", r, .sent)
                add(mon0 + Double(k) * 7 * day + 10, "w\(k)", r, .delivered)
            }
        }
        add(mon0 + 3600, "w0", "x@a.example", .open, machine: false)
        add(mon0 + 3600, "w0", "u@a.example", .open)
        add(mon0 + 37 * day, "w5", "s@a.example", .unsubscribe)
        add(mon0 + 42 * day + 3600, "w6", "v@a.example", .open)
        add(mon0 + 56 * day + 60, "offer", "n@a.example", .sent, program: "promo")
        add(mon0 + 56 * day + 70, "offer", "n@a.example", .delivered, program: "promo")
        let insights = try #require(try ReportBuilder.build(config: config(), rows: [], evidence: acc).insights)
        let weeks = { (ranges: [ClosedRange<Int>], n: Int) in (0..<20).map { k in ranges.contains { $0.contains(k) } ? n : 0 } }
        func counts(_ series: TierSeries, _ tier: Tier) -> [Int] { (0..<20).map { series.count(tier, week: $0) } }
        let sender = insights.sender
        #expect(sender.weeks.count == 20)
        #expect(counts(sender, .active) == weeks([0...3], 1))
        #expect(counts(sender, .openedUnverified) == weeks([0...3, 6...9], 1))
        #expect(counts(sender, .warm) == weeks([4...12], 1))
        #expect(counts(sender, .cooling) == weeks([13...19], 1))
        #expect(counts(sender, .atRisk) == weeks([], 1))
        // new: n, s and v k 0–3; n, u, s and v k 4; n, u and v k 5; n and u k 6–9; n, u and v k 10–11.
        #expect(counts(sender, .new) == [3, 3, 3, 3, 4, 3, 2, 2, 2, 2, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0])
        #expect(counts(sender, .inactive) == weeks([12...19], 3))
        #expect(counts(sender, .suppressed) == weeks([5...19], 1))
        let promo = try #require(insights.programs["promo"])
        #expect(counts(promo, .new) == weeks([8...19], 1))
        #expect((0..<20).map { promo.recipients(week: $0) } == weeks([8...19], 1))
        #expect(counts(try #require(insights.programs["nl"]), .inactive) == weeks([12...19], 3))
    }

    @Test(arguments: [3, 14, 15, 40, 254, 255, 299])
    func aWeekPastTheThresholdIsOverItWhateverItsSize(threshold: Int) throws {
        let mon = date("2026-11-16T09:00:00Z").timeIntervalSince1970
        let acc = EventAccumulator()
        var sends = 0
        func mail(_ r: String, _ n: Int, week: Double) {
            for _ in 0..<n {
                sends += 1
                acc.add(RecipientEvent(time: mon + week * 7 * day + Double(sends) * 60, campaign: "s\(sends)", recipient: r,
                                       type: .delivered, program: "promo"), at: SourceLocation(file: "e.csv"))
            }
        }
        mail("over@gmail.com", threshold + 1, week: 0)
        mail("at@gmail.com", threshold, week: 0)
        mail("many@gmail.com", 300, week: 1)  // past any cap, beside a one-message week of the same recipient
        mail("many@gmail.com", 1, week: 2)
        var t = Thresholds()
        t.messagesPerWeek = threshold
        let insights = try #require(try ReportBuilder.build(config: config(thresholds: t), rows: [], evidence: acc).insights)
        #expect(insights.overThreshold.recipientWeeks == 2)
        #expect(insights.overThreshold.delivered == threshold + 1 + 300)
        #expect(insights.frequency[0].recipientWeeks == 1)  // the one-message week
        #expect(insights.frequency.map(\.recipientWeeks).reduce(0, +) == 4)
    }

    @Test func moreThanFiveMessagesAWeekRaisesTheFrequencyAlert() throws {
        let mon = date("2026-11-16T09:00:00Z").timeIntervalSince1970
        let acc = EventAccumulator()
        for i in 0..<6 {
            let c = "s\(i)"
            acc.add(RecipientEvent(time: mon + Double(i) * 3600, campaign: c, recipient: "x@gmail.com", type: .delivered, program: "promo"), at: SourceLocation(file: "e.csv"))
            acc.add(RecipientEvent(time: mon + Double(i) * 3600, campaign: c, recipient: "y@gmail.com", type: .delivered, program: "promo"), at: SourceLocation(file: "e.csv"))
        }
        acc.add(RecipientEvent(time: mon + 7 * 3600, campaign: "s5", recipient: "x@gmail.com", type: .complaint, program: "promo"), at: SourceLocation(file: "e.csv"))
        let report = try ReportBuilder.build(config: config(), rows: [], evidence: acc)
        let insights = try #require(report.insights)
        #expect(insights.frequency[4].recipientWeeks == 2)   // the 5+ bucket
        #expect(insights.frequency[4].delivered == 12)
        #expect(insights.overThreshold.recipientWeeks == 2)
        #expect(insights.overThreshold.complaints == 1)
        let alert = try #require(report.alerts.first { $0.kind == .frequency })
        #expect(alert.baseline == 2)
        #expect(alert.program == "")
    }
}
