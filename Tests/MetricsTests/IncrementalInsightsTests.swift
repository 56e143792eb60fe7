@testable import EventFold
import Foundation
import Testing
@testable import Metrics
import ReportCore

/// `InsightsBase`: a walk made from a cached one, walking only the recipients a new file touches, gives
/// exactly the insights of a walk over every recipient — for random weeks of events of every kind, with late
/// events for earlier sends, new recipients and new sends, through the build cache's encoding of the base.
@Suite struct IncrementalInsightsTests {
    /// Events of week `w` (0, 1, …, from Monday 2 November 2026): a send of each of two programs to part of
    /// 60 recipients (some new each week; from week 3 on, a quarter of them), and late events for the sends of
    /// the week before.
    static func week(_ w: Int, seed: UInt64, newProgram: Bool = false) -> [RecipientEvent] {
        var state = seed &+ UInt64(w) &* 0x9E37_79B9_7F4A_7C15
        func roll(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        let monday = date("2026-11-02T08:00:00Z").timeIntervalSince1970 + Double(w) * 7 * 86400
        var out: [RecipientEvent] = []
        let programs = newProgram ? ["news", "promo", "extra"] : ["news", "promo"]
        for (p, program) in programs.enumerated() {
            let send = "\(program)-w\(w)", at = monday + Double(p) * 86400
            for r in 0..<(45 + 5 * w) where roll(3) > 0 && (w < 3 || r % 4 == 0 || r >= 45 + 5 * (w - 1)) {
                let who = "r\(r)@\(["gmail.com", "outlook.com", "icloud.com", "example.org"][r % 4])"
                func add(_ dt: Double, _ type: EventType, bounce: BounceType? = nil, machine: Bool? = nil, url: String? = nil,
                         reason: BounceReason? = nil) {
                    out.append(RecipientEvent(time: at + dt, campaign: send, recipient: who, type: type, bounceType: bounce,
                                              machine: machine, url: url, program: program, bounceReason: reason))
                }
                add(0, .sent)
                switch roll(12) {
                case 0: add(60, .bounce, bounce: roll(2) == 0 ? .hard : .soft, reason: BounceReason.allCases[roll(BounceReason.allCases.count)])
                case 1: add(30, .deferred, reason: .mailboxFull); add(900, .delivered)
                case 2: add(5, .dropped)
                default: add(60, .delivered)
                }
                // Some engagement comes in the next week's file.
                let late = (w == 2 ? roll(4) == 0 : roll(2) == 0) ? 6 * 86400.0 : 0
                if roll(3) == 0 { add(3600 * Double(1 + roll(40)) + late, .open, machine: [true, false, nil][roll(3)]) }
                if roll(5) == 0 { add(7200 + late, .click, url: "https://x.example/\(roll(3))?u=\(r)") }
                if roll(25) == 0 { add(86400 + late, .unsubscribe) }
                if roll(40) == 0 { add(90000 + late, .complaint) }
            }
        }
        return out
    }

    static func fold(_ events: [RecipientEvent], into sink: RawEventSink) {
        for (i, e) in events.enumerated() { sink.add(e, at: SourceLocation(file: "w.csv", line: i + 2)) }
    }

    /// Events of weeks 0 ..< n, in the order of their week's file (an event is in the file of its own week).
    static func files(_ n: Int, seed: UInt64, newProgramIn: Int? = nil) -> [[RecipientEvent]] {
        let all = (0..<n).flatMap { week($0, seed: seed, newProgram: $0 == newProgramIn) }
        let start = date("2026-11-02T00:00:00Z").timeIntervalSince1970
        return (0..<n + 1).map { w in all.filter { Int(($0.time - start) / (7 * 86400)) == w } }.filter { !$0.isEmpty }
    }

    /// Every figure of the insights as text, in a fixed order (a dictionary with keys other than strings is
    /// encoded in the order of its hashes).
    static func encoded(_ i: RecipientInsights?) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = .sortedKeys
        func text<T: Encodable>(_ v: T) throws -> String { String(decoding: try e.encode(v), as: UTF8.self) }
        guard let i else { return "none" }
        var out = [try text(i.sender), try text(i.programs), try text(i.frequency), try text(i.overThreshold), try text(i.bounceReasons)]
        for (id, s) in i.sends.sorted(by: { $0.key < $1.key }) {
            out.append(id)
            out += [try text(s.opensByHour), try text(s.clicksByHour), try text(s.topLinks), "\(s.sentAfterOptOut)"]
            for p in MailboxProvider.allCases { out.append(try text(s.providers[p])) }
        }
        return out.joined(separator: "\n")
    }

    /// The base as the build cache keeps it: written and read back, then adopted by the fold it was made of.
    static func throughTheCache(_ acc: EventAccumulator) throws {
        let url = FileManager.default.temporaryDirectory.appending(path: "base-\(UUID().uuidString).bin")
        defer { try? FileManager.default.removeItem(at: url) }
        let w = try CacheWriter(url)
        try #require(acc.insightsBase).write(to: w)
        _ = try w.commit()
        let r = try #require(try CacheReader(url))
        let base = try InsightsBase(reading: r)
        _ = try r.finish()
        acc.insightsBase = nil
        acc.adopt(base)
        #expect(acc.insightsBase != nil, "the base fits the fold it was made of")
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6] as [UInt64])
    func aWalkOfTheTouchedRecipientsIsTheWalkOfAll(seed: UInt64) throws {
        let files = Self.files(5, seed: seed)
        let config = config()
        let cached = EventAccumulator(shards: 2)
        for f in files.dropLast(2) { Self.fold(f, into: cached) }
        _ = try ReportBuilder.build(config: config, rows: [], evidence: cached)
        #expect(cached.lastWalk == .everyRecipient)
        try Self.throughTheCache(cached)
        // The next two weeks' files, folded on top: their recipients are found first, then folded in.
        let markers = try #require(cached.touchMarkers())
        for f in files.suffix(2) { Self.fold(f, into: markers) }
        cached.noteTouched(markers)
        for f in files.suffix(2) { Self.fold(f, into: cached) }
        let incremental = try ReportBuilder.build(config: config, rows: [], evidence: cached)
        guard case .touched(let n)? = cached.lastWalk else { Issue.record("every recipient was walked \(files.map(\.count)) \(cached.recipientCount)"); return }
        #expect(n > 0 && n < cached.recipientCount, "some recipients, not all: \(n) of \(cached.recipientCount)")

        let fresh = EventAccumulator(shards: 2)
        for f in files { Self.fold(f, into: fresh) }
        let whole = try ReportBuilder.build(config: config, rows: [], evidence: fresh)
        #expect(whole.insights != nil)
        #expect(try Self.encoded(incremental.insights) == Self.encoded(whole.insights))
    }

    /// What the walk cannot take from the base: events folded in that no marker saw, a new program.
    @Test func aFoldTheBaseDoesNotDescribeIsWalkedWhole() throws {
        let files = Self.files(4, seed: 9, newProgramIn: 3)
        let config = config()
        let acc = EventAccumulator(shards: 2)
        for f in files.dropLast(1) { Self.fold(f, into: acc) }
        _ = try ReportBuilder.build(config: config, rows: [], evidence: acc)
        Self.fold(files.last!, into: acc)  // not marked first
        var report = try ReportBuilder.build(config: config, rows: [], evidence: acc)
        #expect(acc.lastWalk == .everyRecipient)
        let fresh = EventAccumulator(shards: 2)
        for f in files { Self.fold(f, into: fresh) }
        #expect(try Self.encoded(report.insights) == Self.encoded(ReportBuilder.build(config: config, rows: [], evidence: fresh).insights))

        // A third program's first send (week 3, the fourth file on): the rows of the tiers are others.
        let again = EventAccumulator(shards: 2)
        for f in files.prefix(3) { Self.fold(f, into: again) }
        _ = try ReportBuilder.build(config: config, rows: [], evidence: again)
        let markers = try #require(again.touchMarkers())
        for f in files.dropFirst(3) { Self.fold(f, into: markers) }
        again.noteTouched(markers)
        for f in files.dropFirst(3) { Self.fold(f, into: again) }
        report = try ReportBuilder.build(config: config, rows: [], evidence: again)
        #expect(again.lastWalk == .everyRecipient)
        #expect(try Self.encoded(report.insights) == Self.encoded(ReportBuilder.build(config: config, rows: [], evidence: fresh).insights))
    }

    /// A send whose first `delivered` event comes in a later file: every message of it is delivered by
    /// another rule now (`Message.isDelivered`), so its recipients the file does not touch count otherwise too.
    @Test func aSendThatStartsReportingDeliveriesIsWalkedWhole() throws {
        let t = date("2026-11-02T08:00:00Z").timeIntervalSince1970
        func event(_ dt: Double, _ r: Int, _ type: EventType, bounce: BounceType? = nil) -> RecipientEvent {
            RecipientEvent(time: t + dt, campaign: "nl-1", recipient: "r\(r)@example.org", type: type, bounceType: bounce, program: "news")
        }
        // Sent-only first: delivered means not bounced. Then one delivery is reported, for one recipient.
        let first = (0..<20).map { event(0, $0, .sent) } + [event(60, 3, .bounce, bounce: .soft), event(3600, 5, .open)]
        let later = [event(86400, 7, .delivered)]
        let config = config()
        let acc = EventAccumulator(shards: 2)
        Self.fold(first, into: acc)
        _ = try ReportBuilder.build(config: config, rows: [], evidence: acc)
        let markers = try #require(acc.touchMarkers())
        Self.fold(later, into: markers)
        acc.noteTouched(markers)
        Self.fold(later, into: acc)
        let report = try ReportBuilder.build(config: config, rows: [], evidence: acc)
        #expect(acc.lastWalk == .everyRecipient)
        let fresh = EventAccumulator(shards: 2)
        Self.fold(first + later, into: fresh)
        #expect(try Self.encoded(report.insights) == Self.encoded(ReportBuilder.build(config: config, rows: [], evidence: fresh).insights))
    }

    @Test func takingAwayATallyUndoesAddingIt() {
        var all = MessageTally()
        for facts in [MessageFacts.sent, .delivered, .hardBounce, .softBounce, .undeterminedBounce, .dropped, .humanOpen, .machineOpen,
                      .unverifiedOpen, .click, .forward, .reply, .unsubscribe, .complaint, .deletedUnopened] {
            var m = Message()
            m.facts = facts.union(facts == .dropped || facts.contains(.delivered) ? [] : [.sent])
            all.add(m, in: SendEvidence())
            all.add(m, in: SendEvidence(types: { var t = EventTypesSeen(); t.insert(.delivered); return t }()))
        }
        // Every field counts something, so a field `-=` forgot would show.
        #expect(Mirror(reflecting: all).children.allSatisfy { ($0.value as? Int ?? 0) > 0 })
        var twice = all
        twice += all
        twice -= all
        #expect(twice == all)
    }
}
