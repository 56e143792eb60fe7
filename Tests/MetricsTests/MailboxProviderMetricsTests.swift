import Foundation
@testable import Metrics
import ReportCore
import Testing

/// metrics.md, *What the mailbox providers see*: Gmail's spam rate per day and week against Google's lines, the
/// 7-day rule, compliance, SNDS, and the divergence from the sender's own complaint rate.
@Suite struct MailboxProviderMetricsTests {
    static let here = SourceLocation(file: "data/gmail/x.json")

    static func spam(_ days: [(String, Double)], domain: String = "news.example.com") -> [PostmasterValue] {
        days.map { PostmasterValue(domain: domain, day: CalendarDay($0.0)!, metric: "SPAM_RATE", value: $0.1, location: here) }
    }

    /// `n` consecutive days from `start`, each at `rate`.
    static func run(from start: String, days n: Int, rate: Double) -> [(String, Double)] {
        var d = CalendarDay(start)!, out: [(String, Double)] = []
        for _ in 0..<n {
            out.append((d.description, rate))
            d = d.next
        }
        return out
    }

    func mitigation(_ days: [(String, Double)]) -> Mitigation {
        Mitigation.judge(days.map { (CalendarDay($0.0)!, $0.1) })!
    }

    @Test func sevenDaysBelowAfterTheLastCrossingMakeADomainEligible() {
        // 0.31 % on 10-05, then 0.12 % for six days: not yet.
        var days = [("2026-10-05", 0.0031)] + Self.run(from: "2026-10-06", days: 6, rate: 0.0012)
        var m = mitigation(days)
        #expect(m.lastDayAtOrAbove?.description == "2026-10-05")
        #expect(m.daysBelowSince == 6)
        #expect(!m.isEligible)
        #expect(m.eligibleSince == nil)
        // The seventh day below: eligible since that day.
        days.append(("2026-10-12", 0.0009))
        m = mitigation(days)
        #expect(m.daysBelowSince == 7)
        #expect(m.isEligible)
        #expect(m.eligibleSince?.description == "2026-10-12")
    }

    @Test func exactlyThreeTenthsOfAPercentIsACrossing() {
        let m = mitigation(Self.run(from: "2026-10-01", days: 10, rate: 0.0012) + [("2026-10-11", 0.003)])
        #expect(m.lastDayAtOrAbove?.description == "2026-10-11")
        #expect(m.daysBelowSince == 0)
        #expect(!m.isEligible)
    }

    @Test func aDayWithoutDataBreaksTheRun() {
        // Below on 10-06 … 10-08, no data on 10-09, below on 10-10 … 10-14: the run since the crossing is 3.
        let days = [("2026-10-05", 0.004)] + Self.run(from: "2026-10-06", days: 3, rate: 0.001) + Self.run(from: "2026-10-10", days: 5, rate: 0.001)
        let m = mitigation(days)
        #expect(m.daysBelowSince == 3)
        #expect(!m.isEligible)
    }

    @Test func neverAtTheLineIsEligible() {
        let m = mitigation(Self.run(from: "2026-10-01", days: 3, rate: 0.0029))
        #expect(m.lastDayAtOrAbove == nil)
        #expect(m.isEligible)
    }

    @Test func theWeekShowsItsWorstDayAndTheDaysAtEachLine() {
        // W41 of 2026 is 10-05 … 10-11.
        let data = MailboxProviderData(postmaster: Self.spam([
            ("2026-10-05", 0.0004), ("2026-10-06", 0.0011), ("2026-10-07", 0.0035), ("2026-10-08", 0.003), ("2026-10-12", 0.0002),
        ]) + [
            PostmasterValue(domain: "news.example.com", day: CalendarDay("2026-10-05")!, metric: "AUTH_SUCCESS_RATE:dkim", value: 0.99, location: Self.here),
            PostmasterValue(domain: "news.example.com", day: CalendarDay("2026-10-06")!, metric: "AUTH_SUCCESS_RATE:dkim", value: 0.97, location: Self.here),
        ])
        let r = MailboxProviderReport.compute(data)
        let w = try! #require(r.gmail.first?.week(ISOWeek(year: 2026, week: 41)))
        #expect(w.daysWithData == 4)
        #expect(w.worstSpamRate == 0.0035)
        #expect(w.worstDay?.description == "2026-10-07")
        #expect(w.daysAtOrAboveWarning == 3)   // 0.11 %, 0.35 %, 0.30 %
        #expect(w.daysAtOrAboveCritical == 2)  // 0.35 % and exactly 0.30 %
        #expect(abs(w.means["AUTH_SUCCESS_RATE:dkim"]! - 0.98) < 1e-12)
        #expect(r.gmail.first?.week(ISOWeek(year: 2026, week: 42))?.worstSpamRate == 0.0002)
        #expect(r.firstDay?.description == "2026-10-05")
        #expect(r.lastDay?.description == "2026-10-12")
    }

    @Test func alertsAndTheDivergenceFromTheSendersOwnComplaints() {
        let data = MailboxProviderData(
            postmaster: Self.spam([("2026-10-07", 0.0035), ("2026-10-14", 0.0015), ("2026-10-21", 0.0005)]),
            compliance: [
                ComplianceItem(domain: "news.example.com", requirement: "SPF", status: "COMPLIANT", location: Self.here),
                ComplianceItem(domain: "news.example.com", requirement: "HONOR_UNSUBSCRIBE", status: "NEEDS_WORK", location: Self.here),
            ],
            snds: [
                SNDSRow(ip: "192.0.2.10", day: CalendarDay("2026-10-06")!, rcptCommands: 1, dataCommands: 1, messageRecipients: 10,
                        filter: .yellow, complaintRate: nil, trapHits: 2, location: Self.here),
                SNDSRow(ip: "192.0.2.10", day: CalendarDay("2026-10-07")!, rcptCommands: 1, dataCommands: 1, messageRecipients: 10,
                        filter: .red, complaintRate: nil, trapHits: 1, location: Self.here),
                SNDSRow(ip: "192.0.2.10", day: CalendarDay("2026-10-13")!, rcptCommands: 1, dataCommands: 1, messageRecipients: 10,
                        filter: .green, complaintRate: nil, trapHits: 0, location: Self.here),
            ])
        let w41 = ISOWeek(year: 2026, week: 41), w42 = ISOWeek(year: 2026, week: 42)
        // The sender's own complaint rate: 0.05 % in W41 (below 0.1 %: diverges), 0.12 % in W42 (does not).
        let own: [ISOWeek: Double] = [w41: 0.0005, w42: 0.0012]
        let alerts = MailboxProviderReport.compute(data).alerts { own[$0] }
        // W42: Gmail at 0.15 % and the sender's own rate 0.12 %: a spam-rate warning, no divergence.
        let gmail = alerts.filter { $0.kind == .gmailSpamRate }
        #expect(gmail.map(\.week) == [w42])
        #expect(gmail.map(\.severity) == [.warning])
        #expect(gmail.map(\.threshold) == [0.001])
        // W41: Gmail at 0.35 % while the sender's own rate is 0.05 %: the divergence, critical, in its place.
        let divergence = alerts.filter { $0.kind == .gmailDivergence }
        #expect(divergence.count == 1)
        #expect(divergence[0].week == w41)
        #expect(divergence[0].severity == .critical)
        #expect(divergence[0].threshold == 0.003)
        #expect(divergence[0].day?.description == "2026-10-07")
        #expect(divergence[0].value == 0.0035)
        #expect(divergence[0].baseline == 0.0005)
        #expect(alerts.filter { $0.kind == .complianceItem }.map(\.detail) == ["HONOR_UNSUBSCRIBE"])
        let snds = alerts.filter { $0.kind == .sndsFilter }
        #expect(snds.count == 1)  // W42 was all green
        #expect(snds[0].severity == .critical)
        #expect(snds[0].detail == "RED")
        #expect(snds[0].count == 1)
        #expect(snds[0].day?.description == "2026-10-07")
        #expect(alerts.filter { $0.kind == .spamTrapHits }.map(\.count) == [3])
    }
}
