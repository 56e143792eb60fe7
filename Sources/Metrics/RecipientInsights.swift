import Foundation
import CPrefetch
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
    /// Tiers, frequency and per-send details, given what the report knows of each send. Each shard walks its
    /// own recipients (side by side); the parts are then added up.
    func insights(sends: [Send], weeks: [ISOWeek], calendar: WeekCalendar, bounds: TierBounds, frequencyThreshold: Int) -> RecipientInsights {
        let index = campaignIndex()
        let G = index.campaigns.count
        let programs = Array(Set(sends.map(\.program))).sorted()
        let programIndex = Dictionary(uniqueKeysWithValues: programs.enumerated().map { ($1, $0) })
        let weekIndex = Dictionary(uniqueKeysWithValues: weeks.enumerated().map { ($1, $0) })
        let sendByID = Dictionary(sends.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        // Per send (all shards' index): send time, program and week index (-1 where the report has no such
        // send). Flat arrays, so the walk over millions of pairs copies no `Send`.
        var plan = InsightsPlan(
            weekEnds: weeks.map { calendar.end(of: $0).timeIntervalSince1970 }, programs: programs.count,
            sendTime: [Double](repeating: 0, count: G), sendProgram: [Int](repeating: -1, count: G),
            sendWeek: [Int](repeating: -1, count: G),
            hasDelivered: index.campaigns.map(\.hasDeliveredEvents),
            bounds: bounds, frequencyThreshold: frequencyThreshold)
        for (g, c) in index.campaigns.enumerated() {
            guard let s = sendByID[c.id], let p = programIndex[s.program], let w = weekIndex[s.week] else { continue }
            plan.sendTime[g] = s.sentAt.timeIntervalSince1970
            plan.sendProgram[g] = p
            plan.sendWeek[g] = w
        }
        var total = InsightsPart(plan: plan, campaigns: G)
        for part in perShard({ i, shard in shard.insights(plan: plan, global: index.global[i], campaigns: G) }) {
            total.add(part)
        }

        var details = [SendDetail](repeating: SendDetail(), count: G)
        for g in 0..<G where plan.sendProgram[g] >= 0 {
            details[g].opensByHour = Array(total.opensByHour[(g * 72)..<(g * 72 + 72)])
            details[g].clicksByHour = Array(total.clicksByHour[(g * 72)..<(g * 72 + 72)])
            if let links = total.links[g] {
                details[g].topLinks = links.map { ($0.key, $0.value) }.sorted { ($1.1, $0.0) < ($0.1, $1.0) }.prefix(10).map { ($0.0, $0.1) }
            }
            for p in MailboxProvider.allCases {
                let base = (g * InsightsPart.providerKinds + p.rawValue) * ProviderTally.width
                if total.providerCounts[base] > 0 {
                    details[g].providers[p] = ProviderTally.counts(total.providerCounts, at: base, machineSignal: index.campaigns[g].hasMachineSignal)
                }
            }
        }
        var byID: [String: SendDetail] = [:]
        for (g, c) in index.campaigns.enumerated() where plan.sendProgram[g] >= 0 { byID[c.id] = details[g] }
        var programSeries: [String: TierSeries] = [:]
        for (p, slug) in programs.enumerated() {
            programSeries[slug] = TierSeries(weeks: weeks, counts: total.programCounts[p], messages: total.programMessages[p])
        }
        return RecipientInsights(
            sender: TierSeries(weeks: weeks, counts: total.senderCounts, messages: total.senderMessages),
            programs: programSeries, frequency: total.buckets, overThreshold: total.over, sends: byID)
    }

    /// A link as the site may show it: scheme, host and path only. Query strings and fragments often carry
    /// tracking tokens or the recipient's address, which never go into the site.
    static func displayURL(_ url: String) -> String {
        var s = Substring(url)
        if let i = s.firstIndex(where: { $0 == "?" || $0 == "#" }) { s = s[..<i] }
        return s.contains("@") ? "(link with personal data)" : String(s)
    }
}

/// What every shard needs to know of the report's sends, indexed by the accumulator's send index.
struct InsightsPlan {
    var weekEnds: [Double]
    var programs: Int
    var sendTime: [Double]
    var sendProgram: [Int]
    var sendWeek: [Int]
    var hasDelivered: [Bool]
    var bounds: TierBounds
    var frequencyThreshold: Int
}

/// One shard's tier counts, messages by tier, frequency buckets and per-send details; parts add up.
struct InsightsPart {
    static let providerKinds = MailboxProvider.allCases.count
    var senderCounts: [[Int]]
    var programCounts: [[[Int]]]
    var senderMessages: [TierMessages]
    var programMessages: [[TierMessages]]
    var buckets: [FrequencyBucket]
    var over: FrequencyBucket
    var opensByHour: [Int]
    var clicksByHour: [Int]
    var providerCounts: [Int]
    /// Per send: shown link → recipients who clicked it.
    var links: [Int: [String: Int]] = [:]

    init(plan: InsightsPlan, campaigns G: Int) {
        senderCounts = [[Int]](repeating: [Int](repeating: 0, count: Tier.allCases.count), count: plan.weekEnds.count)
        programCounts = [[[Int]]](repeating: senderCounts, count: plan.programs)
        senderMessages = [TierMessages](repeating: TierMessages(), count: Tier.allCases.count)
        programMessages = [[TierMessages]](repeating: senderMessages, count: plan.programs)
        buckets = (1...5).map { FrequencyBucket(messagesPerWeek: $0) }
        over = FrequencyBucket(messagesPerWeek: plan.frequencyThreshold + 1)
        opensByHour = [Int](repeating: 0, count: G * 72)
        clicksByHour = [Int](repeating: 0, count: G * 72)
        providerCounts = [Int](repeating: 0, count: G * Self.providerKinds * ProviderTally.width)
    }

    mutating func add(_ o: InsightsPart) {
        func sum(_ a: inout [Int], _ b: [Int]) { for i in a.indices { a[i] += b[i] } }
        func sum(_ a: inout [TierMessages], _ b: [TierMessages]) { for i in a.indices { a[i].add(b[i]) } }
        for w in senderCounts.indices { sum(&senderCounts[w], o.senderCounts[w]) }
        for p in programCounts.indices { for w in programCounts[p].indices { sum(&programCounts[p][w], o.programCounts[p][w]) } }
        sum(&senderMessages, o.senderMessages)
        for p in programMessages.indices { sum(&programMessages[p], o.programMessages[p]) }
        for b in buckets.indices { buckets[b].add(o.buckets[b]) }
        over.add(o.over)
        sum(&opensByHour, o.opensByHour)
        sum(&clicksByHour, o.clicksByHour)
        sum(&providerCounts, o.providerCounts)
        for (g, links) in o.links { links.forEach { self.links[g, default: [:]][$0.key, default: 0] += $0.value } }
    }
}

extension TierMessages {
    mutating func add(_ o: TierMessages) {
        delivered += o.delivered
        unsubscribes += o.unsubscribes
        complaints += o.complaints
    }
}

extension FrequencyBucket {
    mutating func add(_ o: FrequencyBucket) {
        recipientWeeks += o.recipientWeeks
        delivered += o.delivered
        unsubscribes += o.unsubscribes
        complaints += o.complaints
    }
}

extension EventShard {
    /// This shard's part of the insights: every recipient here is in no other shard.
    func insights(plan: InsightsPlan, global: [Int], campaigns G: Int) -> InsightsPart {
        var out = InsightsPart(plan: plan, campaigns: G)
        let R = recipients.count
        let P = plan.programs, W = plan.weekEnds.count
        let bounds = plan.bounds, weekEnds = plan.weekEnds
        // Per local send: its place in the plan.
        let sendProgram = global.map { plan.sendProgram[$0] }, sendWeek = global.map { plan.sendWeek[$0] }
        let sendTime = global.map { plan.sendTime[$0] }, hasDelivered = global.map { plan.hasDelivered[$0] }

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
        @inline(__always) func delivered(_ f: Flags, _ c: Int) -> Bool {
            f.delivered(sendHasDeliveredEvents: hasDelivered[c])
        }

        // First delivery per recipient (sender-wide and per program), suppression per recipient.
        // Per recipient, in raw memory so the walks can prefetch the recipient of a message a few messages
        // ahead (messages come in the order first seen, their recipients in no order: each is a cache miss).
        // Frequency: messages per recipient-week, a recipient's weeks side by side.
        let firstDelivered = RawArray<Double>(R, .infinity)
        let firstDeliveredIn = RawArray<Double>(R * max(P, 1), .infinity)
        let suppressedAt = RawArray<Double>(R, .infinity)
        let perWeek = RawArray<UInt8>(R * max(W, 1), 0)
        defer { for a in [firstDelivered, firstDeliveredIn, suppressedAt] { a.free() }; perWeek.free() }
        let PP = max(P, 1), WW = max(W, 1)
        let lookahead: (Int32) -> Void = { r in
            let ri = Int(r)
            inbox_prefetch(firstDelivered.p + ri)
            inbox_prefetch(firstDeliveredIn.p + ri * PP)
            inbox_prefetch(suppressedAt.p + ri)
            inbox_prefetch(perWeek.p + ri * WW)
        }
        pairs.forEach(lookahead: lookahead) { c, r, s in
            let ri = Int(r), ci = Int(c)
            if s.hardBounce != 0 { suppressedAt.p[ri] = min(suppressedAt.p[ri], Double(s.hardBounce)) }
            if s.unsubscribe != 0 { suppressedAt.p[ri] = min(suppressedAt.p[ri], Double(s.unsubscribe)) }
            if s.complaint != 0 { suppressedAt.p[ri] = min(suppressedAt.p[ri], Double(s.complaint)) }
            let p = sendProgram[ci], w = sendWeek[ci]
            guard p >= 0, delivered(Flags(rawValue: s.flags), ci) else { return }
            let t = sendTime[ci]
            firstDelivered.p[ri] = min(firstDelivered.p[ri], t)
            firstDeliveredIn.p[ri * P + p] = min(firstDeliveredIn.p[ri * P + p], t)
            let k = ri * W + w
            if perWeek.p[k] < 255 { perWeek.p[k] += 1 }
        }

        // The walks below count into flat raw arrays (a nested Swift array pays a uniqueness check per
        // increment); they are copied into `out` at the end. Tier counts: [sender + programs][week][tier].
        let T = Tier.allCases.count
        let tierCounts = RawArray<Int>((P + 1) * W * T, 0)
        // Messages by tier: [sender + programs][tier][delivered, unsubscribes, complaints]; buckets 1…5 and
        // over the threshold: [bucket][delivered, unsubscribes, complaints].
        let messages = RawArray<Int>((P + 1) * T * 3, 0)
        let bucketCounts = RawArray<Int>(6 * 3, 0)
        let providerCounts = RawArray<Int>(G * InsightsPart.providerKinds * ProviderTally.width, 0)
        let opens = RawArray<Int>(G * 72, 0), clicks = RawArray<Int>(G * 72, 0)
        defer { for c in [tierCounts, messages, bucketCounts, providerCounts, opens, clicks] { c.free() } }

        // Tier counts at the end of each week.
        for r in 0..<R where firstDelivered.p[r].isFinite {
            var pointer = Int(dayCount[r])
            let end = Int(dayCount[r + 1])
            let sup = suppressedAt.p[r].isFinite ? suppressedAt.p[r] : nil
            for (w, weekEnd) in weekEnds.enumerated() where firstDelivered.p[r] < weekEnd {
                while pointer < end && Double(days[pointer] + 1) * 3600 <= weekEnd { pointer += 1 }
                let last = pointer > Int(dayCount[r]) ? Double(days[pointer - 1]) * 3600 : nil
                let tier = bounds.tier(now: weekEnd, firstDelivered: firstDelivered.p[r], lastEngaged: last, suppressed: sup)
                tierCounts.p[w * T + tier.rawValue] += 1
                for p in 0..<P where firstDeliveredIn.p[r * P + p] < weekEnd {
                    // Only a never-engaged recipient's tier (new or inactive) depends on when the program first
                    // reached them; otherwise it is the sender-wide tier.
                    let tierHere = (last == nil && tier != .suppressed)
                        ? bounds.tier(now: weekEnd, firstDelivered: firstDeliveredIn.p[r * P + p], lastEngaged: nil, suppressed: nil)
                        : tier
                    tierCounts.p[((p + 1) * W + w) * T + tierHere.rawValue] += 1
                }
            }
        }

        // Messages by the tier their recipient was in when the send went out; frequency buckets; details.
        let kinds = InsightsPart.providerKinds
        pairs.forEach(lookahead: { r in
            lookahead(r)
            inbox_prefetch(dayCount.withUnsafeBufferPointer { $0.baseAddress! + Int(r) })
        }) { c, r, s in
            let ci = Int(c)
            let p = sendProgram[ci], w = sendWeek[ci]
            guard p >= 0 else { return }
            let f = Flags(rawValue: s.flags)
            let ri = Int(r), g = global[ci]
            ProviderTally.add(f, hasDelivered: hasDelivered[ci], into: providerCounts.p + (g * kinds + Int(providers[ri])) * ProviderTally.width)
            let t0 = sendTime[ci]
            if s.firstHumanOpen != 0 {
                let h = Int((Double(s.firstHumanOpen) - t0) / 3600)
                if h >= 0 && h < 72 { opens.p[g * 72 + h] += 1 }
            }
            if s.firstClick != 0 {
                let h = Int((Double(s.firstClick) - t0) / 3600)
                if h >= 0 && h < 72 { clicks.p[g * 72 + h] += 1 }
            }
            guard delivered(f, ci) else { return }
            let last = lastEngaged(ri, before: t0)
            let sup = suppressedAt.p[ri] < t0 ? suppressedAt.p[ri] : nil
            let tier = bounds.tier(now: t0, firstDelivered: min(firstDelivered.p[ri], t0), lastEngaged: last, suppressed: sup).rawValue
            let tierInProgram = bounds.tier(now: t0, firstDelivered: min(firstDeliveredIn.p[ri * P + p], t0), lastEngaged: last, suppressed: sup).rawValue
            let unsub = f.contains(.unsubscribe) ? 1 : 0, complaint = f.contains(.complaint) ? 1 : 0
            @inline(__always) func count(_ at: Int) {
                messages.p[at] += 1
                messages.p[at + 1] += unsub
                messages.p[at + 2] += complaint
            }
            count(tier * 3)
            count(((p + 1) * T + tierInProgram) * 3)
            let n = Int(perWeek.p[ri * W + w])
            bucketCounts.p[(min(n, 5) - 1) * 3] += 1
            bucketCounts.p[(min(n, 5) - 1) * 3 + 1] += unsub
            bucketCounts.p[(min(n, 5) - 1) * 3 + 2] += complaint
            if n > plan.frequencyThreshold {
                bucketCounts.p[15] += 1
                bucketCounts.p[16] += unsub
                bucketCounts.p[17] += complaint
            }
        }
        for w in 0..<W {
            for t in 0..<T {
                out.senderCounts[w][t] = tierCounts.p[w * T + t]
                for p in 0..<P { out.programCounts[p][w][t] = tierCounts.p[((p + 1) * W + w) * T + t] }
            }
        }
        func tierMessages(_ at: Int) -> TierMessages {
            var m = TierMessages()
            m.delivered = messages.p[at * 3]
            m.unsubscribes = messages.p[at * 3 + 1]
            m.complaints = messages.p[at * 3 + 2]
            return m
        }
        for t in 0..<T {
            out.senderMessages[t] = tierMessages(t)
            for p in 0..<P { out.programMessages[p][t] = tierMessages((p + 1) * T + t) }
        }
        for b in 0..<5 {
            out.buckets[b].delivered = bucketCounts.p[b * 3]
            out.buckets[b].unsubscribes = bucketCounts.p[b * 3 + 1]
            out.buckets[b].complaints = bucketCounts.p[b * 3 + 2]
        }
        out.over.delivered = bucketCounts.p[15]
        out.over.unsubscribes = bucketCounts.p[16]
        out.over.complaints = bucketCounts.p[17]
        out.providerCounts = providerCounts.array
        out.opensByHour = opens.array
        out.clicksByHour = clicks.array
        for n in UnsafeBufferPointer(start: perWeek.p, count: perWeek.count) where n > 0 {
            out.buckets[min(Int(n), 5) - 1].recipientWeeks += 1
            if Int(n) > plan.frequencyThreshold { out.over.recipientWeeks += 1 }
        }

        // Links by recipients who clicked them, per send.
        var clickers = [Int](repeating: 0, count: urls.count)
        clickedLinks.forEach { clickers[Int($0 >> 32)] += 1 }
        for u in 0..<urls.count where clickers[u] > 0 {
            let g = global[Int(urlCampaign[u])]
            guard plan.sendProgram[g] >= 0 else { continue }
            out.links[g, default: [:]][EventAccumulator.displayURL(urls.string(Int32(u))), default: 0] += clickers[u]
        }
        return out
    }
}

/// Values in raw memory for a hot loop over millions of messages (no uniqueness or bounds checks, and an
/// address to prefetch); freed by the owner.
final class RawArray<T> {
    let p: UnsafeMutablePointer<T>
    let count: Int
    init(_ n: Int, _ value: T) {
        count = n
        p = .allocate(capacity: max(n, 1))
        p.initialize(repeating: value, count: max(n, 1))
    }
    func free() { p.deallocate() }
    var array: [T] { Array(UnsafeBufferPointer(start: p, count: count)) }
}

/// Per-provider counts of a send as a flat row of integers while the pairs are walked.
enum ProviderTally {
    static let width = 10

    @inline(__always)
    static func add(_ f: EventShard.Flags, hasDelivered: Bool, into a: UnsafeMutablePointer<Int>) {
        let i = 0
        let bounced = !f.isDisjoint(with: [.hardBounce, .softBounce])
        let sent = f.wentOut
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
