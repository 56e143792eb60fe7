import Foundation
import ReportCore

/// Folds recipient events into per-send, per-recipient state as they stream in.
///
/// The state is split into shards by a hash of the recipient: every event of one recipient lands in the same
/// shard, so each core fills its own shard with no lock, the shards are never merged, and everything that
/// walks recipients (tiers, frequency, outcomes) runs per shard side by side. Only per-send totals are added
/// up across shards at the end. The figures do not depend on the number of shards.
public final class EventAccumulator {
    let shards: [EventShard]

    /// One shard per core (up to eight): the fast reader runs one worker per shard.
    public static let defaultShardCount = max(1, min(8, ProcessInfo.processInfo.activeProcessorCount))

    /// The last walk of the insights, for the build cache (`InsightsBase`): set by `insights(plan:)`, and by
    /// `adopt` for a fold read back from the cache.
    public internal(set) var insightsBase: InsightsBase?
    /// Per shard, the recipients that files folded onto `insightsBase`'s fold touched, and what the base counted
    /// of them (nil: none was touched).
    var touched: [TouchedRecipients]?
    var touchedBefore: [InsightsPart]?
    /// Which recipients the last `insights(plan:)` walked.
    public internal(set) var lastWalk: InsightsWalk?

    public init(shards: Int = EventAccumulator.defaultShardCount) {
        self.shards = (0..<max(1, shards)).map { _ in EventShard() }
    }

    public var eventCount: Int { shards.reduce(0) { $0 + $1.eventCount } }
    public var newestTime: Double { shards.map(\.newestTime).max() ?? -.infinity }
    public var recipientCount: Int { shards.reduce(0) { $0 + $1.recipients.count } }

    /// Runs `body` once per shard, side by side when there are several.
    func perShard<T>(_ body: (Int, EventShard) -> T) -> [T] {
        if shards.count == 1 { return [body(0, shards[0])] }
        let out = WorkerResults<T>(shards.count)
        // Each worker reads its own shard only and writes its own slot.
        withoutActuallyEscaping(body) { body in
            let work = Unchecked((shards, body))
            DispatchQueue.concurrentPerform(iterations: shards.count) { i in
                let (shards, body) = work.value
                out.set(i, body(i, shards[i]))
            }
        }
        return out.values
    }

    // MARK: The build cache

    /// The fold's shards side by side, each into the writer `open(i)` gives (its own file), committed there.
    /// Returns each shard file's checksum, in shard order; the first error of any shard is thrown.
    public func write(shards open: (Int) throws -> CacheWriter) throws -> [UInt64] {
        try perShard { i, shard in
            Result {
                let w = try open(i)
                shard.write(to: w)
                return try w.commit()
            }
        }.map { try $0.get() }
    }

    /// A fold read back from the build cache, its shards side by side: `open(i)` gives the reader of shard `i`
    /// (at the shard), `close(i, reader)` checks what follows it. Nil when it was made with another number of
    /// shards (recipients are split between shards by their hash, so the shards would not line up). The first
    /// error of any shard is thrown as a `ShardReadError`.
    public static func read(shards n: Int, open: @Sendable (Int) throws -> CacheReader,
                            close: @Sendable (Int, CacheReader) throws -> Void) throws -> EventAccumulator? {
        guard n == defaultShardCount else { return nil }
        let out = WorkerResults<Result<Unchecked<EventShard>, Error>>(n)
        DispatchQueue.concurrentPerform(iterations: n) { i in
            out.set(i, Result {
                do {
                    let r = try open(i)
                    let shard = try EventShard(reading: r)
                    try close(i, r)
                    return Unchecked(shard)  // read on this thread only, handed over once all are read
                } catch {
                    throw ShardReadError(shard: i, why: error)
                }
            })
        }
        return EventAccumulator(shards: try out.values.map { try $0.get().value })
    }

    /// Why shard `shard` of a fold could not be read back.
    public struct ShardReadError: Error {
        public var shard: Int
        public var why: Error
    }

    private init(shards: [EventShard]) { self.shards = shards }

    // MARK: Sends across shards

    /// Every send seen in any shard, in a fixed order (by id), and each shard's campaign index mapped onto it.
    struct CampaignIndex {
        var campaigns: [EventShard.Campaign] = []
        var byID: [String: Int] = [:]
        /// global[shard][local campaign] = index into `campaigns`
        var global: [[Int]] = []
    }

    func campaignIndex() -> CampaignIndex {
        var index = CampaignIndex()
        let ids = Set(shards.flatMap { $0.campaigns.map(\.id) }).sorted()
        for id in ids { index.byID[id] = index.byID.count }
        var combined = [EventShard.Campaign?](repeating: nil, count: ids.count)
        for shard in shards {
            var map: [Int] = []
            for c in shard.campaigns {
                let g = index.byID[c.id]!
                map.append(g)
                if var mine = combined[g] {
                    mine.absorb(c)
                    combined[g] = mine
                } else {
                    combined[g] = c
                }
            }
            index.global.append(map)
        }
        index.campaigns = combined.map { $0! }
        return index
    }

    /// The event types of the whole input, in every shard.
    var inputReports: EventTypesSeen {
        var all = EventTypesSeen()
        for shard in shards { all.formUnion(shard.typesSeen) }
        return all
    }

    /// Every send's messages added up (shard by shard, side by side), as counts. Each message is counted by
    /// what the events of its whole send say (`SendEvidence`), in every shard: a shard may hold none of a
    /// send's deliveries while another holds them all.
    public func summaries() -> [String: EventSummary] {
        let index = campaignIndex()
        let evidence = index.campaigns.map(\.evidence)
        var totals = [MessageTally](repeating: MessageTally(), count: index.campaigns.count)
        for (s, tallies) in perShard({ i, shard in shard.tallies(evidence: index.global[i].map { evidence[$0] }) }).enumerated() {
            for (local, g) in index.global[s].enumerated() { totals[g] += tallies[local] }
        }
        let reports = inputReports
        var out: [String: EventSummary] = [:]
        for (g, c) in index.campaigns.enumerated() {
            out[c.id] = EventSummary(
                campaign: c.id, counts: totals[g].sendCounts(c.evidence, inputReports: reports), program: c.program,
                firstSendTime: c.firstSendTime ?? c.firstEventTime, hasMachineSignal: c.evidence.hasMachineSignal,
                location: c.firstLocation)
        }
        return out
    }
}

/// What one send's recipient events add up to.
public struct EventSummary: Sendable {
    public var campaign: String
    public var counts: SendCounts
    public var program: String?
    /// Seconds since 1970 of the first `sent` (or `delivered`) event, else the first event.
    public var firstSendTime: Double
    public var hasMachineSignal: Bool
    public var location: SourceLocation
}

extension EventAccumulator: PartitionedEventSink {
    public func expect(events: Int) {
        for shard in shards { shard.expect(events: events / shards.count) }
    }

    /// A batch read on one thread: each shard gets its own events, in order.
    public func add(batch: UnsafeBufferPointer<RawEvent>, file: String) { Self.route(batch, file: file, to: shards) }

    /// Hands each event of a batch to the part of `parts` its recipient belongs to, in order.
    static func route<S: RawEventSink>(_ batch: UnsafeBufferPointer<RawEvent>, file: String, to parts: [S]) {
        if parts.count == 1 { return parts[0].add(batch: batch, file: file) }
        var split = [[RawEvent]](repeating: [], count: parts.count)
        for var e in batch {
            let h = e.recipientHash ?? RecipientHash.of(e.recipient)
            e.recipientHash = h
            split[RecipientHash.part(h, of: parts.count)].append(e)
        }
        for (i, events) in split.enumerated() where !events.isEmpty {
            events.withUnsafeBufferPointer { parts[i].add(batch: $0, file: file) }
        }
    }

    public var parts: [RawEventSink] { shards }
}
