import ReportCore

/// List-health tiers (`metrics.md`, *List health*). A recipient's tier is the age of their last engagement only
/// a person makes (an open the source says was a person's, a click, a reply, a forward) with any of the
/// sender's mail. Opens without a signal are shown apart: *opened, unverified*.
public enum Tier: Int, Sendable, CaseIterable, Codable {
    case active, openedUnverified, warm, cooling, atRisk, inactive, new, suppressed

    public var key: String {
        switch self {
        case .active: return "active"
        case .openedUnverified: return "opened_unverified"
        case .warm: return "warm"
        case .cooling: return "cooling"
        case .atRisk: return "at_risk"
        case .inactive: return "inactive"
        case .new: return "new"
        case .suppressed: return "suppressed"
        }
    }
}

/// Upper bounds (days, inclusive) of active, warm, cooling and at risk; `new` covers never-engaged
/// recipients first delivered at most `newDays` ago.
public struct TierBounds: Sendable, Hashable, Codable {
    public var active = 30, warm = 90, cooling = 180, atRisk = 365, newDays = 90
    public init() {}

    /// The tier at instant `now` of a recipient first delivered at `firstDelivered`, last engaged as a person at
    /// `lastEngaged` (nil: never), who last opened without a signal at `lastUnverifiedOpen`, suppressed from
    /// `suppressed` (nil: never).
    ///
    /// *Opened, unverified*: not active by a person's engagement, but opened within the active window by opens
    /// that may be a privacy proxy's. They would be active if those opens were a person's; they are never
    /// counted as active.
    @inline(__always)
    public func tier(now: Double, firstDelivered: Double, lastEngaged: Double?, lastUnverifiedOpen: Double? = nil,
                     suppressed: Double?) -> Tier {
        if let suppressed, suppressed < now { return .suppressed }
        let verified = engagementTier(now: now, firstDelivered: firstDelivered, lastEngaged: lastEngaged)
        if verified != .active, let u = lastUnverifiedOpen, u > (lastEngaged ?? -.infinity), age(now, u) <= active {
            return .openedUnverified
        }
        return verified
    }

    /// Whole days from `t` to `now`, rounded down (truncation is the same for the usual, non-negative age, and
    /// needs no call to `floor`: the tier walks ask this hundreds of millions of times).
    @inline(__always)
    private func age(_ now: Double, _ t: Double) -> Int {
        let days = (now - t) / 86400
        return days >= 0 ? Int(days) : Int(days.rounded(.down))
    }

    @inline(__always)
    private func engagementTier(now: Double, firstDelivered: Double, lastEngaged: Double?) -> Tier {
        guard let lastEngaged else {
            return now - firstDelivered > Double(newDays) * 86400 ? .inactive : .new
        }
        let age = age(now, lastEngaged)
        if age <= active { return .active }
        if age <= warm { return .warm }
        if age <= cooling { return .cooling }
        if age <= atRisk { return .atRisk }
        return .inactive
    }
}

/// Tier counts at the end of each week, and the messages each tier received over the whole range.
public struct TierSeries: Sendable, Codable {
    public var weeks: [ISOWeek]
    /// counts[week][tier]
    public var counts: [[Int]]
    /// By `Tier.rawValue`: the messages recipients in that tier were delivered when each send went out.
    public var messages: [MessageTally]

    public init(weeks: [ISOWeek], counts: [[Int]], messages: [MessageTally]) {
        self.weeks = weeks
        self.counts = counts
        self.messages = messages
    }

    public func count(_ tier: Tier, week i: Int) -> Int { counts[i][tier.rawValue] }
    public func messages(_ tier: Tier) -> MessageTally { messages[tier.rawValue] }

    /// Recipients with events at the end of week `i` (every tier, the suppressed included).
    public func recipients(week i: Int) -> Int { counts[i].reduce(0, +) }

    /// Inactive recipients as a share of those that may still be mailed (everyone but the suppressed).
    public func inactiveShare(week i: Int) -> Double? {
        let mailable = recipients(week: i) - count(.suppressed, week: i)
        return mailable > 0 ? Double(count(.inactive, week: i)) / Double(mailable) : nil
    }
}

extension ReportConfig {
    /// The tier boundaries of `tiers:` in report.yml over the defaults.
    public var tierBounds: TierBounds {
        var b = TierBounds()
        if let v = tierDays["active"] { b.active = v }
        if let v = tierDays["warm"] { b.warm = v }
        if let v = tierDays["cooling"] { b.cooling = v }
        if let v = tierDays["at_risk"] { b.atRisk = v }
        if let v = tierDays["new"] { b.newDays = v }
        return b
    }
}
