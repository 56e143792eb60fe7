import ReportCore

/// The last walk of the insights, kept with the fold in the build cache, so that a build which folds a new
/// week's export onto the cached fold walks only the recipients that export touches.
///
/// Every figure of `RecipientInsights` is a sum over recipients, each recipient's share computed from their
/// own messages and hours alone (`EventShard.insights`). So when a few files are folded onto a fold whose walk
/// is cached, the new sums are the cached ones, less what the touched recipients counted before the files
/// were folded in, plus what they count after: recipients the files do not touch count exactly what they
/// counted then — provided everything else the walk reads of them is as it was. That is checked, not assumed
/// (`update`): the same weeks (the report's weeks must be the cached walk's first ones; the walk counts tiers
/// at the ends of `InsightsPlan.aheadWeekEnds` too, so next week's export lands in a week already counted for
/// the untouched recipients), the same programs, tier bounds and frequency threshold, and every send the
/// cached walk knew planned as it was and still reporting deliveries or not (all the walk reads of its
/// `SendEvidence`). New sends are no question: only the new files' events made their messages, so only
/// touched recipients have them. Anything else, and the build walks every recipient as it would without a
/// cache; so it does when more than half of the recipients are touched (`noteTouched`).
///
/// The touched recipients are found before the files are folded in (`TouchMarkers`: the files are read once
/// for the recipients alone, when they are small beside the fold, `BuildCache.marksTouched`), so their share
/// of the cached walk can be computed from the fold as it was. A fold with as many events folded in as the
/// markers saw is the only one the base is used for.
public final class InsightsBase {
    /// The sends, in the order the parts' per-send counters index them.
    let ids: [String]
    let layout: InsightsLayout
    let programs: [String]
    /// Per shard, its part of the walk.
    let parts: [InsightsPart]
    /// Per shard, the recipients and events of the fold walked.
    let recipients: [Int], events: [Int]

    init(ids: [String], layout: InsightsLayout, programs: [String], parts: [InsightsPart], recipients: [Int], events: [Int]) {
        self.ids = ids
        self.layout = layout
        self.programs = programs
        self.parts = parts
        self.recipients = recipients
        self.events = events
    }

    convenience init(accumulator a: EventAccumulator, index: EventAccumulator.CampaignIndex, layout: InsightsLayout,
                     programs: [String], parts: [InsightsPart]) {
        self.init(ids: index.campaigns.map(\.id), layout: layout, programs: programs, parts: parts,
                  recipients: a.shards.map(\.recipients.count), events: a.shards.map(\.eventCount))
    }

    /// How this build's walk is made from the base: which recipients to walk, and with what to combine them.
    struct Update {
        /// The layout to walk with: the base's weeks, this build's sends.
        var layout: InsightsLayout
        var touched: [TouchedRecipients]
        fileprivate let base: InsightsBase
        fileprivate let before: [InsightsPart]?
        /// Base send index → this build's.
        fileprivate let map: [Int]
        fileprivate let sends: Int

        /// Shard `i`'s part: the base's, less what its touched recipients counted then, plus `walked` (what they
        /// count now).
        func part(_ i: Int, _ walked: InsightsPart) -> InsightsPart {
            var p = base.parts[i].remapped(map, sends: sends)
            if let before { p.subtract(before[i].remapped(map, sends: sends)) }
            p.add(walked)
            return p
        }
    }

    /// How the walk for `layout` (this build's, by `index`) is made from this base; nil when it cannot be
    /// (anything the walk reads of an untouched recipient is not as it was).
    func update(for a: EventAccumulator, index: EventAccumulator.CampaignIndex, layout new: InsightsLayout,
                programs newPrograms: [String], planWeeks: [Double]) -> Update? {
        guard let touched = a.touched, touched.count == a.shards.count, parts.count == a.shards.count else { return nil }
        for (i, shard) in a.shards.enumerated() {
            // Every event folded in since the base was walked went past the markers.
            guard shard.eventCount == events[i] + touched[i].events, touched[i].held == recipients[i] else { return nil }
        }
        guard new.bounds == layout.bounds, new.frequencyThreshold == layout.frequencyThreshold, newPrograms == programs,
              planWeeks.count <= layout.weekEnds.count, zip(planWeeks, layout.weekEnds).allSatisfy({ $0 == $1 }) else { return nil }
        var map = [Int](repeating: 0, count: ids.count)
        for (g, id) in ids.enumerated() {
            // Of a send's evidence the walk reads only whether it reports deliveries (`Message.isDelivered`); the
            // rest (a first complaint arriving a week late) changes how the totals are stated, after the walk.
            guard let n = index.byID[id], new.sends[n] == layout.sends[g],
                  new.evidence[n].hasDeliveredEvents == layout.evidence[g].hasDeliveredEvents else { return nil }
            map[g] = n
        }
        var walk = new
        walk.weekEnds = layout.weekEnds
        return Update(layout: walk, touched: touched, base: self, before: a.touchedBefore, map: map, sends: index.campaigns.count)
    }
}

// MARK: Finding the touched recipients

/// The recipients of one shard that files folded onto a cached walk's fold touched: every recipient the fold
/// did not hold then (id ≥ `held`), and those marked.
final class TouchedRecipients: @unchecked Sendable {
    let held: Int
    private let bits: FlatBuffer<UInt64>
    /// Events the markers saw for this shard.
    fileprivate(set) var events = 0

    init(held: Int) {
        self.held = held
        bits = FlatBuffer((held + 63) / 64, 0)
    }

    @inline(__always)
    func contains(_ r: Int) -> Bool { r >= held || bits[r >> 6] & (1 << UInt64(r & 63)) != 0 }

    @inline(__always)
    fileprivate func mark(_ r: Int) { if r < held { bits[r >> 6] |= 1 << UInt64(r & 63) } }

    /// How many of a shard's `recipients` are touched.
    func count(of recipients: Int) -> Int {
        (0..<bits.count).reduce(max(recipients - held, 0)) { $0 + bits[$1].nonzeroBitCount }
    }
}

/// Which recipients the last walk of the insights went through.
public enum InsightsWalk: Sendable, Equatable {
    case everyRecipient
    /// Only those touched by files folded onto a fold whose walk was cached (`InsightsBase`).
    case touched(recipients: Int)
}

/// A sink that marks, in each shard of a fold, the recipients of the events it is given (and folds nothing):
/// the files about to be folded onto a fold with an `InsightsBase` are read into it first.
public final class TouchMarkers: PartitionedEventSink {
    final class Part: RawEventSink {
        let shard: EventShard
        let touched: TouchedRecipients

        init(_ shard: EventShard) {
            self.shard = shard
            touched = TouchedRecipients(held: shard.recipients.count)
        }

        func add(batch: UnsafeBufferPointer<RawEvent>, file: String) {
            for e in batch {
                touched.events += 1
                if let r = shard.recipients.id(of: e.recipient, hash: e.recipientHash ?? hashBytes(e.recipient)) { touched.mark(Int(r)) }
            }
        }
    }

    let markers: [Part]
    public var parts: [RawEventSink] { markers }

    init(_ a: EventAccumulator) { markers = a.shards.map(Part.init) }

    public func add(batch: UnsafeBufferPointer<RawEvent>, file: String) { EventAccumulator.route(batch, file: file, to: markers) }
}

extension EventAccumulator {
    /// A sink to read the files about to be folded in into first, when the fold has a cached walk (nil when it
    /// has none); then `noteTouched`.
    public func touchMarkers() -> TouchMarkers? { insightsBase == nil ? nil : TouchMarkers(self) }

    /// What the cached walk counted of the recipients `markers` saw, from the fold as it is (before the files
    /// are folded in).
    public func noteTouched(_ markers: TouchMarkers) {
        guard let base = insightsBase else { return }
        // Walking most recipients twice (their share before and after) costs more than walking all once.
        let touched = zip(markers.markers, shards).reduce(0) { $0 + $1.0.touched.count(of: $1.1.recipients.count) }
        guard touched * 2 <= recipientCount else {
            insightsBase = nil
            return
        }
        let position = Dictionary(uniqueKeysWithValues: base.ids.enumerated().map { ($1, $0) })
        let parts = perShard { i, shard -> InsightsPart? in
            var global: [Int] = []
            for c in shard.campaigns {
                guard let g = position[c.id] else { return nil }  // a send the base does not know: not its fold
                global.append(g)
            }
            return shard.only(markers.markers[i].touched).insights(base.layout, global: global, campaigns: base.ids.count)
        }
        guard parts.allSatisfy({ $0 != nil }) else {
            insightsBase = nil
            return
        }
        self.touched = markers.markers.map(\.touched)
        touchedBefore = parts.map { $0! }
    }

    /// Takes a walk read back from the build cache as this fold's, when it was made of this very fold.
    public func adopt(_ base: InsightsBase) {
        guard base.parts.count == shards.count,
              shards.indices.allSatisfy({ base.recipients[$0] == shards[$0].recipients.count && base.events[$0] == shards[$0].eventCount })
        else { return }
        insightsBase = base
        touched = shards.map { TouchedRecipients(held: $0.recipients.count) }
        touchedBefore = nil
    }
}

extension EventShard {
    /// A shard of the `touched` recipients alone, renumbered 0 ..< n, with their messages, hours and clicks
    /// (the sends and links are this shard's): its walk is their share of this one's, in time that grows with
    /// them, not with the shard.
    func only(_ touched: TouchedRecipients) -> EventShard {
        let R = recipients.count
        var dense = [Int32](repeating: -1, count: R)
        let kept = touched.count(of: R)
        let sub = EventShard(campaignIDs: campaignIDs, recipients: InternTable(capacity: kept), domains: domains,
                             pairs: PairTable(capacity: kept * 4), urls: urls)
        sub.campaigns = campaigns
        sub.urlCampaign = urlCampaign
        for r in 0..<R where touched.contains(r) {
            var id = UInt32(r)
            dense[r] = withUnsafeBytes(of: &id) { sub.recipients.intern($0).id }
            sub.providers.append(providers[r])
        }
        dense.withUnsafeBufferPointer { dense in
            pairs.forEach { c, r, m in
                let d = dense[Int(r)]
                if d >= 0 { sub.pairs[sub.pairs.index(c, d)] = m }
            }
            @inline(__always) func renumbered(_ v: UInt64) -> UInt64? {
                let d = dense[Int(v >> 32)]
                return d < 0 ? nil : UInt64(UInt32(bitPattern: d)) << 32 | (v & 0xFFFF_FFFF)
            }
            engagementHours.forEach { if let v = renumbered($0) { _ = sub.engagementHours.insert(v) } }
            unverifiedOpenHours.forEach { if let v = renumbered($0) { _ = sub.unverifiedOpenHours.insert(v) } }
            clickedLinks.forEach { v in  // link << 32 | recipient
                let d = dense[Int(v & 0xFFFF_FFFF)]
                if d >= 0 { _ = sub.clickedLinks.insert(v & 0xFFFF_FFFF_0000_0000 | UInt64(UInt32(bitPattern: d))) }
            }
        }
        return sub
    }
}

// MARK: Parts under another send index, and in the build cache

extension InsightsPart {
    /// A copy with storage of its own, its per-send counters moved from send `g` to `map[g]` of `G` sends.
    func remapped(_ map: [Int], sends G: Int) -> InsightsPart {
        var out = self
        out.tiers = TierCounter(weeks: tiers.weeks, programs: tiers.programs)
        out.tiers.add(tiers, .plus)
        out.frequency = frequency
        out.reasons = ReasonCounter(weeks: reasons.weeks)
        out.reasons.add(reasons, .plus)
        out.hours = HourCounter(sends: G)
        out.providers = ProviderCounter(sends: G)
        out.optOut = FlatBuffer(G, 0)
        for (g, n) in map.enumerated() {
            for h in 0..<HourCounter.hours {
                out.hours.opens[n * HourCounter.hours + h] = hours.opens[g * HourCounter.hours + h]
                out.hours.clicks[n * HourCounter.hours + h] = hours.clicks[g * HourCounter.hours + h]
            }
            for p in 0..<ProviderCounter.kinds {
                out.providers.tallies[ProviderCounter.cell(send: n, provider: p)] = providers.tallies[ProviderCounter.cell(send: g, provider: p)]
            }
            out.optOut[n] = optOut[g]
        }
        out.links = Dictionary(uniqueKeysWithValues: links.map { (map[$0.key], $0.value) })
        return out
    }

    func write(to w: CacheWriter) {
        tiers.counts.write(to: w)
        tiers.messages.write(to: w)
        for b in frequency.buckets + [frequency.over] {
            w.int(b.recipientWeeks)
            withUnsafeBytes(of: b.messages) { w.raw($0) }
        }
        hours.opens.write(to: w)
        hours.clicks.write(to: w)
        providers.tallies.write(to: w)
        reasons.cells.write(to: w)
        optOut.write(to: w)
        w.int(links.count)
        for (g, urls) in links.sorted(by: { $0.key < $1.key }) {
            w.int(g)
            w.int(urls.count)
            for (url, n) in urls.sorted(by: { $0.key < $1.key }) {
                w.string(url)
                w.int(n)
            }
        }
    }

    init(reading r: CacheReader, _ layout: InsightsLayout) throws {
        let G = layout.sends.count
        self.init(layout, campaigns: G)
        tiers = TierCounter(weeks: layout.weekEnds.count, programs: layout.programs,
                            counts: try FlatBuffer(reading: r, expected: tiers.counts.count, zero: 0),
                            messages: try FlatBuffer(reading: r, expected: tiers.messages.count, zero: MessageTally()))
        for b in 0...frequency.buckets.count {
            let weeks: Int = try r.int()
            var tally = MessageTally()
            try withUnsafeMutableBytes(of: &tally) { try r.raw(into: $0) }
            if b < frequency.buckets.count {
                frequency.buckets[b].recipientWeeks = weeks
                frequency.buckets[b].messages = tally
            } else {
                frequency.over.recipientWeeks = weeks
                frequency.over.messages = tally
            }
        }
        hours = HourCounter(opens: try FlatBuffer(reading: r, expected: hours.opens.count, zero: 0),
                            clicks: try FlatBuffer(reading: r, expected: hours.clicks.count, zero: 0))
        providers = ProviderCounter(tallies: try FlatBuffer(reading: r, expected: providers.tallies.count, zero: MessageTally()))
        reasons = ReasonCounter(weeks: reasons.weeks, cells: try FlatBuffer(reading: r, expected: reasons.cells.count, zero: 0))
        optOut = try FlatBuffer(reading: r, expected: G, zero: 0)
        for _ in 0..<(try r.count(of: 16)) {
            let g: Int = try r.int()
            guard g >= 0 && g < G else { throw CacheFileError("it is damaged (links of an unknown send)") }
            var urls: [String: Int] = [:]
            for _ in 0..<(try r.count(of: 9)) { urls[try r.string()] = try r.int() }
            links[g] = urls
        }
    }
}

extension InsightsBase {
    public func write(to w: CacheWriter) {
        w.int(ids.count)
        for (g, id) in ids.enumerated() {
            w.string(id)
            let s = layout.sends[g]
            w.bool(s != nil)
            w.double(s?.sentAt ?? 0)
            w.int(s?.program ?? 0)
            w.int(s?.week ?? 0)
            w.int(Int(layout.evidence[g].types.rawBits))
            w.bool(layout.evidence[g].hasMachineSignal)
        }
        w.array(layout.weekEnds)
        w.int(programs.count)
        for p in programs { w.string(p) }
        let b = layout.bounds
        for v in [b.active, b.warm, b.cooling, b.atRisk, b.newDays, layout.frequencyThreshold] { w.int(v) }
        w.int(parts.count)
        for (i, part) in parts.enumerated() {
            w.int(recipients[i])
            w.int(events[i])
            part.write(to: w)
        }
    }

    public convenience init(reading r: CacheReader) throws {
        let G = try r.count(of: 40)
        var ids: [String] = [], sends: [InsightsPlan.PlannedSend?] = [], evidence: [SendEvidence] = []
        let weeksLimit = 100_000
        for _ in 0..<G {
            ids.append(try r.string())
            let planned = try r.bool()
            let send = InsightsPlan.PlannedSend(sentAt: try r.double(), program: try r.int(), week: try r.int())
            sends.append(planned ? send : nil)
            evidence.append(SendEvidence(types: EventTypesSeen(rawBits: UInt16(truncatingIfNeeded: try r.int() as Int)), hasMachineSignal: try r.bool()))
        }
        let weekEnds = try r.array(Double.self)
        let programs: [String] = try (0..<(try r.count(of: 8))).map { _ in try r.string() }
        var bounds = TierBounds()
        bounds.active = try r.int()
        bounds.warm = try r.int()
        bounds.cooling = try r.int()
        bounds.atRisk = try r.int()
        bounds.newDays = try r.int()
        let threshold: Int = try r.int()
        guard weekEnds.count < weeksLimit, threshold >= 0, threshold <= 100_000,
              sends.allSatisfy({ $0.map { $0.program >= 0 && $0.program < programs.count && $0.week >= 0 && $0.week < weekEnds.count } ?? true })
        else { throw CacheFileError("it is damaged (a walk of another shape)") }
        let layout = InsightsLayout(weekEnds: weekEnds, programs: programs.count, sends: sends, evidence: evidence, bounds: bounds,
                                    frequencyThreshold: threshold)
        var parts: [InsightsPart] = [], recipients: [Int] = [], events: [Int] = []
        for _ in 0..<(try r.count(of: 16)) {
            recipients.append(try r.int())
            events.append(try r.int())
            parts.append(try InsightsPart(reading: r, layout))
        }
        self.init(ids: ids, layout: layout, programs: programs, parts: parts, recipients: recipients, events: events)
    }
}
