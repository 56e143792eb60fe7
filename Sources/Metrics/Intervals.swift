import Foundation

/// How sure a rate is: 95 % intervals for a rate, for the difference of two rates and for a mean, and the
/// probability that one rate is higher than another (`metrics.md`, *How sure a figure is*). Pure arithmetic on
/// counts; every page, download and alert that shows or decides on certainty calls these.
public struct Interval: Sendable, Hashable, Codable {
    public var low: Double
    public var high: Double

    public init(_ low: Double, _ high: Double) {
        self.low = low
        self.high = high
    }

    public var width: Double { high - low }
    public func contains(_ x: Double) -> Bool { low <= x && x <= high }
    /// The interval lies wholly above or wholly below zero: a difference that is not chance.
    public var excludesZero: Bool { low > 0 || high < 0 }
}

public enum Confidence {
    /// The normal quantile of a two-sided 95 % interval.
    public static let z = 1.959963984540054

    /// A rate is *too few to judge* when its interval is wider than the larger of the rate itself and this
    /// floor: the true rate could then be under about half or over about one and a half times the measured
    /// one. The floor (0.1 %, Google's complaint warning line) lets a rate of zero be judged once its upper
    /// end is that small (about 3,840 messages): 0 complaints of 100,000 is a fact, 0 of 200 is not.
    public static let judgingFloor = 0.001
}

extension Ratio {
    /// The 95 % Wilson score interval (Wilson 1927; Newcombe 1998, method 3). Unlike p ± z·√(p(1−p)/n) it never
    /// leaves 0…1 and stays honest at 0 of n and n of n. Nil when the denominator is 0 or the numerator is
    /// not a part of it (clicks can exceed human opens in click-to-open).
    public var interval: Interval? {
        guard denominator > 0, numerator >= 0, numerator <= denominator else { return nil }
        let n = Double(denominator), p = Double(numerator) / n, z = Confidence.z, z2 = z * z
        let centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        let half = z / (1 + z2 / n) * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        // At 0 of n and n of n one end is exactly the edge; say so rather than leave a rounding crumb.
        return Interval(numerator == 0 ? 0 : max(0, centre - half), numerator == denominator ? 1 : min(1, centre + half))
    }

    /// Too few messages to tell this rate apart from one about half or one and a half times it (see
    /// `Confidence.judgingFloor`). Unknown rates are not "too few": they are unknown.
    public var isTooFewToJudge: Bool {
        guard let value, let i = interval else { return false }
        return i.width > max(value, Confidence.judgingFloor)
    }

    /// The difference `self − other` with its 95 % interval by Newcombe's hybrid score method (Newcombe 1998,
    /// method 10): each rate's Wilson interval, combined. Nil when either rate has no interval.
    public func difference(from other: Ratio) -> Estimate? {
        guard let p1 = value, let p2 = other.value, let a = interval, let b = other.interval else { return nil }
        let d = p1 - p2
        let lowSpan = ((p1 - a.low) * (p1 - a.low) + (b.high - p2) * (b.high - p2)).squareRoot()
        let highSpan = ((a.high - p1) * (a.high - p1) + (p2 - b.low) * (p2 - b.low)).squareRoot()
        return Estimate(value: d, interval: Interval(d - lowSpan, d + highSpan))
    }

    /// The probability that this rate's true value is higher than `other`'s, each rate's posterior a
    /// Beta(1 + successes, 1 + failures) from a uniform prior. Exact, by the finite sum for two Betas with
    /// whole parameters (Evan Miller, "Formulas for Bayesian A/B testing", 2015), summed over the side with
    /// fewer successes. Nil where either rate is unknown.
    public func probabilityHigher(than other: Ratio) -> Double? {
        guard denominator > 0, other.denominator > 0, numerator >= 0, other.numerator >= 0,
              numerator <= denominator, other.numerator <= other.denominator else { return nil }
        let (aB, bB) = (Double(numerator + 1), Double(denominator - numerator + 1))
        let (aA, bA) = (Double(other.numerator + 1), Double(other.denominator - other.numerator + 1))
        // P(X_B > X_A) = Σ_{i=0}^{α_B−1} B(α_A+i, β_A+β_B) / ((β_B+i) · B(1+i, β_B) · B(α_A, β_A)).
        func higher(_ aB: Double, _ bB: Double, than aA: Double, _ bA: Double) -> Double {
            var total = 0.0
            for i in 0..<Int(aB) {
                let x = Double(i)
                total += exp(logBeta(aA + x, bA + bB) - log(bB + x) - logBeta(1 + x, bB) - logBeta(aA, bA))
            }
            return total
        }
        // The sum has α_B terms; P(B > A) = 1 − P(A > B) (ties have probability 0), so take the shorter one.
        let p = aB <= aA ? higher(aB, bB, than: aA, bA) : 1 - higher(aA, bA, than: aB, bB)
        return min(1, max(0, p))
    }
}

/// A figure with its 95 % interval.
public struct Estimate: Sendable, Hashable, Codable {
    public var value: Double
    public var interval: Interval

    public init(value: Double, interval: Interval) {
        self.value = value
        self.interval = interval
    }
}

/// A mean over recipients (clicks per recipient) from its sum and sum of squares.
public struct MeanCount: Sendable, Hashable, Codable {
    public var n = 0
    public var sum = 0
    public var sumOfSquares = 0

    public init(n: Int = 0, sum: Int = 0, sumOfSquares: Int = 0) {
        self.n = n
        self.sum = sum
        self.sumOfSquares = sumOfSquares
    }

    public var mean: Double? { n > 0 ? Double(sum) / Double(n) : nil }

    /// The sample variance (n − 1 in the denominator); nil under two recipients.
    var variance: Double? {
        guard n > 1, let mean else { return nil }
        return max(0, (Double(sumOfSquares) - Double(n) * mean * mean) / Double(n - 1))
    }

    /// `self − other` with a 95 % normal (Welch) interval: with thousands of recipients per cohort the mean's
    /// sampling distribution is normal whatever the counts' shape.
    public func difference(from other: MeanCount) -> Estimate? {
        guard let m1 = mean, let m2 = other.mean, let v1 = variance, let v2 = other.variance else { return nil }
        let se = (v1 / Double(n) + v2 / Double(other.n)).squareRoot()
        let d = m1 - m2
        return Estimate(value: d, interval: Interval(d - Confidence.z * se, d + Confidence.z * se))
    }
}

/// log B(a, b) = lgamma(a) + lgamma(b) − lgamma(a + b).
func logBeta(_ a: Double, _ b: Double) -> Double { lgamma(a) + lgamma(b) - lgamma(a + b) }
