import Foundation
import ReportCore

/// One part of the event fold: the recipients whose addresses hash to it, with every message they were sent
/// (see `EventAccumulator`). Memory grows with recipients and messages (one small record per recipient of each
/// send, one entry per recipient-hour of engagement), never with events. Duplicated events (webhook retries)
/// fold into the same state, so they count once. A send delivers one message per recipient: repeated `sent`
/// or `delivered` events for the same send and recipient are the same message.
final class EventShard {
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

        /// A message that went out: sent, delivered or bounced, and not dropped before sending.
        var wentOut: Bool { !contains(.dropped) && !isDisjoint(with: [.sent, .delivered, .hardBounce, .softBounce]) }

        /// Whether the message was delivered: by its `delivered` event where the send has such events, else
        /// sent and not bounced.
        @inline(__always)
        func delivered(sendHasDeliveredEvents: Bool) -> Bool {
            sendHasDeliveredEvents ? contains(.delivered) : (contains(.sent) && isDisjoint(with: [.hardBounce, .softBounce]))
        }
    }

    /// What a shard knows of a send apart from its messages.
    struct Campaign {
        var id: String
        var firstLocation: SourceLocation
        var program: String?
        var firstSendTime: Double?
        var firstEventTime = Double.infinity
        var hasMachineSignal = false
        var typesSeen: UInt16 = 0

        var hasDeliveredEvents: Bool { typesSeen & (1 << EventType.delivered.rawValue) != 0 }

        /// Folds what another part saw of the same send into this one.
        mutating func absorb(_ c: Campaign) {
            if (c.firstLocation.file, c.firstLocation.line ?? 0) < (firstLocation.file, firstLocation.line ?? 0) {
                firstLocation = c.firstLocation
                program = c.program ?? program
            } else if program == nil {
                program = c.program
            }
            if let t = c.firstSendTime { firstSendTime = min(firstSendTime ?? t, t) }
            firstEventTime = min(firstEventTime, c.firstEventTime)
            hasMachineSignal = hasMachineSignal || c.hasMachineSignal
            typesSeen |= c.typesSeen
        }
    }

    let campaignIDs = InternTable(capacity: 256)
    var campaigns: [Campaign] = []
    /// Each recipient record's note is the index + 1 of that recipient's latest message: the events of one
    /// message mostly come together, so the pair is found without a second table lookup.
    let recipients = InternTable(capacity: 4096)
    /// Mailbox provider of each recipient, by recipient id; and of each distinct domain.
    var providers: [UInt8] = []
    let domains = InternTable(capacity: 64)
    var domainProviders: [UInt8] = []
    let pairs = PairTable(capacity: 4096)
    /// recipient << 32 | hour (hours since 1970) of every positive engagement. Hours, not days: a send's
    /// recipients must not look engaged before it because they opened it later the same day.
    var engagementDays = UInt64Set(capacity: 4096)
    let urls = InternTable(capacity: 256)
    /// url << 32 | recipient of every click, and the campaign of each URL id.
    var clickedLinks = UInt64Set(capacity: 1024)
    var urlCampaign: [Int32] = []
    var typesSeen: UInt16 = 0
    private(set) var newestTime = -Double.infinity
    private(set) var eventCount = 0

    init() {}

    // MARK: Adding events

    func add(_ e: RecipientEvent, at location: SourceLocation) {
        let c = campaignID(e.campaign, location: location)
        var recipient = e.recipient
        let (r, record) = recipient.withUTF8 { internRecipient(UnsafeRawBufferPointer($0), domain: e.domain) }
        if campaigns[Int(c)].program == nil, let p = e.program { campaigns[Int(c)].program = p }
        if e.type == .click, var url = e.url, !url.isEmpty {
            url.withUTF8 { add(time: e.time, campaign: c, recipient: r, record: record, type: e.type, bounce: e.bounceType, machine: e.machine, url: UnsafeRawBufferPointer($0)) }
        } else {
            add(time: e.time, campaign: c, recipient: r, record: record, type: e.type, bounce: e.bounceType, machine: e.machine, url: nil)
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

    /// The id and record of a recipient (bytes already normalised), with its mailbox provider from `domain`
    /// or the address. Each distinct domain is classified once.
    @inline(__always)
    func internRecipient(_ bytes: UnsafeRawBufferPointer, hash: UInt64? = nil, domain: String?) -> (Int32, Int) {
        let (r, record, isNew) = recipients.intern(bytes, hash: hash ?? hashBytes(bytes))
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
        return (r, record)
    }

    private func provider(ofDomain d: String) -> UInt8 {
        let (id, isNew) = domains.intern(d)
        if isNew { domainProviders.append(UInt8(MailboxProvider.classify(domain: d).rawValue)) }
        return domainProviders[Int(id)]
    }

    /// The message of a send to a recipient: the recipient's latest one when it is of this send, else looked up.
    @inline(__always)
    private func pairIndex(_ c: Int32, _ r: Int32, record: Int) -> Int {
        let hint = Int(recipients.note(at: record))
        if hint != 0 && pairs.pairs[hint - 1].campaign == c { return hint - 1 }
        let k = pairs.index(c, r)
        recipients.setNote(UInt32(k + 1), at: record)
        return k
    }

    /// A positive engagement (`metrics.md`): a human (or unknown) open, a click, a reply or a forward.
    @inline(__always)
    static func isPositive(_ type: EventType, machine: Bool?) -> Bool {
        switch type {
        case .click, .forward, .reply: return true
        case .open: return machine != true
        default: return false
        }
    }

    /// The fold of one event.
    @inline(__always)
    func add(time: Double, campaign c: Int32, recipient r: Int32, record: Int, type: EventType, bounce: BounceType?, machine: Bool?, url: UnsafeRawBufferPointer?) {
        eventCount += 1
        if time > newestTime { newestTime = time }
        let bit: UInt16 = 1 << type.rawValue
        typesSeen |= bit
        let t = UInt32(clamping: Int64(time))
        let k = pairIndex(c, r, record: record)  // may move the pairs: take the pointer after it
        let state = pairs.pairs + k
        let positive = Self.isPositive(type, machine: machine)
        switch type {
        case .sent, .delivered:
            state.pointee.state.flags |= (type == .sent ? Flags.sent : Flags.delivered).rawValue
            let ci = Int(c)
            if campaigns[ci].firstSendTime == nil || time < campaigns[ci].firstSendTime! { campaigns[ci].firstSendTime = time }
        case .bounce:
            if bounce == .soft {
                state.pointee.state.flags |= Flags.softBounce.rawValue
            } else {
                state.pointee.state.flags |= Flags.hardBounce.rawValue
                state.pointee.state.hardBounce = PairState.earliest(state.pointee.state.hardBounce, t)
            }
        case .dropped:
            state.pointee.state.flags |= Flags.dropped.rawValue
        case .open:
            if machine == true {
                state.pointee.state.flags |= Flags.machineOpen.rawValue
            } else {
                let flag = machine == false ? Flags.humanOpen : Flags.unknownOpen
                state.pointee.state.flags |= flag.rawValue
                state.pointee.state.firstHumanOpen = PairState.earliest(state.pointee.state.firstHumanOpen, t)
            }
            if machine != nil { campaigns[Int(c)].hasMachineSignal = true }
        case .click:
            state.pointee.state.flags |= Flags.click.rawValue
            state.pointee.state.firstClick = PairState.earliest(state.pointee.state.firstClick, t)
            if let url, url.count > 0 {
                let (u, isNew) = urls.intern(url)
                if isNew { urlCampaign.append(c) }
                clickedLinks.insert(UInt64(UInt32(bitPattern: u)) << 32 | UInt64(UInt32(bitPattern: r)))
            }
        case .forward:
            state.pointee.state.flags |= Flags.forward.rawValue
        case .reply:
            state.pointee.state.flags |= Flags.reply.rawValue
        case .unsubscribe:
            state.pointee.state.flags |= Flags.unsubscribe.rawValue
            state.pointee.state.unsubscribe = PairState.earliest(state.pointee.state.unsubscribe, t)
        case .complaint:
            state.pointee.state.flags |= Flags.complaint.rawValue
            state.pointee.state.complaint = PairState.earliest(state.pointee.state.complaint, t)
        case .deletedUnopened:
            state.pointee.state.flags |= Flags.deletedUnopened.rawValue
        }
        if positive {
            state.pointee.state.firstPositive = PairState.earliest(state.pointee.state.firstPositive, t)
            engagementDays.insert(UInt64(UInt32(bitPattern: r)) << 32 | UInt64(t / 3600))
        }
        let ci = Int(c)
        campaigns[ci].typesSeen |= bit
        if time < campaigns[ci].firstEventTime { campaigns[ci].firstEventTime = time }
    }

    // MARK: Combining files

    /// Folds another shard of the same recipients' partition (from another file) into this one: recipients
    /// and sends are matched by name, so a recipient seen in two files is one recipient and a pair seen twice
    /// is one message.
    func absorb(_ other: EventShard) {
        var campaignMap: [Int32] = []
        for c in other.campaigns {
            let id = campaignID(c.id, location: c.firstLocation)
            campaignMap.append(id)
            campaigns[Int(id)].absorb(c)
        }
        var recipientMap = [Int32](repeating: 0, count: other.recipients.count)
        for r in 0..<other.recipients.count {
            let (id, isNew) = other.recipients.withBytes(Int32(r)) { recipients.intern($0) }
            if isNew { providers.append(other.providers[r]) }
            recipientMap[r] = id
        }
        other.pairs.forEach { c, r, s in
            let k = pairs.index(campaignMap[Int(c)], recipientMap[Int(r)])
            pairs.pairs[k].state.merge(s)
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

    /// Per campaign of this shard: 0…13 one per flag bit, 14 machine only, 15 positive, 16 any open,
    /// 17 sent or an outcome, 18 sent and not bounced, 19 soft and not hard, 20 sent and not dropped.
    static let countWidth = 21

    func messageCounts() -> [Int] {
        var counts = [Int](repeating: 0, count: campaigns.count * Self.countWidth)
        pairs.forEach { c, _, s in
            let f = Flags(rawValue: s.flags)
            var bits = s.flags
            let base = Int(c) * Self.countWidth
            while bits != 0 {
                counts[base + bits.trailingZeroBitCount] += 1
                bits &= bits - 1
            }
            if f.contains(.machineOpen) && f.isDisjoint(with: [.humanOpen, .unknownOpen]) { counts[base + 14] += 1 }
            if !f.isDisjoint(with: .positive) { counts[base + 15] += 1 }
            if !f.isDisjoint(with: .anyOpen) { counts[base + 16] += 1 }
            if !f.isDisjoint(with: [.sent, .delivered, .hardBounce, .softBounce]) { counts[base + 17] += 1 }
            if f.contains(.sent) && f.isDisjoint(with: [.hardBounce, .softBounce, .dropped]) { counts[base + 18] += 1 }
            if f.contains(.softBounce) && !f.contains(.hardBounce) { counts[base + 19] += 1 }
            if f.contains(.sent) && !f.contains(.dropped) { counts[base + 20] += 1 }
        }
        return counts
    }
}

extension EventShard: BatchEventSink {
    /// Sizes the tables for about `events` more events, by the shape of typical logs: about 0.4 messages, 0.1
    /// recipients and 0.12 engagement hours per event. Only a guess: the tables still grow past it.
    func expect(events: Int) {
        guard events > 0 else { return }
        pairs.reserve(events * 2 / 5)
        recipients.reserve(events / 10)
        engagementDays.reserve(events / 8)
    }

    /// A batch in four passes, so that the cache misses of different events overlap instead of following
    /// one another: hash every recipient and prefetch its slot; prefetch the record each slot points to;
    /// intern the recipients and sends and prefetch each message (and engagement hour); then fold.
    func add(batch: UnsafeBufferPointer<RawEvent>, file: String) {
        let n = batch.count
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: n) { hashes in
            for k in 0..<n {
                let h = batch[k].recipientHash ?? hashBytes(batch[k].recipient)
                hashes[k] = h
                recipients.prefetchSlot(hash: h)
            }
            for k in 0..<n { recipients.prefetchRecord(hash: hashes[k]) }
            withUnsafeTemporaryAllocation(of: (Int32, Int32, Int).self, capacity: n) { ids in
                for k in 0..<n {
                    let e = batch[k]
                    let c = campaignID(bytes: e.campaign, location: SourceLocation(file: file, line: e.line))
                    if let program = e.program, program.count > 0, campaigns[Int(c)].program == nil {
                        campaigns[Int(c)].program = String(decoding: program, as: UTF8.self)
                    }
                    let domain = e.domain.flatMap { $0.count > 0 ? String(decoding: $0, as: UTF8.self).lowercased() : nil }
                    let (r, record) = internRecipient(e.recipient, hash: hashes[k], domain: domain)
                    ids[k] = (c, r, record)
                    pairs.prefetch(c, r, expected: Int(recipients.note(at: record)) - 1)
                    if Self.isPositive(e.type, machine: e.machine) {
                        engagementDays.prefetch(UInt64(UInt32(bitPattern: r)) << 32 | UInt64(UInt32(clamping: Int64(e.time)) / 3600))
                    }
                }
                for k in 0..<n {
                    let e = batch[k]
                    let (c, r, record) = ids[k]
                    add(time: e.time, campaign: c, recipient: r, record: record, type: e.type, bounce: e.bounce, machine: e.machine, url: e.url)
                }
            }
        }
    }


    /// One event from bytes: a batch of one.
    func add(time: Double, campaign: UnsafeRawBufferPointer, recipient: UnsafeRawBufferPointer, type: EventType,
             bounce: BounceType?, machine: Bool?, url: UnsafeRawBufferPointer?, program: UnsafeRawBufferPointer?,
             domain: UnsafeRawBufferPointer?, file: String, line: Int) {
        var e = RawEvent(time: time, campaign: campaign, recipient: recipient, type: type, bounce: bounce, machine: machine,
                         url: url, program: program, domain: domain, line: line)
        withUnsafePointer(to: &e) { add(batch: UnsafeBufferPointer(start: $0, count: 1), file: file) }
    }
}
