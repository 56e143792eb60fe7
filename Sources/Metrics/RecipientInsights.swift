import Foundation
import ReportCore

/// List-health tiers (`metrics.md`, *List health*). A recipient's tier is the age of their last positive
/// engagement (human open, click, reply, forward) with any of the sender's mail.
public enum Tier: Int, Sendable, CaseIterable {
    case active, warm, cooling, atRisk, inactive, new, suppressed

    public var key: String {
        switch self {
        case .active: return "active"
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
public struct TierBounds: Sendable, Hashable {
    public var active = 30, warm = 90, cooling = 180, atRisk = 365, newDays = 90
    public init() {}

    /// The tier at instant `now` of a recipient first delivered at `firstDelivered`, last engaged at
    /// `lastEngaged` (nil: never), suppressed from `suppressed` (nil: never).
    public func tier(now: Double, firstDelivered: Double, lastEngaged: Double?, suppressed: Double?) -> Tier {
        if let suppressed, suppressed < now { return .suppressed }
        guard let lastEngaged else {
            return now - firstDelivered > Double(newDays) * 86400 ? .inactive : .new
        }
        let age = Int(((now - lastEngaged) / 86400).rounded(.down))
        if age <= active { return .active }
        if age <= warm { return .warm }
        if age <= cooling { return .cooling }
        if age <= atRisk { return .atRisk }
        return .inactive
    }
}

/// Messages a tier received, and what they cost.
public struct TierMessages: Sendable, Hashable {
    public var delivered = 0
    public var unsubscribes = 0
    public var complaints = 0
    public var unsubscribeRate: Double? { delivered > 0 ? Double(unsubscribes) / Double(delivered) : nil }
    public var complaintRate: Double? { delivered > 0 ? Double(complaints) / Double(delivered) : nil }
}

/// Tier counts at the end of each week, and the messages each tier received over the whole range.
public struct TierSeries: Sendable {
    public var weeks: [ISOWeek]
    /// counts[week][tier]
    public var counts: [[Int]]
    public var messages: [TierMessages]

    public func count(_ tier: Tier, week i: Int) -> Int { counts[i][tier.rawValue] }

    /// Inactive recipients as a share of the list that may still be mailed (everyone but the suppressed).
    public func inactiveShare(week i: Int) -> Double? {
        let mailable = counts[i].enumerated().filter { $0.offset != Tier.suppressed.rawValue }.map(\.element).reduce(0, +)
        return mailable > 0 ? Double(counts[i][Tier.inactive.rawValue]) / Double(mailable) : nil
    }
}

/// One bucket of weekly mail pressure (`metrics.md`, *Send frequency*).
public struct FrequencyBucket: Sendable, Hashable {
    /// 1 … 5 (5 means 5 or more).
    public var messagesPerWeek: Int
    public var recipientWeeks = 0
    public var delivered = 0
    public var unsubscribes = 0
    public var complaints = 0
    public var unsubscribeRate: Double? { delivered > 0 ? Double(unsubscribes) / Double(delivered) : nil }
    public var complaintRate: Double? { delivered > 0 ? Double(complaints) / Double(delivered) : nil }
}

/// What one send's recipient events show beyond its counts.
public struct SendDetail: Sendable {
    public var providers: [MailboxProvider: SendCounts] = [:]
    /// Recipients whose first human open / first click came in hour 0 … 71 after the send.
    public var opensByHour = [Int](repeating: 0, count: 72)
    public var clicksByHour = [Int](repeating: 0, count: 72)
    /// Links by recipients who clicked them, most first. URLs without query or fragment, which may
    /// carry personal data.
    public var topLinks: [(url: String, clickers: Int)] = []
}

/// Everything that needs recipient-level events.
public struct RecipientInsights: Sendable {
    public var sender: TierSeries
    public var programs: [String: TierSeries]
    public var frequency: [FrequencyBucket]
    /// Recipient-weeks above the messages-per-week threshold, with what their messages cost.
    public var overThreshold: FrequencyBucket
    public var sends: [String: SendDetail]
}

extension EventAccumulator {
    /// Tiers, frequency and per-send details, given what the report knows of each send.
    func insights(sends: [Send], weeks: [ISOWeek], calendar: WeekCalendar, bounds: TierBounds, frequencyThreshold: Int) -> RecipientInsights {
        let R = recipients.count
        let programs = Array(Set(sends.map(\.program))).sorted()
        let programIndex = Dictionary(uniqueKeysWithValues: programs.enumerated().map { ($1, $0) })
        let weekIndex = Dictionary(uniqueKeysWithValues: weeks.enumerated().map { ($1, $0) })
        let weekEnds = weeks.map { calendar.end(of: $0).timeIntervalSince1970 }
        let sendByID = Dictionary(sends.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        // Per campaign id: send time, program and week index (-1 where the report has no such send). Flat
        // arrays, so the walk over millions of pairs copies no `Send`.
        var sendTime = [Double](repeating: 0, count: campaigns.count)
        var sendProgram = [Int](repeating: -1, count: campaigns.count)
        var sendWeek = [Int](repeating: -1, count: campaigns.count)
        for (ci, c) in campaigns.enumerated() {
            guard let s = sendByID[c.id], let p = programIndex[s.program], let w = weekIndex[s.week] else { continue }
            sendTime[ci] = s.sentAt.timeIntervalSince1970
            sendProgram[ci] = p
            sendWeek[ci] = w
        }
        let hasDelivered = campaigns.map { $0.typesSeen & (1 << EventType.delivered.rawValue) != 0 }

        // Engagement hours per recipient, sorted (CSR).
        var dayCount = [Int32](repeating: 0, count: R + 1)
        engagementDays.forEach { dayCount[Int($0 >> 32) + 1] += 1 }
        for i in 0..<R { dayCount[i + 1] += dayCount[i] }
        var fill = dayCount
        var days = [UInt32](repeating: 0, count: engagementDays.count)
        engagementDays.forEach { v in
            let r = Int(v >> 32)
            days[Int(fill[r])] = UInt32(v & 0xFFFF_FFFF)
            fill[r] += 1
        }
        for r in 0..<R where dayCount[r + 1] - dayCount[r] > 1 {
            days[Int(dayCount[r])..<Int(dayCount[r + 1])].sort()
        }
        /// The last engagement in an hour that ended before `t` (engagement is kept by the hour).
        func lastEngaged(_ r: Int, before t: Double) -> Double? {
            var lo = Int(dayCount[r]), hi = Int(dayCount[r + 1])
            while lo < hi {
                let mid = (lo + hi) / 2
                if Double(days[mid] + 1) * 3600 <= t { lo = mid + 1 } else { hi = mid }
            }
            return lo > Int(dayCount[r]) ? Double(days[lo - 1]) * 3600 : nil
        }

        // First delivery per recipient (sender-wide and per program), suppression per recipient.
        let P = programs.count
        var firstDelivered = [Double](repeating: .infinity, count: R)
        var firstDeliveredIn = [Double](repeating: .infinity, count: R * max(P, 1))
        var suppressedAt = [Double](repeating: .infinity, count: R)
        var perWeek = [UInt8](repeating: 0, count: R * max(weeks.count, 1))
        pairs.forEach { c, r, s in
            let f = Flags(rawValue: s.flags)
            let ri = Int(r)
            if s.hardBounce != 0 { suppressedAt[ri] = min(suppressedAt[ri], Double(s.hardBounce)) }
            if s.unsubscribe != 0 { suppressedAt[ri] = min(suppressedAt[ri], Double(s.unsubscribe)) }
            if s.complaint != 0 { suppressedAt[ri] = min(suppressedAt[ri], Double(s.complaint)) }
            let p = sendProgram[Int(c)], w = sendWeek[Int(c)]
            guard p >= 0 else { return }
            let delivered = hasDelivered[Int(c)] ? f.contains(.delivered) : (f.contains(.sent) && f.isDisjoint(with: [.hardBounce, .softBounce]))
            guard delivered else { return }
            let t = sendTime[Int(c)]
            firstDelivered[ri] = min(firstDelivered[ri], t)
            firstDeliveredIn[ri * P + p] = min(firstDeliveredIn[ri * P + p], t)
            let k = w * R + ri
            if perWeek[k] < 255 { perWeek[k] += 1 }
        }

        // Tier counts at the end of each week.
        var senderCounts = [[Int]](repeating: [Int](repeating: 0, count: Tier.allCases.count), count: weeks.count)
        var programCounts = [[[Int]]](repeating: senderCounts, count: P)
        func countTiers() {
        for r in 0..<R where firstDelivered[r].isFinite {
            var pointer = Int(dayCount[r])
            let end = Int(dayCount[r + 1])
            for (w, weekEnd) in weekEnds.enumerated() where firstDelivered[r] < weekEnd {
                while pointer < end && Double(days[pointer] + 1) * 3600 <= weekEnd { pointer += 1 }
                let last = pointer > Int(dayCount[r]) ? Double(days[pointer - 1]) * 3600 : nil
                let sup = suppressedAt[r].isFinite ? suppressedAt[r] : nil
                let tier = bounds.tier(now: weekEnd, firstDelivered: firstDelivered[r], lastEngaged: last, suppressed: sup)
                senderCounts[w][tier.rawValue] += 1
                for p in 0..<P where firstDeliveredIn[r * P + p] < weekEnd {
                    // Only a never-engaged recipient's tier (new or inactive) depends on when the program first
                    // reached them; otherwise it is the sender-wide tier.
                    let tierHere = (last == nil && tier != .suppressed)
                        ? bounds.tier(now: weekEnd, firstDelivered: firstDeliveredIn[r * P + p], lastEngaged: nil, suppressed: nil)
                        : tier
                    programCounts[p][w][tierHere.rawValue] += 1
                }
            }
        }
        }

        // Messages by the tier their recipient was in when the send went out; frequency buckets; details.
        var senderMessages = [TierMessages](repeating: TierMessages(), count: Tier.allCases.count)
        var programMessages = [[TierMessages]](repeating: senderMessages, count: P)
        var buckets = (1...5).map { FrequencyBucket(messagesPerWeek: $0) }
        var over = FrequencyBucket(messagesPerWeek: frequencyThreshold + 1)
        var details = [SendDetail](repeating: SendDetail(), count: campaigns.count)
        let providerKinds = MailboxProvider.allCases.count
        var providerCounts = [Int](repeating: 0, count: campaigns.count * providerKinds * ProviderTally.width)
        func countMessages() { pairs.forEach { c, r, s in
            let p = sendProgram[Int(c)], w = sendWeek[Int(c)]
            guard p >= 0 else { return }
            let f = Flags(rawValue: s.flags)
            let ri = Int(r)
            ProviderTally.add(f, hasDelivered: hasDelivered[Int(c)], into: &providerCounts,
                              at: (Int(c) * providerKinds + Int(providers[ri])) * ProviderTally.width)
            let t0 = sendTime[Int(c)]
            if s.firstHumanOpen != 0 {
                let h = Int((Double(s.firstHumanOpen) - t0) / 3600)
                if h >= 0 && h < 72 { details[Int(c)].opensByHour[h] += 1 }
            }
            if s.firstClick != 0 {
                let h = Int((Double(s.firstClick) - t0) / 3600)
                if h >= 0 && h < 72 { details[Int(c)].clicksByHour[h] += 1 }
            }
            let delivered = hasDelivered[Int(c)] ? f.contains(.delivered) : (f.contains(.sent) && f.isDisjoint(with: [.hardBounce, .softBounce]))
            guard delivered else { return }
            let last = lastEngaged(ri, before: t0)
            let sup = suppressedAt[ri] < t0 ? suppressedAt[ri] : nil
            let tier = bounds.tier(now: t0, firstDelivered: min(firstDelivered[ri], t0), lastEngaged: last, suppressed: sup).rawValue
            let tierInProgram = bounds.tier(now: t0, firstDelivered: min(firstDeliveredIn[ri * P + p], t0), lastEngaged: last, suppressed: sup).rawValue
            let unsub = f.contains(.unsubscribe) ? 1 : 0, complaint = f.contains(.complaint) ? 1 : 0
            senderMessages[tier].delivered += 1
            senderMessages[tier].unsubscribes += unsub
            senderMessages[tier].complaints += complaint
            programMessages[p][tierInProgram].delivered += 1
            programMessages[p][tierInProgram].unsubscribes += unsub
            programMessages[p][tierInProgram].complaints += complaint
            let n = Int(perWeek[w * R + ri])
            let b = min(n, 5) - 1
            buckets[b].delivered += 1
            buckets[b].unsubscribes += unsub
            buckets[b].complaints += complaint
            if n > frequencyThreshold {
                over.delivered += 1
                over.unsubscribes += unsub
                over.complaints += complaint
            }
        } }
        // The two walks only read what the first pass built and write their own results: run them side by side.
        let work = Unchecked([countTiers, countMessages])
        DispatchQueue.concurrentPerform(iterations: 2) { i in work.value[i]() }

        for (k, n) in perWeek.enumerated() where n > 0 {
            buckets[min(Int(n), 5) - 1].recipientWeeks += 1
            if Int(n) > frequencyThreshold { over.recipientWeeks += 1 }
            _ = k
        }

        // Top links by recipients who clicked, per send.
        var clickers = [Int](repeating: 0, count: urls.count)
        clickedLinks.forEach { clickers[Int($0 >> 32)] += 1 }
        var linksBySend: [Int32: [String: Int]] = [:]
        for u in 0..<urls.count where clickers[u] > 0 {
            let shown = Self.displayURL(urls.string(Int32(u)))
            linksBySend[urlCampaign[u], default: [:]][shown, default: 0] += clickers[u]
        }
        for (c, links) in linksBySend {
            details[Int(c)].topLinks = links.map { ($0.key, $0.value) }.sorted { ($1.1, $0.0) < ($0.1, $1.0) }.prefix(10).map { ($0.0, $0.1) }
        }

        for ci in campaigns.indices where sendProgram[ci] >= 0 {
            for p in MailboxProvider.allCases {
                let base = (ci * providerKinds + p.rawValue) * ProviderTally.width
                if providerCounts[base] > 0 {
                    details[ci].providers[p] = ProviderTally.counts(providerCounts, at: base, machineSignal: campaigns[ci].hasMachineSignal)
                }
            }
        }
        var byID: [String: SendDetail] = [:]
        for (ci, c) in campaigns.enumerated() where sendProgram[ci] >= 0 { byID[c.id] = details[ci] }
        var programSeries: [String: TierSeries] = [:]
        for (p, slug) in programs.enumerated() {
            programSeries[slug] = TierSeries(weeks: weeks, counts: programCounts[p], messages: programMessages[p])
        }
        return RecipientInsights(
            sender: TierSeries(weeks: weeks, counts: senderCounts, messages: senderMessages),
            programs: programSeries, frequency: buckets, overThreshold: over, sends: byID)
    }

    /// A link as the site may show it: scheme, host and path only. Query strings and fragments often carry
    /// tracking tokens or the recipient's address, which never go into the site.
    static func displayURL(_ url: String) -> String {
        var s = Substring(url)
        if let i = s.firstIndex(where: { $0 == "?" || $0 == "#" }) { s = s[..<i] }
        return s.contains("@") ? "(link with personal data)" : String(s)
    }
}

/// Per-provider counts of a send as a flat row of integers while the pairs are walked.
enum ProviderTally {
    static let width = 10

    @inline(__always)
    static func add(_ f: EventAccumulator.Flags, hasDelivered: Bool, into a: inout [Int], at i: Int) {
        let bounced = !f.isDisjoint(with: [.hardBounce, .softBounce])
        let sent = !f.contains(.dropped) && !f.isDisjoint(with: [.sent, .delivered, .hardBounce, .softBounce])
        if sent { a[i] += 1 }
        if hasDelivered ? f.contains(.delivered) : (f.contains(.sent) && !bounced && !f.contains(.dropped)) { a[i + 1] += 1 }
        if f.contains(.hardBounce) { a[i + 2] += 1 }
        if f.contains(.softBounce) && !f.contains(.hardBounce) { a[i + 3] += 1 }
        if !f.isDisjoint(with: .anyOpen) { a[i + 4] += 1 }
        if f.contains(.machineOpen) && f.isDisjoint(with: [.humanOpen, .unknownOpen]) { a[i + 5] += 1 }
        if f.contains(.click) { a[i + 6] += 1 }
        if f.contains(.unsubscribe) { a[i + 7] += 1 }
        if f.contains(.complaint) { a[i + 8] += 1 }
        if !f.isDisjoint(with: .positive) { a[i + 9] += 1 }
    }

    static func counts(_ a: [Int], at i: Int, machineSignal: Bool) -> SendCounts {
        SendCounts(
            sent: a[i], delivered: a[i + 1], hardBounces: a[i + 2], softBounces: a[i + 3], uniqueOpens: a[i + 4],
            machineOpens: machineSignal ? a[i + 5] : nil, uniqueClicks: a[i + 6], unsubscribes: a[i + 7],
            complaints: a[i + 8], positiveRecipients: a[i + 9])
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
