import Foundation
import Testing
@testable import Metrics

/// metrics.md, *How sure a figure is*: Wilson intervals, the difference of two rates, too few to judge, and the
/// probability that one rate is higher.
@Suite struct IntervalTests {
    func close(_ a: Double?, _ b: Double, _ tolerance: Double = 5e-5) -> Bool { a.map { abs($0 - b) <= tolerance } ?? false }

    /// Newcombe (1998), "Two-sided confidence intervals for the single proportion", table I, method 3 (Wilson
    /// score without continuity correction): 81/263 → 0.2553–0.3662, 15/148 → 0.0624–0.1605,
    /// 0/20 → 0–0.1611, 1/29 → 0.0061–0.1718.
    @Test(arguments: [
        (81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718),
    ] as [(Int, Int, Double, Double)])
    func wilsonAgainstNewcombesTable(x: Int, n: Int, low: Double, high: Double) throws {
        let i = try #require(Ratio(x, n).interval)
        #expect(close(i.low, low))
        #expect(close(i.high, high))
    }

    /// 0 of n: the low end is 0 and the high end z²/(n + z²) = 3.8415/13.8415 = 0.27753 for n = 10; n of n is
    /// its mirror. A plain normal interval would give 0–0 and 1–1 here.
    @Test func wilsonAtTheEdges() throws {
        let none = try #require(Ratio(0, 10).interval)
        #expect(none.low == 0)
        #expect(close(none.high, 3.841459 / 13.841459, 1e-6))
        let all = try #require(Ratio(10, 10).interval)
        #expect(all.high == 1)
        #expect(close(all.low, 10 / 13.841459, 1e-6))
        #expect(Ratio(0, 0).interval == nil)
        #expect(Ratio(12, 10).interval == nil)  // clicks over human opens can exceed 1: no interval
    }

    /// The example: 0.12 % from 4,000 and from 400,000 messages are different facts.
    /// 5 / 4,000 = 0.125 %, interval 0.053–0.292 % (width 0.239 pp > 0.125 %): too few to judge.
    /// 480 / 400,000 = 0.120 %, interval 0.110–0.131 % (width 0.021 pp): judged.
    @Test func tooFewToJudgeByTheIntervalsWidth() throws {
        let small = Ratio(5, 4000), large = Ratio(480, 400_000)
        #expect(close(small.interval?.low, 0.000534, 1e-6))
        #expect(close(small.interval?.high, 0.002923, 1e-6))
        #expect(small.isTooFewToJudge)
        #expect(close(large.interval?.low, 0.0010974, 1e-7))
        #expect(close(large.interval?.high, 0.0013122, 1e-7))
        #expect(!large.isTooFewToJudge)
        // A zero rate is judged by its upper end against the 0.1 % floor: 3.8415 / (n + 3.8415) ≤ 0.001 from
        // n = 3,838.
        #expect(Ratio(0, 3_837).isTooFewToJudge)
        #expect(!Ratio(0, 3_839).isTooFewToJudge)
        // Opens: 20 % of 1,000 (interval 17.6–22.6 %) is judged; 20 % of 50 (11.2–33.0 %) is not.
        #expect(!Ratio(200, 1000).isTooFewToJudge)
        #expect(Ratio(10, 50).isTooFewToJudge)
        #expect(!Ratio(0, 0).isTooFewToJudge)  // unknown, not "too few"
    }

    /// Newcombe (1998), "Interval estimation for the difference between independent proportions", table II,
    /// method 10 (hybrid score): example (a) 56/70 − 48/80 = 0.2000, 0.0524 to 0.3339; example (b)
    /// 9/10 − 3/10 = 0.6, 0.1705 to 0.8090. And 10/10 − 0/20 by hand: Wilson 0.72247–1 and 0–0.16113, so the
    /// low end is 1 − √(0.27753² + 0.16113²) = 0.67909 and the high end 1.
    @Test func differenceOfTwoRatesByNewcombesHybridScore() throws {
        let d = try #require(Ratio(56, 70).difference(from: Ratio(48, 80)))
        #expect(close(d.value, 0.2, 1e-12))
        #expect(close(d.interval.low, 0.0524))
        #expect(close(d.interval.high, 0.3339))
        #expect(d.interval.excludesZero)
        let b = try #require(Ratio(9, 10).difference(from: Ratio(3, 10)))
        #expect(close(b.interval.low, 0.1705))
        #expect(close(b.interval.high, 0.8090))
        let edge = try #require(Ratio(10, 10).difference(from: Ratio(0, 20)))
        #expect(close(edge.interval.low, 0.67909))
        #expect(close(edge.interval.high, 1.0, 1e-9))
        // 9/40 − 6/40: 0.075 but the interval spans zero — not a change.
        let noise = try #require(Ratio(9, 40).difference(from: Ratio(6, 40)))
        #expect(!noise.interval.excludesZero)
    }

    /// P(X > Y) for X ~ Beta(2, 1) (1 of 1) and Y ~ Beta(1, 2) (0 of 1), by hand: ∫ 2x · (2x − x²) dx over 0…1
    /// = 4/3 − 1/2 = 5/6.
    @Test func probabilityHigherWorkedByHand() throws {
        #expect(close(Ratio(1, 1).probabilityHigher(than: Ratio(0, 1)), 5.0 / 6.0, 1e-12))
        #expect(close(Ratio(0, 1).probabilityHigher(than: Ratio(1, 1)), 1.0 / 6.0, 1e-12))
        #expect(close(Ratio(30, 100).probabilityHigher(than: Ratio(30, 100)), 0.5, 1e-9))
    }

    /// Against an independent numerical integral: P(X > Y) = ∫ f_X(x) · F_Y(x) dx, with both Beta densities
    /// evaluated on a fine grid and F_Y summed up by the trapezoid rule.
    @Test(arguments: [(36, 200, 24, 200), (240, 1000, 210, 1000), (3, 50, 9, 60)] as [(Int, Int, Int, Int)])
    func probabilityHigherAgainstNumericalIntegration(x: Int, n: Int, y: Int, m: Int) throws {
        func density(_ s: Int, _ f: Int) -> (Double) -> Double {
            let a = Double(s + 1), b = Double(f + 1)
            let logNorm = lgamma(a + b) - lgamma(a) - lgamma(b)
            return { t in t <= 0 || t >= 1 ? 0 : exp(logNorm + (a - 1) * log(t) + (b - 1) * log(1 - t)) }
        }
        let fX = density(x, n - x), fY = density(y, m - y)
        let steps = 200_000
        let h = 1.0 / Double(steps)
        var cdfY = 0.0, total = 0.0, previousY = fY(0), previousTerm = 0.0
        for k in 1...steps {
            let t = Double(k) * h
            let yt = fY(t)
            cdfY += (previousY + yt) / 2 * h
            previousY = yt
            let term = fX(t) * cdfY
            total += (previousTerm + term) / 2 * h
            previousTerm = term
        }
        let exact = try #require(Ratio(x, n).probabilityHigher(than: Ratio(y, m)))
        #expect(abs(exact - total) < 1e-4, "exact \(exact), integral \(total)")
    }

    /// Clicks per recipient: two cohorts of 4 with clicks (0, 1, 2, 1) and (0, 0, 1, 1). Means 1.0 and 0.5,
    /// variances 2/3 and 1/3, standard error √(2/3/4 + 1/3/4) = 0.5: difference 0.5 ± 1.96 × 0.5.
    @Test func differenceOfMeans() throws {
        let a = MeanCount(n: 4, sum: 4, sumOfSquares: 6), b = MeanCount(n: 4, sum: 2, sumOfSquares: 2)
        let d = try #require(a.difference(from: b))
        #expect(close(d.value, 0.5, 1e-12))
        #expect(close(d.interval.low, 0.5 - Confidence.z * 0.5, 1e-12))
        #expect(close(d.interval.high, 0.5 + Confidence.z * 0.5, 1e-12))
        #expect(MeanCount(n: 1, sum: 1, sumOfSquares: 1).difference(from: b) == nil)
    }
}
