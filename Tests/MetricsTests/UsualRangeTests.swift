import Foundation
import Testing
@testable import Metrics
import ReportCore

/// metrics.md, *The usual range*: median and quartiles of the previous weeks with sends, and a send's rank.
@Suite struct UsualRangeTests {
    /// Five previous weeks, sorted 20, 22, 25, 28, 30 %: median the 3rd value (25 %), quartiles at positions
    /// 0.25 × 4 = 1 and 0.75 × 4 = 3 of the sorted list (22 % and 28 %). Six values 1…6: quartiles at 1.25 and
    /// 3.75 → 2.25 and 4.75, median 3.5 (linear interpolation, as spreadsheets do).
    @Test func quartilesByLinearInterpolation() throws {
        let five = try #require(UsualRange([0.20, 0.30, 0.25, 0.22, 0.28]))
        #expect(five.median == 0.25)
        #expect(five.lower == 0.22)
        #expect(five.upper == 0.28)
        #expect(five.weeks == 5)
        let six = try #require(UsualRange([1, 2, 3, 4, 5, 6]))
        #expect(six.median == 3.5)
        #expect(six.lower == 2.25)
        #expect(six.upper == 4.75)
        #expect(six.position(of: 5) == .above)
        #expect(six.position(of: 2.25) == .within)
    }

    @Test func fewerThanFourPreviousWeeksHaveNoUsualRange() {
        #expect(UsualRange([0.2, 0.3, 0.25]) == nil)
        #expect(UsualRange([0.2, 0.3, 0.25, 0.4]) != nil)
    }

    /// Fourteen previous weeks 1…14: only the last 12 (3…14) count, median 8.5.
    @Test func onlyTheLastTwelveWeeksCount() throws {
        let r = try #require(UsualRange((1...14).map(Double.init)))
        #expect(r.weeks == 12)
        #expect(r.median == 8.5)
    }

    /// Through the builder: weekly sends with human open rates 20, 30, 25, 22, 28 % then 40 %. The sixth week's
    /// usual range is the five before it (22–28 %, median 25 %) and its rate lies above; a week without sends
    /// in between adds nothing. The fifth week has 4 previous weeks; the fourth has too few.
    @Test func eachProgramWeekIsReadAgainstThePreviousWeeks() throws {
        let rates = [200, 300, 250, 220, 280, 400]
        var rows: [CampaignRow] = []
        for (i, opens) in rates.enumerated() {
            let day = i < 3 ? 7 * i : 7 * (i + 1)  // a week without sends after the third
            rows.append(row("s\(i)", at: iso("2026-09-01T09:00:00Z", plusDays: day), counts(sent: 1000, delivered: 1000, opens: opens, machine: 0, clicks: 10)))
        }
        let program = try #require(try build(rows).program("newsletter"))
        let last = try #require(program.series.last)
        let usual = try #require(last.usual[.humanOpenRate])
        #expect(usual.weeks == 5)
        #expect(abs(usual.median - 0.25) < 1e-12)
        #expect(abs(usual.lower - 0.22) < 1e-12)
        #expect(abs(usual.upper - 0.28) < 1e-12)
        #expect(usual.position(of: 0.4) == .above)
        let withSends = program.series.filter(\.hasSends)
        #expect(withSends[4].usual[.humanOpenRate]?.weeks == 4)
        #expect(withSends[3].usual[.humanOpenRate] == nil)
    }

    /// Ranks among the send and its program's previous sends: 40 % is the best of six; 22 % among 20, 30, 25 and
    /// itself has two better (30, 25): 3rd of 4.
    @Test func aSendsRankAmongItsProgramsLastTwelve() throws {
        let rates = [200, 300, 250, 220, 280, 400]
        let rows = rates.enumerated().map { i, opens in
            row("s\(i)", at: iso("2026-09-01T09:00:00Z", plusDays: 7 * i), counts(sent: 1000, delivered: 1000, opens: opens, machine: 0, clicks: 10, unsubs: i))
        }
        let report = try build(rows)
        #expect(report.rank(of: try #require(report.send("s5")), by: .humanOpenRate) == SendRank(rank: 1, of: 6))
        #expect(report.rank(of: try #require(report.send("s3")), by: .humanOpenRate) == SendRank(rank: 3, of: 4))
        // Lower is better for unsubscribes: s5 has the most (5 of 1,000), the 6th of 6.
        #expect(report.rank(of: try #require(report.send("s5")), by: .unsubscribeRate) == SendRank(rank: 6, of: 6))
        #expect(report.rank(of: try #require(report.send("s0")), by: .humanOpenRate) == nil)
    }
}
