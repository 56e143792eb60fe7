import Foundation
import ReportCore

/// Folds recipient events into per-send, per-recipient state as they stream in. Memory grows with
/// recipients and messages (one small flag word per recipient of each send), never with events, and
/// duplicated events (webhook retries) fold into the same flags, so they count once.
///
/// A send delivers one message per recipient: repeated `sent` or `delivered` events for the same send and
/// recipient are the same message.
public final class EventAccumulator {
    struct Flags: OptionSet {
        let rawValue: UInt16
        static let sent = Flags(rawValue: 1 << 0)
        static let delivered = Flags(rawValue: 1 << 1)
        static let hardBounce = Flags(rawValue: 1 << 2)
        static let softBounce = Flags(rawValue: 1 << 3)
        static let dropped = Flags(rawValue: 1 << 4)
        static let humanOpen = Flags(rawValue: 1 << 5)
        static let machineOpen = Flags(rawValue: 1 << 6)
        static let unknownOpen = Flags(rawValue: 1 << 7)
        static let click = Flags(rawValue: 1 << 8)
        static let forward = Flags(rawValue: 1 << 9)
        static let reply = Flags(rawValue: 1 << 10)
        static let unsubscribe = Flags(rawValue: 1 << 11)
        static let complaint = Flags(rawValue: 1 << 12)
        static let deletedUnopened = Flags(rawValue: 1 << 13)

        static let anyOpen: Flags = [.humanOpen, .machineOpen, .unknownOpen]
        static let positive: Flags = [.humanOpen, .unknownOpen, .click, .forward, .reply]
    }

    struct Campaign {
        var id: String
        var firstLocation: SourceLocation
        var program: String?
        var firstSendTime: Double?
        var firstEventTime = Double.infinity
        var hasMachineSignal = false
        var typesSeen: Set<EventType> = []
        var recipients: [Int32: Flags] = [:]
    }

    private var campaignIndex: [String: Int] = [:]
    private var campaigns: [Campaign] = []
    private var recipientIndex: [String: Int32] = [:]
    private var recipientNames: [String] = []
    private var typesSeen: Set<EventType> = []
    public private(set) var newestTime = -Double.infinity
    public private(set) var eventCount = 0

    public init() {}

    public var recipientCount: Int { recipientIndex.count }

    public func add(_ e: RecipientEvent, at location: SourceLocation) {
        eventCount += 1
        let ci: Int
        if let i = campaignIndex[e.campaign] {
            ci = i
        } else {
            ci = campaigns.count
            campaignIndex[e.campaign] = ci
            campaigns.append(Campaign(id: e.campaign, firstLocation: location))
        }
        let ri: Int32
        if let r = recipientIndex[e.recipient] {
            ri = r
        } else {
            ri = Int32(recipientIndex.count)
            recipientIndex[e.recipient] = ri
            recipientNames.append(e.recipient)
        }
        newestTime = max(newestTime, e.time)
        typesSeen.insert(e.type)
        let flag: Flags
        switch e.type {
        case .sent: flag = .sent
        case .delivered: flag = .delivered
        case .bounce: flag = e.bounceType == .soft ? .softBounce : .hardBounce
        case .dropped: flag = .dropped
        case .open:
            switch e.machine {
            case true?: flag = .machineOpen
            case false?: flag = .humanOpen
            case nil: flag = .unknownOpen
            }
        case .click: flag = .click
        case .forward: flag = .forward
        case .reply: flag = .reply
        case .unsubscribe: flag = .unsubscribe
        case .complaint: flag = .complaint
        case .deletedUnopened: flag = .deletedUnopened
        }
        campaigns[ci].recipients[ri, default: []].insert(flag)
        campaigns[ci].typesSeen.insert(e.type)
        campaigns[ci].firstEventTime = min(campaigns[ci].firstEventTime, e.time)
        if e.type == .sent || e.type == .delivered {
            campaigns[ci].firstSendTime = min(campaigns[ci].firstSendTime ?? e.time, e.time)
        }
        if e.type == .open && e.machine != nil { campaigns[ci].hasMachineSignal = true }
        if campaigns[ci].program == nil, let p = e.program { campaigns[ci].program = p }
    }

    /// Per-send counts derived from the events, by campaign id.
    public func summaries() -> [String: EventSummary] {
        Self.summaries(of: [self])
    }

    /// Per-send counts over several accumulators (one per input file, so a rebuild re-reads only changed
    /// files). A send whose events sit in one file is summarised as it is; one spread over several files has
    /// its recipients merged by name first, so a recipient seen in two files counts once.
    public static func summaries(of parts: [EventAccumulator]) -> [String: EventSummary] {
        let typesSeen = parts.reduce(into: Set<EventType>()) { $0.formUnion($1.typesSeen) }
        var holders: [String: [(EventAccumulator, Int)]] = [:]
        for part in parts {
            for (i, c) in part.campaigns.enumerated() { holders[c.id, default: []].append((part, i)) }
        }
        var out: [String: EventSummary] = [:]
        for (id, list) in holders {
            if list.count == 1 {
                out[id] = summarize(list[0].0.campaigns[list[0].1], typesSeen: typesSeen)
                continue
            }
            var merged = list[0].0.campaigns[list[0].1]
            merged.recipients = [:]
            var index: [String: Int32] = [:]
            for (part, i) in list {
                let c = part.campaigns[i]
                for (r, flags) in c.recipients {
                    let name = part.recipientNames[Int(r)]
                    let gi = index[name] ?? {
                        let n = Int32(index.count)
                        index[name] = n
                        return n
                    }()
                    merged.recipients[gi, default: []].formUnion(flags)
                }
                merged.typesSeen.formUnion(c.typesSeen)
                merged.firstEventTime = min(merged.firstEventTime, c.firstEventTime)
                if let t = c.firstSendTime { merged.firstSendTime = min(merged.firstSendTime ?? t, t) }
                merged.hasMachineSignal = merged.hasMachineSignal || c.hasMachineSignal
                if merged.program == nil { merged.program = c.program }
            }
            out[id] = summarize(merged, typesSeen: typesSeen)
        }
        return out
    }

    /// The newest event time and event count over several accumulators.
    public static func newestTime(of parts: [EventAccumulator]) -> Double? {
        let times = parts.filter { $0.eventCount > 0 }.map(\.newestTime)
        return times.max()
    }

    private static func summarize(_ c: Campaign, typesSeen: Set<EventType>) -> EventSummary {
        var n = [Int](repeating: 0, count: 16)
        var machineOnly = 0, positive = 0, anyOpen = 0, sentOrOutcome = 0, sentNotBounced = 0
        for flags in c.recipients.values {
            var bits = flags.rawValue
            while bits != 0 {
                let i = bits.trailingZeroBitCount
                n[i] += 1
                bits &= bits - 1
            }
            if !flags.isDisjoint(with: .anyOpen) { anyOpen += 1 }
            if flags.contains(.machineOpen) && flags.isDisjoint(with: [.humanOpen, .unknownOpen]) { machineOnly += 1 }
            if !flags.isDisjoint(with: .positive) { positive += 1 }
            if !flags.isDisjoint(with: [.sent, .delivered, .hardBounce, .softBounce]) { sentOrOutcome += 1 }
            if flags.contains(.sent) && flags.isDisjoint(with: [.hardBounce, .softBounce]) { sentNotBounced += 1 }
        }
        func count(_ f: Flags) -> Int { n[f.rawValue.trailingZeroBitCount] }
        let hasSent = c.typesSeen.contains(.sent)
        let hasDelivered = c.typesSeen.contains(.delivered)
        var counts = SendCounts()
        // Without `sent` events (Postmark, for one, has none) every delivered or bounced message was sent.
        counts.sent = hasSent ? count(.sent) : sentOrOutcome
        // Without `delivered` events, a sent message that did not bounce was delivered.
        counts.delivered = hasDelivered ? count(.delivered) : (hasSent ? sentNotBounced : nil)
        counts.hardBounces = count(.hardBounce)
        counts.softBounces = c.recipients.values.filter { $0.contains(.softBounce) && !$0.contains(.hardBounce) }.count
        counts.dropped = count(.dropped)
        counts.uniqueOpens = anyOpen
        counts.machineOpens = c.hasMachineSignal ? machineOnly : nil
        counts.uniqueClicks = count(.click)
        counts.unsubscribes = count(.unsubscribe)
        counts.complaints = count(.complaint)
        // Most sources never report forwards, replies or deletes: where the whole input has none of a kind,
        // it is unknown rather than zero.
        counts.forwards = typesSeen.contains(.forward) ? count(.forward) : nil
        counts.replies = typesSeen.contains(.reply) ? count(.reply) : nil
        counts.deletedUnopened = typesSeen.contains(.deletedUnopened) ? count(.deletedUnopened) : nil
        counts.positiveRecipients = positive
        return EventSummary(
            campaign: c.id, counts: counts, program: c.program,
            firstSendTime: c.firstSendTime ?? c.firstEventTime, hasMachineSignal: c.hasMachineSignal,
            location: c.firstLocation)
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
