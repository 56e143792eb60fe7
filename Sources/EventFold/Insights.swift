import Foundation
import ReportCore

/// One bucket of weekly mail pressure (`metrics.md`, *Send frequency*).
public struct FrequencyBucket: Sendable, Hashable, Codable {
    /// 1 … 5 (5 means 5 or more).
    public var messagesPerWeek: Int
    public var recipientWeeks = 0
    /// The messages delivered to recipients in a week of this many.
    public var messages = MessageTally()

    public init(messagesPerWeek: Int) { self.messagesPerWeek = messagesPerWeek }

    /// The buckets of 1, 2, 3, 4 and 5 or more messages a week, empty.
    public static func weekly() -> [FrequencyBucket] { (1...5).map { FrequencyBucket(messagesPerWeek: $0) } }

    public var delivered: Int { messages.delivered }
    public var unsubscribes: Int { messages.unsubscribed }
    public var complaints: Int { messages.complained }
    public var unsubscribeRate: Double? { messages.unsubscribeRate }
    public var complaintRate: Double? { messages.complaintRate }
}

/// What one send's recipient events show beyond its counts.
public struct SendDetail: Sendable, Codable {
    public var providers: [MailboxProvider: SendCounts] = [:]
    /// Recipients whose first open (a person's, or one without a signal) / first click came in hour 0 … 71
    /// after the send.
    public var opensByHour = [Int](repeating: 0, count: SendDetail.hours)
    public var clicksByHour = [Int](repeating: 0, count: SendDetail.hours)
    /// Hours after the send that first opens and clicks are counted in.
    public static let hours = 72
    /// Links by recipients who clicked them, most first. URLs without query or fragment, which may
    /// carry personal data.
    public var topLinks: [LinkClicks] = []
    /// Messages that went out more than 48 hours after their recipient had opted out (`OptOutRule`).
    public var sentAfterOptOut = 0

    public init() {}
}

/// One link of a send and the recipients who clicked it.
public struct LinkClicks: Sendable, Hashable, Codable {
    public var url: String
    public var clickers: Int

    public init(url: String, clickers: Int) {
        self.url = url
        self.clickers = clickers
    }
}

/// Gmail's and Yahoo's bulk-sender rule that an opt-out is honoured within two days: Google's "Email sender
/// guidelines" (support.google.com/a/answer/81126, "process unsubscribe requests within 2 days") and Yahoo's
/// "Sender Best Practices" (senders.yahooinc.com/best-practices, "honor unsubscribes within 2 days").
/// An opt-out is an unsubscribe or a complaint from any of the sender's messages; the message's time is its
/// send's. A re-subscription is not in the data, so a recipient who opted in again counts as late: check them.
public enum OptOutRule {
    public static let graceSeconds: Double = 48 * 3600

    /// Sent more than 48 hours after the opt-out (exactly 48 hours is still in time).
    @inline(__always)
    public static func isLate(sentAt: Double, optedOutAt: Double) -> Bool { sentAt - optedOutAt > graceSeconds }
}

/// Bounced or deferred messages of one ISO week (of their send) and mailbox provider, by reason.
public struct BounceReasonCount: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, CaseIterable, Codable {
        /// The message's outcome was a bounce (hard, soft or undetermined).
        case bounce
        /// The message met a temporary failure (a deferral or soft bounce), whatever followed.
        case deferral
    }
    public var week: ISOWeek
    public var provider: MailboxProvider
    public var kind: Kind
    /// nil: the source gave no diagnostic.
    public var reason: BounceReason?
    public var messages: Int

    public init(week: ISOWeek, provider: MailboxProvider, kind: Kind, reason: BounceReason?, messages: Int) {
        self.week = week
        self.provider = provider
        self.kind = kind
        self.reason = reason
        self.messages = messages
    }
}

/// Everything that needs recipient-level events.
public struct RecipientInsights: Sendable, Codable {
    public var sender: TierSeries
    public var programs: [String: TierSeries]
    public var frequency: [FrequencyBucket]
    /// Recipient-weeks above the messages-per-week threshold, with what their messages cost.
    public var overThreshold: FrequencyBucket
    public var sends: [String: SendDetail]
    /// Bounces and deferrals by week, provider and reason; only cells with messages, in week, provider, kind,
    /// reason order.
    public var bounceReasons: [BounceReasonCount] = []

    public init(sender: TierSeries, programs: [String: TierSeries], frequency: [FrequencyBucket], overThreshold: FrequencyBucket,
                sends: [String: SendDetail]) {
        self.sender = sender
        self.programs = programs
        self.frequency = frequency
        self.overThreshold = overThreshold
        self.sends = sends
    }
}

/// What the walks need to know of the report's sends.
public struct InsightsPlan: Sendable {
    /// One of the report's sends with recipient events: when it went out, and its place in `programs` and in
    /// the weeks.
    public struct PlannedSend: Sendable, Hashable {
        public var sentAt: Double
        public var program: Int
        public var week: Int
        public init(sentAt: Double, program: Int, week: Int) {
            self.sentAt = sentAt
            self.program = program
            self.week = week
        }
    }

    public var weeks: [ISOWeek]
    /// The end of each week (Unix seconds).
    public var weekEnds: [Double]
    /// Program slugs, in the order `PlannedSend.program` indexes.
    public var programs: [String]
    public var sends: [String: PlannedSend]
    public var bounds: TierBounds
    public var frequencyThreshold: Int
    /// The ends of the weeks after the last (a handful): the walk counts tiers at them too, for no figure of
    /// this report, so that a later build which folds next week's export onto the cached fold needs to walk
    /// only the recipients the export touches (`InsightsBase`).
    public var aheadWeekEnds: [Double]

    public init(weeks: [ISOWeek], weekEnds: [Double], programs: [String], sends: [String: PlannedSend], bounds: TierBounds,
                frequencyThreshold: Int, aheadWeekEnds: [Double] = []) {
        self.weeks = weeks
        self.weekEnds = weekEnds
        self.aheadWeekEnds = aheadWeekEnds
        self.programs = programs
        self.sends = sends
        self.bounds = bounds
        self.frequencyThreshold = frequencyThreshold
    }
}

extension EventAccumulator {
    /// Tiers, frequency and per-send details. Each shard walks its own recipients (side by side); the parts are
    /// then added up.
    public func insights(plan: InsightsPlan) -> RecipientInsights {
        let index = campaignIndex()
        let G = index.campaigns.count
        // Per send of the accumulator's index: its place in the plan (nil where the report has no such send).
        let planned = index.campaigns.map { plan.sends[$0.id] }
        var layout = InsightsLayout(
            weekEnds: plan.weekEnds + plan.aheadWeekEnds, programs: plan.programs.count, sends: planned,
            evidence: index.campaigns.map(\.evidence), bounds: plan.bounds, frequencyThreshold: plan.frequencyThreshold)
        let parts: [InsightsPart]
        if let base = insightsBase,
           let update = base.update(for: self, index: index, layout: layout, programs: plan.programs, planWeeks: plan.weekEnds) {
            // Only the recipients that files folded onto the cached fold touched are walked (`InsightsBase`).
            layout = update.layout
            parts = perShard { i, shard in update.part(i, shard.only(update.touched[i]).insights(layout, global: index.global[i], campaigns: G)) }
            lastWalk = .touched(recipients: zip(update.touched, shards).reduce(0) { $0 + $1.0.count(of: $1.1.recipients.count) })
        } else {
            parts = perShard { i, shard in shard.insights(layout, global: index.global[i], campaigns: G) }
            lastWalk = .everyRecipient
        }
        insightsBase = InsightsBase(accumulator: self, index: index, layout: layout, programs: plan.programs, parts: parts)
        touched = shards.map { TouchedRecipients(held: $0.recipients.count) }
        touchedBefore = nil
        var total = InsightsPart(layout, campaigns: G)
        for part in parts { total.add(part) }
        let reports = inputReports
        var byID: [String: SendDetail] = [:]
        for (g, c) in index.campaigns.enumerated() where planned[g] != nil {
            var detail = SendDetail()
            detail.opensByHour = total.hours.opens(send: g)
            detail.clicksByHour = total.hours.clicks(send: g)
            if let links = total.links[g] {
                detail.topLinks = links.map { ($0.key, $0.value) }.sorted { ($1.1, $0.0) < ($0.1, $1.0) }.prefix(10).map { LinkClicks(url: $0.0, clickers: $0.1) }
            }
            for p in MailboxProvider.allCases {
                let tally = total.providers.tally(send: g, provider: p)
                if tally.wentOut > 0 { detail.providers[p] = tally.sendCounts(c.evidence, inputReports: reports) }
            }
            detail.sentAfterOptOut = total.optOut[g]
            byID[c.id] = detail
        }
        var programSeries: [String: TierSeries] = [:]
        for (p, slug) in plan.programs.enumerated() {
            programSeries[slug] = total.tiers.series(weeks: plan.weeks, program: p)
        }
        var insights = RecipientInsights(
            sender: total.tiers.series(weeks: plan.weeks, program: nil), programs: programSeries,
            frequency: total.frequency.buckets, overThreshold: total.frequency.over, sends: byID)
        insights.bounceReasons = total.reasons.counts(weeks: plan.weeks)
        return insights
    }

    /// A link as the site may show it: scheme, host and path only. Query strings and fragments often carry
    /// tracking tokens or the recipient's address, which never go into the site.
    public static func displayURL(_ url: String) -> String {
        var s = Substring(url)
        if let i = s.firstIndex(where: { $0 == "?" || $0 == "#" }) { s = s[..<i] }
        return s.contains("@") ? "(link with personal data)" : String(s)
    }
}

/// The plan by the accumulator's send index, for the walks.
struct InsightsLayout {
    var weekEnds: [Double]
    var programs: Int
    var sends: [InsightsPlan.PlannedSend?]
    var evidence: [SendEvidence]
    var bounds: TierBounds
    var frequencyThreshold: Int
}

// MARK: The counters one walk fills

/// Tier counts at each week's end, and the messages each tier was delivered, for the sender and each program.
struct TierCounter {
    let weeks: Int, programs: Int
    /// [sender + programs][week][tier]
    let counts: FlatBuffer<Int>
    /// [sender + programs][tier]
    let messages: FlatBuffer<MessageTally>
    static let tiers = Tier.allCases.count

    init(weeks: Int, programs: Int) {
        self.weeks = weeks
        self.programs = programs
        counts = FlatBuffer(max((programs + 1) * weeks * Self.tiers, 0), 0)
        messages = FlatBuffer((programs + 1) * Self.tiers, MessageTally())
    }

    init(weeks: Int, programs: Int, counts: FlatBuffer<Int>, messages: FlatBuffer<MessageTally>) {
        self.weeks = weeks
        self.programs = programs
        self.counts = counts
        self.messages = messages
    }

    /// Row 0 is the sender, row p + 1 program p.
    @inline(__always) static func row(_ program: Int?) -> Int { program.map { $0 + 1 } ?? 0 }

    @inline(__always)
    func countCell(program: Int?, week: Int, tier: Tier) -> Int { (Self.row(program) * weeks + week) * Self.tiers + tier.rawValue }

    @inline(__always)
    func messageCell(program: Int?, tier: Tier) -> Int { Self.row(program) * Self.tiers + tier.rawValue }

    func add(_ o: TierCounter, _ sign: Sign) {
        counts.add(o.counts, sign)
        messages.add(o.messages, sign)
    }

    func series(weeks ws: [ISOWeek], program: Int?) -> TierSeries {
        // The first `ws.count` weeks: any after them are the weeks ahead (`InsightsPlan.aheadWeekEnds`).
        let counts = (0..<min(ws.count, weeks)).map { w in Tier.allCases.map { self.counts[countCell(program: program, week: w, tier: $0)] } }
        return TierSeries(weeks: ws, counts: counts, messages: Tier.allCases.map { messages[messageCell(program: program, tier: $0)] })
    }
}

/// Tier counts of a walk as runs of weeks: a run of weeks in one tier is two changes of a count, where counting
/// each week's end was one per week (a recipient is in a handful of runs over a year of weeks).
///
/// Runs are found by asking the tier of a week, never by working out when a bound is crossed: while the last
/// engagement and the last unverified open stay the same, each tier holds on one run of weeks at most (the
/// ages only grow; *opened, unverified* starts where *active* ends and cuts the front off the tiers after it;
/// suppressed is the rest), so the end of a run is found by halving the weeks left.
final class TierRuns {
    let weeks: Int, rows: Int
    /// [row][week 0 … weeks][tier]: +1 where a run starts, -1 after its end.
    private let changes: FlatBuffer<Int>

    init(weeks: Int, rows: Int) {
        self.weeks = weeks
        self.rows = rows
        changes = FlatBuffer(rows * (weeks + 1) * TierCounter.tiers, 0)
        found = FlatBuffer(max(weeks, 1), (0, 0, .active))
    }

    /// The runs the last `count` found (start, end, tier), for `countLast`.
    private let found: FlatBuffer<(Int, Int, Tier)>
    private var foundCount = 0

    /// Counts `tier(x)` for each week `x` of `range` in `row` (0: the sender, p + 1: program p). Each tier
    /// must hold on one run of the range at most.
    @inline(__always)
    func count(row: Int, _ range: Range<Int>, _ tier: (Int) -> Tier) {
        foundCount = 0
        var x = range.lowerBound
        while x < range.upperBound {
            let t = tier(x)
            // The first week after x in another tier (none when the last week is in this one: most runs last
            // to the end of their range).
            var lo = x + 1, hi = range.upperBound
            if hi - lo > 1, tier(hi - 1) == t { lo = hi }
            while lo < hi {
                let mid = (lo + hi) / 2
                if tier(mid) == t { lo = mid + 1 } else { hi = mid }
            }
            add(row: row, x..<lo, t)
            found[foundCount] = (x, lo, t)
            foundCount += 1
            x = lo
        }
    }

    /// Counts the runs the last `count` found, from week `from` on, in `row` as well.
    @inline(__always)
    func countLast(row: Int, from: Int) {
        for i in 0..<foundCount {
            let (start, end, t) = found[i]
            if end > from { add(row: row, max(start, from)..<end, t) }
        }
    }

    @inline(__always)
    private func add(row: Int, _ run: Range<Int>, _ t: Tier) {
        changes[(row * (weeks + 1) + run.lowerBound) * TierCounter.tiers + t.rawValue] &+= 1
        changes[(row * (weeks + 1) + run.upperBound) * TierCounter.tiers + t.rawValue] &-= 1
    }

    /// The counts at each week's end, added to `counter`.
    func add(into counter: TierCounter) {
        for row in 0..<rows {
            for t in 0..<TierCounter.tiers {
                var n = 0
                for w in 0..<weeks {
                    n += changes[(row * (weeks + 1) + w) * TierCounter.tiers + t]
                    counter.counts[(row * weeks + w) * TierCounter.tiers + t] += n
                }
            }
        }
    }

    /// The first week whose end is after `t` (`weekEnds.count`: none).
    @inline(__always)
    static func firstWeek(after t: Double, _ weekEnds: [Double]) -> Int { firstWeek(weekEnds, from: 0) { $0 > t } }

    /// The first week from `from` whose end is at or after `t` (`weekEnds.count`: none).
    @inline(__always)
    static func firstWeek(atOrAfter t: Double, _ weekEnds: [Double], from: Int) -> Int { firstWeek(weekEnds, from: from) { $0 >= t } }

    /// The first week from `from` whose end `reached` is true of (false before it, true from it on).
    @inline(__always)
    private static func firstWeek(_ weekEnds: [Double], from: Int, _ reached: (Double) -> Bool) -> Int {
        var lo = from, hi = weekEnds.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if reached(weekEnds[mid]) { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}

/// Messages per recipient per week, in buckets 1…5+ and above the threshold.
struct FrequencyCounter {
    var buckets = FrequencyBucket.weekly()
    var over: FrequencyBucket
    let threshold: Int

    init(threshold: Int) {
        self.threshold = threshold
        over = FrequencyBucket(messagesPerWeek: threshold + 1)
    }

    /// `k` recipient-weeks of `n` messages each (a recipient-week is counted once).
    mutating func countWeeks(messages n: Int, _ k: Int) {
        buckets[min(n, 5) - 1].recipientWeeks += k
        if n > threshold { over.recipientWeeks += k }
    }

    /// One delivered message, in a week that brought its recipient `n` messages.
    @inline(__always)
    mutating func count(_ one: MessageTally, inWeekOf n: Int) {
        buckets[min(n, 5) - 1].messages += one
        if n > threshold { over.messages += one }
    }

    mutating func add(_ o: FrequencyCounter, _ sign: Sign) {
        for b in buckets.indices {
            sign.apply(&buckets[b].recipientWeeks, o.buckets[b].recipientWeeks)
            sign.apply(&buckets[b].messages, o.buckets[b].messages)
        }
        sign.apply(&over.recipientWeeks, o.over.recipientWeeks)
        sign.apply(&over.messages, o.over.messages)
    }
}

/// First opens and first clicks by hour after the send, for 72 hours.
struct HourCounter {
    static let hours = SendDetail.hours
    let opens: FlatBuffer<Int>, clicks: FlatBuffer<Int>

    init(sends: Int) {
        opens = FlatBuffer(sends * Self.hours, 0)
        clicks = FlatBuffer(sends * Self.hours, 0)
    }

    init(opens: FlatBuffer<Int>, clicks: FlatBuffer<Int>) {
        self.opens = opens
        self.clicks = clicks
    }

    /// The hour after `sentAt` that instant `t` (0 = never) falls in, if within the first 72.
    @inline(__always)
    static func hour(_ t: UInt32, after sentAt: Double) -> Int? {
        guard t != 0 else { return nil }
        let h = Int((Double(t) - sentAt) / 3600)
        return h >= 0 && h < hours ? h : nil
    }

    @inline(__always)
    func count(_ m: Message, send g: Int, sentAt: Double) {
        if let h = Self.hour(m.firstOpenAt, after: sentAt) { opens[g * Self.hours + h] += 1 }
        if let h = Self.hour(m.firstClickAt, after: sentAt) { clicks[g * Self.hours + h] += 1 }
    }

    func opens(send g: Int) -> [Int] { (0..<Self.hours).map { opens[g * Self.hours + $0] } }
    func clicks(send g: Int) -> [Int] { (0..<Self.hours).map { clicks[g * Self.hours + $0] } }

    func add(_ o: HourCounter, _ sign: Sign) {
        opens.add(o.opens, sign)
        clicks.add(o.clicks, sign)
    }
}

/// Each send's messages by mailbox provider.
struct ProviderCounter {
    static let kinds = MailboxProvider.allCases.count
    let tallies: FlatBuffer<MessageTally>

    init(sends: Int) { tallies = FlatBuffer(sends * Self.kinds, MessageTally()) }

    init(tallies: FlatBuffer<MessageTally>) { self.tallies = tallies }

    @inline(__always) static func cell(send g: Int, provider p: Int) -> Int { g * kinds + p }

    func tally(send g: Int, provider p: MailboxProvider) -> MessageTally { tallies[Self.cell(send: g, provider: p.rawValue)] }

    func add(_ o: ProviderCounter, _ sign: Sign) { tallies.add(o.tallies, sign) }
}

/// Bounced and deferred messages per week of their send, provider, kind and reason (slot 0: none given).
struct ReasonCounter {
    static let reasons = BounceReason.allCases.count + 1
    static let kinds = BounceReasonCount.Kind.allCases.count
    let weeks: Int
    let cells: FlatBuffer<Int>

    init(weeks: Int) {
        self.weeks = weeks
        cells = FlatBuffer(weeks * ProviderCounter.kinds * Self.kinds * Self.reasons, 0)
    }

    init(weeks: Int, cells: FlatBuffer<Int>) {
        self.weeks = weeks
        self.cells = cells
    }

    @inline(__always)
    func count(week: Int, provider: Int, kind: BounceReasonCount.Kind, reason r: BounceReason?) {
        let reason = r.map { Int($0.rawValue) } ?? 0
        let k = kind == .bounce ? 0 : 1
        cells[((week * ProviderCounter.kinds + provider) * Self.kinds + k) * Self.reasons + reason] += 1
    }

    func add(_ o: ReasonCounter, _ sign: Sign) { cells.add(o.cells, sign) }

    func counts(weeks ws: [ISOWeek]) -> [BounceReasonCount] {
        var out: [BounceReasonCount] = []
        for w in 0..<min(ws.count, weeks) {
            for p in MailboxProvider.allCases {
                for (k, kind) in BounceReasonCount.Kind.allCases.enumerated() {
                    for r in 0..<Self.reasons {
                        let n = cells[((w * ProviderCounter.kinds + p.rawValue) * Self.kinds + k) * Self.reasons + r]
                        if n > 0 {
                            out.append(BounceReasonCount(week: ws[w], provider: p, kind: kind, reason: BounceReason(rawValue: UInt8(r)), messages: n))
                        }
                    }
                }
            }
        }
        return out
    }
}

/// One shard's counters; the parts of all shards add up.
struct InsightsPart {
    var tiers: TierCounter
    var frequency: FrequencyCounter
    var hours: HourCounter
    var providers: ProviderCounter
    var reasons: ReasonCounter
    /// Per send: messages sent more than 48 hours after an opt-out.
    var optOut: FlatBuffer<Int>
    /// Per send: shown link → recipients who clicked it.
    var links: [Int: [String: Int]] = [:]

    init(_ layout: InsightsLayout, campaigns G: Int) {
        tiers = TierCounter(weeks: layout.weekEnds.count, programs: layout.programs)
        frequency = FrequencyCounter(threshold: layout.frequencyThreshold)
        hours = HourCounter(sends: G)
        providers = ProviderCounter(sends: G)
        reasons = ReasonCounter(weeks: layout.weekEnds.count)
        optOut = FlatBuffer(G, 0)
    }

    mutating func add(_ o: InsightsPart) { add(o, .plus) }

    /// Takes away what `o` counted (which this part counted too).
    mutating func subtract(_ o: InsightsPart) { add(o, .minus) }

    private mutating func add(_ o: InsightsPart, _ sign: Sign) {
        tiers.add(o.tiers, sign)
        frequency.add(o.frequency, sign)
        hours.add(o.hours, sign)
        providers.add(o.providers, sign)
        reasons.add(o.reasons, sign)
        optOut.add(o.optOut, sign)
        for (g, links) in o.links {
            for (url, n) in links {
                sign.apply(&self.links[g, default: [:]][url, default: 0], n)
                if self.links[g]![url]! == 0 { self.links[g]![url] = nil }  // a link no one clicked is not shown
            }
            if self.links[g]!.isEmpty { self.links[g] = nil }
        }
    }
}

// MARK: The walk

/// Per recipient of one shard, from a first walk over the messages: when the sender and each program first
/// delivered to them, when they became unmailable, and how many messages they were delivered each week.
///
/// Kept small, since it lives beside the whole fold at the build's peak of memory: a first delivery as the
/// index of its send (whose time the plan has), the other instants as the message's own whole seconds, and
/// the weekly counts in `WeekCounts`. About 38 + 4 × programs bytes a recipient instead of 100 (52 weeks,
/// 3 programs); a frequency threshold above 14 adds half a byte a week, above 254 one and a half.
struct RecipientTimeline {
    let programs: Int, weeks: Int
    /// The send (index + 1 into `sendTimes`; 0: none) of the first delivery, from any program and from each.
    let firstSend: FlatBuffer<UInt32>
    let firstSendIn: FlatBuffer<UInt32>
    /// Seconds since 1970 (0: never) of the first message that made the recipient unmailable, and of the
    /// first opt-out (an unsubscribe or a complaint), from any send.
    let suppressedSeconds: FlatBuffer<UInt32>
    let optedOutSeconds: FlatBuffer<UInt32>
    let perWeek: WeekCounts
    /// By send index: when it went out.
    let sendTimes: FlatBuffer<Double>

    /// - Parameter sendTimes: the planned sends' times, by the index `note` is given.
    init(recipients R: Int, programs P: Int, weeks W: Int, sendTimes times: [Double], weekCap: Int) {
        programs = max(P, 1)
        weeks = max(W, 1)
        firstSend = FlatBuffer(R, 0)
        firstSendIn = FlatBuffer(R * programs, 0)
        suppressedSeconds = FlatBuffer(R, 0)
        optedOutSeconds = FlatBuffer(R, 0)
        perWeek = WeekCounts(recipients: R, weeks: weeks, cap: weekCap)
        sendTimes = FlatBuffer(times.count, 0)
        for (i, t) in times.enumerated() { sendTimes[i] = t }
    }

    /// Starts loading what the walks read of recipient `r`.
    @inline(__always)
    func prefetch(_ r: Int) {
        firstSend.prefetch(r)
        firstSendIn.prefetch(r * programs)
        suppressedSeconds.prefetch(r)
        optedOutSeconds.prefetch(r)
        perWeek.prefetch(r)
    }

    /// What message `m` of send `index` (nil: a send the report does not plan) says of its recipient.
    @inline(__always)
    func note(_ m: Message, recipient r: Int, delivered: Bool, send: InsightsPlan.PlannedSend?, index: Int) {
        suppressedSeconds[r] = Message.earliest(suppressedSeconds[r], m.suppressedAt)
        optedOutSeconds[r] = Message.earliest(optedOutSeconds[r], m.optedOutAt)
        guard let send, delivered else { return }
        if send.sentAt < firstDelivered(r) { firstSend[r] = UInt32(index + 1) }
        let inProgram = r * programs + send.program
        if send.sentAt < time(ofSend: firstSendIn[inProgram]) { firstSendIn[inProgram] = UInt32(index + 1) }
        perWeek.increment(r, send.week)
    }

    @inline(__always)
    private func time(ofSend s: UInt32) -> Double { s == 0 ? .infinity : sendTimes[Int(s) - 1] }

    @inline(__always)
    private static func instant(_ seconds: UInt32) -> Double { seconds == 0 ? .infinity : Double(seconds) }

    /// When the sender first delivered to the recipient (infinity: never).
    @inline(__always) func firstDelivered(_ r: Int) -> Double { time(ofSend: firstSend[r]) }
    /// When program `p` first delivered to the recipient (infinity: never).
    @inline(__always) func firstDelivered(_ r: Int, program p: Int) -> Double { time(ofSend: firstSendIn[r * programs + p]) }
    /// The recipient's first opt-out (infinity: none).
    @inline(__always) func optedOutAt(_ r: Int) -> Double { Self.instant(optedOutSeconds[r]) }

    func suppressed(_ r: Int, before t: Double) -> Double? {
        let s = Self.instant(suppressedSeconds[r])
        return s < t ? s : nil
    }

    @inline(__always) func messages(_ r: Int, week w: Int) -> Int { perWeek.count(r, w) }
}

/// Messages delivered to each recipient in each week, counted up to `cap`: the frequency buckets need a
/// count only up to 5 ("5+") and past the threshold, so a cap of max(5, threshold + 1) loses nothing. Four
/// bits a week when the cap fits in them (a threshold up to 14 a week), a byte up to 255, two bytes above
/// (report.yml allows a threshold up to 1,000).
struct WeekCounts {
    let weeks: Int
    /// Bytes a week: 0 for four bits, else 1 or 2.
    private let width: Int
    let cap: Int
    private let bytes: FlatBuffer<UInt8>
    /// How many recipient-weeks have each count 1 … cap, kept as the counts are made, so the frequency buckets
    /// need no walk over every recipient's every week. (Slot 0 only counts down, and is never read.)
    private let weeksOf: FlatBuffer<Int>

    init(recipients R: Int, weeks W: Int, cap: Int) {
        weeks = W
        width = cap <= 15 ? 0 : cap <= 255 ? 1 : 2
        self.cap = min(cap, 65535)
        bytes = FlatBuffer(width == 0 ? (R * W + 1) / 2 : R * W * width, 0)
        weeksOf = FlatBuffer(self.cap + 1, 0)
    }

    /// Recipient-weeks of exactly `n` messages (of `cap`: `cap` or more).
    func recipientWeeks(withMessages n: Int) -> Int { weeksOf[n] }

    /// A recipient-week's count went from `n` to `n + 1`.
    @inline(__always)
    private func moved(from n: Int) {
        weeksOf[n] -= 1
        weeksOf[n + 1] += 1
    }

    @inline(__always)
    func count(_ r: Int, _ w: Int) -> Int {
        let i = r * weeks + w
        switch width {
        case 0: return Int(bytes[i >> 1] >> UInt8((i & 1) << 2)) & 0xF
        case 1: return Int(bytes[i])
        default: return Int(bytes[2 * i]) | Int(bytes[2 * i + 1]) << 8
        }
    }

    @inline(__always)
    func increment(_ r: Int, _ w: Int) {
        let i = r * weeks + w
        switch width {
        case 0:
            let shift = UInt8((i & 1) << 2), b = bytes[i >> 1], n = Int(b >> shift) & 0xF
            if n < cap {
                bytes[i >> 1] = b &+ (1 << shift)
                moved(from: n)
            }
        case 1:
            let n = Int(bytes[i])
            if n < cap {
                bytes[i] += 1
                moved(from: n)
            }
        default:
            let n = count(r, w)
            if n < cap {
                bytes[2 * i] = UInt8((n + 1) & 0xFF)
                bytes[2 * i + 1] = UInt8((n + 1) >> 8)
                moved(from: n)
            }
        }
    }

    /// Both ends of a recipient's row (it may straddle two cache lines).
    @inline(__always)
    func prefetch(_ r: Int) {
        let first = r * weeks, last = first + weeks - 1
        bytes.prefetch(width == 0 ? first >> 1 : first * width)
        bytes.prefetch(width == 0 ? last >> 1 : last * width)
    }
}

extension EventShard {
    /// This shard's part of the insights: every recipient here is in no other shard. Every figure is a sum over
    /// recipients, each from that recipient's own messages and hours (so a shard of some of the recipients,
    /// `only(_:)`, gives their share).
    func insights(_ layout: InsightsLayout, global: [Int], campaigns G: Int) -> InsightsPart {
        var out = InsightsPart(layout, campaigns: G)
        let R = recipients.count
        let W = layout.weekEnds.count
        let bounds = layout.bounds
        // Per local send: its place in the plan and its evidence.
        let planned = global.map { layout.sends[$0] }, evidence = global.map { layout.evidence[$0] }
        let engaged = HourIndex(engagementHours, recipients: R)
        let unverified = HourIndex(unverifiedOpenHours, recipients: R)
        // Messages are counted per week only in weeks with sends (not in the weeks ahead).
        let mailedWeeks = (layout.sends.lazy.compactMap { $0?.week }.max() ?? 0) + 1
        let timeline = RecipientTimeline(
            recipients: R, programs: layout.programs, weeks: mailedWeeks, sendTimes: layout.sends.map { $0?.sentAt ?? .infinity },
            weekCap: max(5, layout.frequencyThreshold + 1))

        // First: when each recipient was first delivered to, suppressed, and mailed each week.
        pairs.forEach(lookahead: { timeline.prefetch(Int($0)) }) { c, r, m in
            let ci = Int(c)
            timeline.note(m, recipient: Int(r), delivered: m.isDelivered(in: evidence[ci]), send: planned[ci], index: global[ci])
        }

        // Tier counts at the end of each week, counted as runs of weeks in one tier (`TierRuns`).
        let runs = TierRuns(weeks: W, rows: layout.programs + 1)
        let weekEnds = layout.weekEnds
        // Per program, the first week whose end is after its first delivery to the recipient (W: none).
        let reached = FlatBuffer(max(layout.programs, 1), 0)
        for r in 0..<R where timeline.firstDelivered(r).isFinite {
            var lastEngaged = engaged.cursor(r), lastUnverified = unverified.cursor(r)
            let sup = timeline.suppressed(r, before: .infinity)
            let firstDelivered = timeline.firstDelivered(r)
            for p in 0..<layout.programs { reached[p] = TierRuns.firstWeek(after: timeline.firstDelivered(r, program: p), weekEnds) }
            var w = TierRuns.firstWeek(after: firstDelivered, weekEnds)
            while w < W {
                // Weeks w ..< end: the same last engagement and last unverified open at each week's end.
                let last = lastEngaged.last(endingBy: weekEnds[w])
                let lastOpen = unverified.isEmpty ? nil : lastUnverified.last(endingBy: weekEnds[w])
                let end = TierRuns.firstWeek(atOrAfter: min(lastEngaged.nextChange, unverified.isEmpty ? .infinity : lastUnverified.nextChange),
                                             weekEnds, from: w + 1)
                @inline(__always) func tier(_ x: Int) -> Tier {
                    bounds.tier(now: weekEnds[x], firstDelivered: firstDelivered, lastEngaged: last, lastUnverifiedOpen: lastOpen, suppressed: sup)
                }
                runs.count(row: 0, w..<end, tier)
                for p in 0..<layout.programs where reached[p] < end {
                    // Only a never-engaged recipient's tier (new or inactive) depends on when the program first
                    // reached them; otherwise it is the sender-wide tier, in the sender's runs.
                    if last != nil {
                        runs.countLast(row: p + 1, from: max(w, reached[p]))
                        continue
                    }
                    let firstInProgram = timeline.firstDelivered(r, program: p)
                    runs.count(row: p + 1, max(w, reached[p])..<end) { x in
                        let here = tier(x)
                        return (here == .new || here == .inactive) && last == nil
                            ? bounds.tier(now: weekEnds[x], firstDelivered: firstInProgram, lastEngaged: nil, lastUnverifiedOpen: lastOpen, suppressed: nil)
                            : here
                    }
                }
                w = end
            }
        }
        runs.add(into: out.tiers)
        for n in 1...timeline.perWeek.cap where timeline.perWeek.recipientWeeks(withMessages: n) > 0 {
            out.frequency.countWeeks(messages: n, timeline.perWeek.recipientWeeks(withMessages: n))
        }

        // Each message: its provider's tally and its hours; if delivered, the tier its recipient was in when the
        // send went out, and its week's frequency bucket.
        pairs.forEach(lookahead: { r in
            timeline.prefetch(Int(r))
            engaged.prefetch(Int(r))
        }, then: { engaged.prefetchHours(Int($0)) }) { c, r, m in
            let ci = Int(c)
            guard let send = planned[ci] else { return }
            let ri = Int(r), g = global[ci]
            let one = MessageTally(counting: m, in: evidence[ci])
            out.providers.tallies[ProviderCounter.cell(send: g, provider: Int(providers[ri]))] += one
            out.hours.count(m, send: g, sentAt: send.sentAt)
            if one.wentOut > 0, OptOutRule.isLate(sentAt: send.sentAt, optedOutAt: timeline.optedOutAt(ri)) { out.optOut[g] += 1 }
            if one.hardBounced + one.softBounced + one.undeterminedBounced > 0 {
                out.reasons.count(week: send.week, provider: Int(providers[ri]), kind: .bounce, reason: m.bounceReason)
            }
            if m.wasDeferred, one.wentOut > 0 {
                out.reasons.count(week: send.week, provider: Int(providers[ri]), kind: .deferral, reason: m.deferralReason)
            }
            guard one.delivered > 0 else { return }
            let t0 = send.sentAt
            let last = engaged.last(ri, endingBy: t0)
            let lastOpen = unverified.isEmpty ? nil : unverified.last(ri, endingBy: t0)
            let sup = timeline.suppressed(ri, before: t0)
            let tier = bounds.tier(now: t0, firstDelivered: min(timeline.firstDelivered(ri), t0), lastEngaged: last,
                                   lastUnverifiedOpen: lastOpen, suppressed: sup)
            let tierInProgram = bounds.tier(
                now: t0, firstDelivered: min(timeline.firstDelivered(ri, program: send.program), t0),
                lastEngaged: last, lastUnverifiedOpen: lastOpen, suppressed: sup)
            out.tiers.messages[out.tiers.messageCell(program: nil, tier: tier)] += one
            out.tiers.messages[out.tiers.messageCell(program: send.program, tier: tierInProgram)] += one
            out.frequency.count(one, inWeekOf: timeline.messages(ri, week: send.week))
        }

        // Links by recipients who clicked them, per send.
        var clickers = [Int](repeating: 0, count: urls.count)
        clickedLinks.forEach { clickers[Int($0 >> 32)] += 1 }
        for u in 0..<urls.count where clickers[u] > 0 {
            let g = global[Int(urlCampaign[u])]
            guard layout.sends[g] != nil else { continue }
            out.links[g, default: [:]][EventAccumulator.displayURL(linkURL(Int32(u))), default: 0] += clickers[u]
        }
        return out
    }
}
