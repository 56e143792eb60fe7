import Foundation
import ReportCore

/// Folds recipient events into per-send, per-recipient state as they stream in. Memory grows with
/// recipients and messages (one small record per recipient of each send, one entry per recipient-day of
/// engagement), never with events. Duplicated events (webhook retries) fold into the same state, so they
/// count once. A send delivers one message per recipient: repeated `sent` or `delivered` events for the same
/// send and recipient are the same message.
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
        var typesSeen: UInt16 = 0
    }

    var campaignIDs = InternTable(capacity: 256)
    var campaigns: [Campaign] = []
    var recipients = InternTable(capacity: 4096)
    /// Mailbox provider of each recipient, by recipient id; and of each distinct domain.
    var providers: [UInt8] = []
    var domains = InternTable(capacity: 64)
    var domainProviders: [UInt8] = []
    var pairs = PairTable(capacity: 4096)
    /// recipient << 32 | hour (hours since 1970) of every positive engagement. Hours, not days: a send's
    /// recipients must not look engaged before it because they opened it later the same day.
    var engagementDays = UInt64Set(capacity: 4096)
    var urls = InternTable(capacity: 256)
    /// url << 32 | recipient of every click, and the campaign of each URL id.
    var clickedLinks = UInt64Set(capacity: 1024)
    var urlCampaign: [Int32] = []
    var typesSeen: UInt16 = 0
    public private(set) var newestTime = -Double.infinity
    public private(set) var eventCount = 0

    public init() {}

    /// An accumulator sized for about `recipients` recipients and `pairs` messages, so a large log does not
    /// rebuild its tables while it grows.
    public init(expectedRecipients recipients: Int, expectedPairs pairs: Int) {
        self.recipients = InternTable(capacity: recipients)
        self.pairs = PairTable(capacity: pairs)
        self.engagementDays = UInt64Set(capacity: pairs / 2)
    }

    public var recipientCount: Int { recipients.count }

    // MARK: Adding events

    public func add(_ e: RecipientEvent, at location: SourceLocation) {
        let c = campaignID(e.campaign, location: location)
        var recipient = e.recipient
        let r: Int32 = recipient.withUTF8 { internRecipient(UnsafeRawBufferPointer($0), domain: e.domain) }
        if campaigns[Int(c)].program == nil, let p = e.program { campaigns[Int(c)].program = p }
        if e.type == .click, var url = e.url, !url.isEmpty {
            url.withUTF8 { add(time: e.time, campaign: c, recipient: r, type: e.type, bounce: e.bounceType, machine: e.machine, url: UnsafeRawBufferPointer($0)) }
        } else {
            add(time: e.time, campaign: c, recipient: r, type: e.type, bounce: e.bounceType, machine: e.machine, url: nil)
        }
    }

    /// The id of a campaign, registering it (with where it was first seen) if new.
    func campaignID(_ id: String, location: @autoclosure () -> SourceLocation) -> Int32 {
        let (c, isNew) = campaignIDs.intern(id)
        if isNew { campaigns.append(Campaign(id: id, firstLocation: location())) }
        return c
    }

    func campaignID(bytes: UnsafeRawBufferPointer, location: @autoclosure () -> SourceLocation) -> Int32 {
        let (c, isNew) = campaignIDs.intern(bytes)
        if isNew { campaigns.append(Campaign(id: String(decoding: bytes, as: UTF8.self), firstLocation: location())) }
        return c
    }

    /// The id of a recipient (bytes already normalised), with its mailbox provider from `domain` or the
    /// address. Each distinct domain is classified once.
    func internRecipient(_ bytes: UnsafeRawBufferPointer, domain: String?) -> Int32 {
        let (r, isNew) = recipients.intern(bytes)
        if isNew {
            if let domain {
                providers.append(provider(ofDomain: domain))
            } else if let at = bytes.lastIndex(of: UInt8(ascii: "@")) {
                let d = UnsafeRawBufferPointer(rebasing: bytes[(at + 1)...])
                let (id, isNewDomain) = domains.intern(d)
                if isNewDomain { domainProviders.append(UInt8(MailboxProvider.classify(domain: String(decoding: d, as: UTF8.self)).rawValue)) }
                providers.append(domainProviders[Int(id)])
            } else {
                providers.append(UInt8(MailboxProvider.other.rawValue))
            }
        }
        return r
    }

    private func provider(ofDomain d: String) -> UInt8 {
        let (id, isNew) = domains.intern(d)
        if isNew { domainProviders.append(UInt8(MailboxProvider.classify(domain: d).rawValue)) }
        return domainProviders[Int(id)]
    }

    /// The fold of one event.
    @inline(__always)
    func add(time: Double, campaign c: Int32, recipient r: Int32, type: EventType, bounce: BounceType?, machine: Bool?, url: UnsafeRawBufferPointer?) {
        eventCount += 1
        if time > newestTime { newestTime = time }
        let bit: UInt16 = 1 << type.rawValue
        typesSeen |= bit
        let t = UInt32(clamping: Int64(time))
        let slot = pairs.slot(c, r)
        var positive = false
        switch type {
        case .sent, .delivered:
            pairs.states[slot].flags |= (type == .sent ? Flags.sent : Flags.delivered).rawValue
            let ci = Int(c)
            if campaigns[ci].firstSendTime == nil || time < campaigns[ci].firstSendTime! { campaigns[ci].firstSendTime = time }
        case .bounce:
            if bounce == .soft {
                pairs.states[slot].flags |= Flags.softBounce.rawValue
            } else {
                pairs.states[slot].flags |= Flags.hardBounce.rawValue
                pairs.states[slot].hardBounce = PairState.earliest(pairs.states[slot].hardBounce, t)
            }
        case .dropped:
            pairs.states[slot].flags |= Flags.dropped.rawValue
        case .open:
            if machine == true {
                pairs.states[slot].flags |= Flags.machineOpen.rawValue
            } else {
                let flag = machine == false ? Flags.humanOpen : Flags.unknownOpen
                pairs.states[slot].flags |= flag.rawValue
                pairs.states[slot].firstHumanOpen = PairState.earliest(pairs.states[slot].firstHumanOpen, t)
                positive = true
            }
            if machine != nil { campaigns[Int(c)].hasMachineSignal = true }
        case .click:
            pairs.states[slot].flags |= Flags.click.rawValue
            pairs.states[slot].firstClick = PairState.earliest(pairs.states[slot].firstClick, t)
            positive = true
            if let url, url.count > 0 {
                let (u, isNew) = urls.intern(url)
                if isNew { urlCampaign.append(c) }
                clickedLinks.insert(UInt64(UInt32(bitPattern: u)) << 32 | UInt64(UInt32(bitPattern: r)))
            }
        case .forward:
            pairs.states[slot].flags |= Flags.forward.rawValue
            positive = true
        case .reply:
            pairs.states[slot].flags |= Flags.reply.rawValue
            positive = true
        case .unsubscribe:
            pairs.states[slot].flags |= Flags.unsubscribe.rawValue
            pairs.states[slot].unsubscribe = PairState.earliest(pairs.states[slot].unsubscribe, t)
        case .complaint:
            pairs.states[slot].flags |= Flags.complaint.rawValue
            pairs.states[slot].complaint = PairState.earliest(pairs.states[slot].complaint, t)
        case .deletedUnopened:
            pairs.states[slot].flags |= Flags.deletedUnopened.rawValue
        }
        if positive {
            pairs.states[slot].firstPositive = PairState.earliest(pairs.states[slot].firstPositive, t)
            engagementDays.insert(UInt64(UInt32(bitPattern: r)) << 32 | UInt64(t / 3600))
        }
        let ci = Int(c)
        campaigns[ci].typesSeen |= bit
        if time < campaigns[ci].firstEventTime { campaigns[ci].firstEventTime = time }
    }

    // MARK: Combining files

    /// One accumulator holding several: recipients and sends are matched by name, so a recipient seen in two
    /// files is one recipient and a pair seen twice is one message. The parts are left as they are.
    public static func merged(_ parts: [EventAccumulator]) -> EventAccumulator {
        if parts.count == 1 { return parts[0] }
        let out = EventAccumulator()
        for part in parts { out.absorb(part) }
        return out
    }

    /// Folds the others into the first, which is returned: for the workers of one file, whose separate
    /// tables are never needed again (no third copy is made).
    public static func mergedInPlace(_ parts: [EventAccumulator]) -> EventAccumulator? {
        guard let first = parts.max(by: { $0.pairs.count < $1.pairs.count }) else { return nil }
        for part in parts where part !== first { first.absorb(part) }
        return first
    }

    private func absorb(_ other: EventAccumulator) {
        var campaignMap: [Int32] = []
        for c in other.campaigns {
            let id = campaignID(c.id, location: c.firstLocation)
            campaignMap.append(id)
            var mine = campaigns[Int(id)]
            if mine.program == nil { mine.program = c.program }
            if let t = c.firstSendTime { mine.firstSendTime = min(mine.firstSendTime ?? t, t) }
            mine.firstEventTime = min(mine.firstEventTime, c.firstEventTime)
            mine.hasMachineSignal = mine.hasMachineSignal || c.hasMachineSignal
            mine.typesSeen |= c.typesSeen
            campaigns[Int(id)] = mine
        }
        var recipientMap = [Int32](repeating: 0, count: other.recipients.count)
        for r in 0..<other.recipients.count {
            let (id, isNew) = other.recipients.withBytes(Int32(r)) { recipients.intern($0) }
            if isNew { providers.append(other.providers[r]) }
            recipientMap[r] = id
        }
        other.pairs.forEach { c, r, s in
            let slot = pairs.slot(campaignMap[Int(c)], recipientMap[Int(r)])
            pairs.states[slot].merge(s)
        }
        other.engagementDays.forEach { v in
            engagementDays.insert(UInt64(UInt32(bitPattern: recipientMap[Int(v >> 32)])) << 32 | (v & 0xFFFF_FFFF))
        }
        var urlMap: [Int32] = []
        for u in 0..<other.urls.count {
            let (id, isNew) = other.urls.withBytes(Int32(u)) { urls.intern($0) }
            if isNew { urlCampaign.append(campaignMap[Int(other.urlCampaign[u])]) }
            urlMap.append(id)
        }
        other.clickedLinks.forEach { v in
            clickedLinks.insert(UInt64(UInt32(bitPattern: urlMap[Int(v >> 32)])) << 32 | UInt64(UInt32(bitPattern: recipientMap[Int(v & 0xFFFF_FFFF)])))
        }
        typesSeen |= other.typesSeen
        eventCount += other.eventCount
        newestTime = max(newestTime, other.newestTime)
    }

    // MARK: Per-send counts

    public func summaries() -> [String: EventSummary] {
        var counts = [[Int]](repeating: [Int](repeating: 0, count: 21), count: campaigns.count)
        // 0..13 flag bits, 14 machine only, 15 positive, 16 any open, 17 sent or outcome, 18 sent not bounced,
        // 19 soft not hard, 20 sent and not dropped
        pairs.forEach { c, _, s in
            let f = Flags(rawValue: s.flags)
            var bits = s.flags
            let ci = Int(c)
            while bits != 0 {
                counts[ci][bits.trailingZeroBitCount] += 1
                bits &= bits - 1
            }
            if f.contains(.machineOpen) && f.isDisjoint(with: [.humanOpen, .unknownOpen]) { counts[ci][14] += 1 }
            if !f.isDisjoint(with: .positive) { counts[ci][15] += 1 }
            if !f.isDisjoint(with: .anyOpen) { counts[ci][16] += 1 }
            if !f.isDisjoint(with: [.sent, .delivered, .hardBounce, .softBounce]) { counts[ci][17] += 1 }
            if f.contains(.sent) && f.isDisjoint(with: [.hardBounce, .softBounce, .dropped]) { counts[ci][18] += 1 }
            if f.contains(.softBounce) && !f.contains(.hardBounce) { counts[ci][19] += 1 }
            if f.contains(.sent) && !f.contains(.dropped) { counts[ci][20] += 1 }
        }
        var out: [String: EventSummary] = [:]
        for (ci, c) in campaigns.enumerated() {
            let n = counts[ci]
            func count(_ f: Flags) -> Int { n[f.rawValue.trailingZeroBitCount] }
            func saw(_ t: EventType) -> Bool { c.typesSeen & (1 << t.rawValue) != 0 }
            func anywhere(_ t: EventType) -> Bool { typesSeen & (1 << t.rawValue) != 0 }
            var k = SendCounts()
            // Without `sent` events (Postmark, for one, has none) every delivered or bounced message was sent.
            // A dropped message was suppressed before sending (SendGrid and SES report it as sent too): not sent.
            k.sent = saw(.sent) ? n[20] : n[17]
            // Without `delivered` events, a sent message that did not bounce was delivered.
            k.delivered = saw(.delivered) ? count(.delivered) : (saw(.sent) ? n[18] : nil)
            k.hardBounces = count(.hardBounce)
            k.softBounces = n[19]
            k.dropped = count(.dropped)
            k.uniqueOpens = n[16]
            k.machineOpens = c.hasMachineSignal ? n[14] : nil
            k.uniqueClicks = count(.click)
            k.unsubscribes = count(.unsubscribe)
            k.complaints = count(.complaint)
            // Most sources never report forwards, replies or deletes: where the whole input has none of a kind,
            // it is unknown rather than zero.
            k.forwards = anywhere(.forward) ? count(.forward) : nil
            k.replies = anywhere(.reply) ? count(.reply) : nil
            k.deletedUnopened = anywhere(.deletedUnopened) ? count(.deletedUnopened) : nil
            k.positiveRecipients = n[15]
            out[c.id] = EventSummary(
                campaign: c.id, counts: k, program: c.program, firstSendTime: c.firstSendTime ?? c.firstEventTime,
                hasMachineSignal: c.hasMachineSignal, location: c.firstLocation)
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

extension EventAccumulator: RawEventSink {
    public func add(time: Double, campaign: UnsafeRawBufferPointer, recipient: UnsafeRawBufferPointer, type: EventType,
                    bounce: BounceType?, machine: Bool?, url: UnsafeRawBufferPointer?, program: UnsafeRawBufferPointer?,
                    domain: UnsafeRawBufferPointer?, file: String, line: Int) {
        let c = campaignID(bytes: campaign, location: SourceLocation(file: file, line: line))
        if let program, program.count > 0, campaigns[Int(c)].program == nil {
            campaigns[Int(c)].program = String(decoding: program, as: UTF8.self)
        }
        let r = internRecipient(recipient, domain: domain.flatMap { $0.count > 0 ? String(decoding: $0, as: UTF8.self).lowercased() : nil })
        add(time: time, campaign: c, recipient: r, type: type, bounce: bounce, machine: machine, url: url)
    }
}
