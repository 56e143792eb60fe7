import Foundation
import ReportCore

/// One part of the event fold: the recipients whose addresses hash to it, with every message they were sent
/// (see `EventAccumulator`). Memory grows with recipients and messages (one `Message` per recipient of each
/// send, one entry per recipient-hour of engagement), never with events. What an event means for its message
/// is `Message.record`; this type only finds the message.
final class EventShard {
    /// What a shard knows of a send apart from its messages.
    struct Campaign {
        var id: String
        var firstLocation: SourceLocation
        var program: String?
        var firstSendTime: Double?
        var firstEventTime = Double.infinity
        var evidence = SendEvidence()

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
            evidence.types.formUnion(c.evidence.types)
            evidence.hasMachineSignal = evidence.hasMachineSignal || c.evidence.hasMachineSignal
        }
    }

    // The tables are `let`: the fold calls them millions of times, and a `var` of a class would be retained
    // and released around every call.
    let campaignIDs: InternTable
    var campaigns: [Campaign] = []
    /// Each recipient record's note is the index + 1 of that recipient's latest message: the events of one
    /// message mostly come together, so the pair is found without a second table lookup.
    let recipients: InternTable
    /// Mailbox provider of each recipient, by recipient id; and of each distinct domain.
    var providers: [UInt8] = []
    let domains: InternTable
    var domainProviders: [UInt8] = []
    let pairs: PairTable
    /// recipient << 32 | hour (hours since 1970) of every engagement only a person makes, and of every open
    /// without a signal. Hours, not days: a send's recipients must not look engaged before it because they
    /// opened it later the same day.
    var engagementHours = UInt64Set(capacity: 4096)
    var unverifiedOpenHours = UInt64Set(capacity: 16)
    let urls: InternTable
    /// link << 32 | recipient of every click, and the campaign of each link id (a link is a send's URL, `link`).
    var clickedLinks = UInt64Set(capacity: 1024)
    var urlCampaign: [Int32] = []
    var typesSeen = EventTypesSeen()
    fileprivate(set) var newestTime = -Double.infinity
    fileprivate(set) var eventCount = 0

    convenience init() {
        self.init(campaignIDs: InternTable(capacity: 256), recipients: InternTable(capacity: 4096),
                  domains: InternTable(capacity: 64), pairs: PairTable(capacity: 4096), urls: InternTable(capacity: 256))
    }

    init(campaignIDs: InternTable, recipients: InternTable, domains: InternTable, pairs: PairTable, urls: InternTable) {
        self.campaignIDs = campaignIDs
        self.recipients = recipients
        self.domains = domains
        self.pairs = pairs
        self.urls = urls
    }

    // MARK: Finding the message

    func campaignID(_ id: String, location: @autoclosure () -> SourceLocation) -> Int32 {
        let (c, isNew) = campaignIDs.intern(id)
        if isNew { campaigns.append(Campaign(id: id, firstLocation: location())) }
        return c
    }

    /// The id of a send, from the bytes of an event at `line` of `file` (its first location when it is new).
    func campaignID(bytes: UnsafeRawBufferPointer, file: String, line: Int) -> Int32 {
        let (c, isNew) = campaignIDs.intern(bytes)
        if isNew {
            campaigns.append(Campaign(id: String(decoding: bytes, as: UTF8.self), firstLocation: SourceLocation(file: file, line: line)))
        }
        return c
    }

    /// The id and record of a recipient (bytes already normalised), with its mailbox provider from `domain`
    /// or the address. Each distinct domain is classified once.
    @inline(__always)
    func internRecipient(_ bytes: UnsafeRawBufferPointer, hash: UInt64, domain: UnsafeRawBufferPointer?) -> (Int32, Int) {
        let (r, record, isNew) = recipients.intern(bytes, hash: hash)
        if isNew {
            if let domain, domain.count > 0 {
                providers.append(provider(ofDomain: domain))
            } else if let at = bytes.lastIndex(of: UInt8(ascii: "@")) {
                providers.append(provider(ofDomain: UnsafeRawBufferPointer(rebasing: bytes[(at + 1)...])))
            } else {
                providers.append(UInt8(MailboxProvider.other.rawValue))
            }
        }
        return (r, record)
    }

    /// The provider of a domain (any case), classified the first time the domain is seen.
    private func provider(ofDomain d: UnsafeRawBufferPointer) -> UInt8 {
        let (id, isNew) = domains.intern(d)
        if isNew { domainProviders.append(UInt8(MailboxProvider.classify(domain: String(decoding: d, as: UTF8.self)).rawValue)) }
        return domainProviders[Int(id)]
    }

    /// The message of a send to a recipient: the recipient's latest one when it is of this send, else looked up.
    @inline(__always)
    private func pairIndex(_ c: Int32, _ r: Int32, record: Int) -> Int {
        let hint = Int(recipients.note(at: record)) - 1
        if pairs.isPair(hint, of: c) { return hint }
        let k = pairs.index(c, r)
        recipients.setNote(UInt32(k + 1), at: record)
        return k
    }

    // MARK: The fold of one event

    @inline(__always)
    func fold(_ e: RawEvent, campaign c: Int32, recipient r: Int32, record: Int) {
        eventCount += 1
        if e.time > newestTime { newestTime = e.time }
        typesSeen.insert(e.type)
        let t = Message.seconds(e.time)
        pairs[pairIndex(c, r, record: record)].record(e.type, bounce: e.bounce, machine: e.machine, at: t, reason: e.reason)
        let ci = Int(c)
        campaigns[ci].evidence.types.insert(e.type)
        if e.time < campaigns[ci].firstEventTime { campaigns[ci].firstEventTime = e.time }
        switch e.type {
        case .sent, .delivered:
            if campaigns[ci].firstSendTime.map({ e.time < $0 }) ?? true { campaigns[ci].firstSendTime = e.time }
        case .open:
            if e.machine != nil { campaigns[ci].evidence.hasMachineSignal = true }
        case .click:
            if let url = e.url, url.count > 0 {
                clickedLinks.insert(UInt64(UInt32(bitPattern: link(c, url))) << 32 | UInt64(UInt32(bitPattern: r)))
            }
        default: break
        }
        if Message.isEngagement(e.type, machine: e.machine) {
            engagementHours.insert(Self.hourKey(r, t))
        } else if Message.isUnverifiedOpen(e.type, machine: e.machine) {
            unverifiedOpenHours.insert(Self.hourKey(r, t))
        }
    }

    /// The id of a send's link: the send's id and the URL interned together, so that one URL in two sends (a
    /// home page, an unsubscribe page) is two links, each counted for its own send.
    func link(_ c: Int32, _ url: UnsafeRawBufferPointer) -> Int32 {
        withUnsafeTemporaryAllocation(byteCount: 4 + url.count, alignment: 4) { key in
            key.storeBytes(of: c, toByteOffset: 0, as: Int32.self)
            UnsafeMutableRawBufferPointer(rebasing: key[4...]).copyMemory(from: url)
            let (u, isNew) = urls.intern(UnsafeRawBufferPointer(key))
            if isNew { urlCampaign.append(c) }
            return u
        }
    }

    /// The URL of a link (without its send).
    func linkURL(_ u: Int32) -> String {
        urls.withBytes(u) { String(decoding: $0.dropFirst(4), as: UTF8.self) }
    }

    @inline(__always)
    static func hourKey(_ r: Int32, _ t: UInt32) -> UInt64 { UInt64(UInt32(bitPattern: r)) << 32 | UInt64(t / 3600) }

    // MARK: Per-send counts

    /// Every message of this shard added up per send (by local campaign index), each by its whole send's
    /// `evidence` (by local campaign index: what every shard saw of it, not only this one).
    func tallies(evidence: [SendEvidence]) -> [MessageTally] {
        var out = [MessageTally](repeating: MessageTally(), count: campaigns.count)
        pairs.forEach { c, _, m in out[Int(c)].add(m, in: evidence[Int(c)]) }
        return out
    }
}

extension EventShard: RawEventSink {
    /// Sizes the tables for about `events` more events, by the shape of typical logs: about 0.4 messages, 0.1
    /// recipients and 0.12 engagement hours per event. Only a guess: the tables still grow past it.
    func expect(events: Int) {
        guard events > 0 else { return }
        pairs.reserve(events * 2 / 5)
        recipients.reserve(events / 10)
        engagementHours.reserve(events / 8)
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
                    let c = campaignID(bytes: e.campaign, file: file, line: e.line)
                    if let program = e.program, program.count > 0, campaigns[Int(c)].program == nil {
                        campaigns[Int(c)].program = String(decoding: program, as: UTF8.self)
                    }
                    let (r, record) = internRecipient(e.recipient, hash: hashes[k], domain: e.domain)
                    ids[k] = (c, r, record)
                    pairs.prefetch(c, r, expected: Int(recipients.note(at: record)) - 1)
                    if Message.isEngagement(e.type, machine: e.machine) {
                        engagementHours.prefetch(Self.hourKey(r, Message.seconds(e.time)))
                    }
                }
                for k in 0..<n {
                    let (c, r, record) = ids[k]
                    fold(batch[k], campaign: c, recipient: r, record: record)
                }
            }
        }
    }
}

// MARK: The build cache

extension EventShard {
    /// The shard as it is in memory, for `EventShard(reading:)`: the tables as they are (no rehash on the way
    /// back), the sends field by field.
    func write(to w: CacheWriter) {
        w.int(campaigns.count)
        for c in campaigns {
            w.string(c.id)
            w.string(c.firstLocation.file)
            w.int(c.firstLocation.line ?? -1)
            w.optionalString(c.firstLocation.field)
            w.optionalString(c.program)
            w.bool(c.firstSendTime != nil)
            w.double(c.firstSendTime ?? 0)
            w.double(c.firstEventTime)
            w.int(Int(c.evidence.types.rawBits))
            w.bool(c.evidence.hasMachineSignal)
        }
        campaignIDs.write(to: w)
        recipients.write(to: w)
        w.array(providers)
        domains.write(to: w)
        w.array(domainProviders)
        pairs.write(to: w)
        engagementHours.write(to: w)
        unverifiedOpenHours.write(to: w)
        urls.write(to: w)
        clickedLinks.write(to: w)
        w.array(urlCampaign)
        w.int(Int(typesSeen.rawBits))
        w.double(newestTime)
        w.int(eventCount)
    }

    convenience init(reading r: CacheReader) throws {
        let n = try r.count(of: 40)
        var campaigns: [Campaign] = []
        campaigns.reserveCapacity(n)
        for _ in 0..<n {
            let id = try r.string()
            let file = try r.string()
            let line: Int = try r.int()
            let location = SourceLocation(file: file, line: line < 0 ? nil : line, field: try r.optionalString())
            var c = Campaign(id: id, firstLocation: location)
            c.program = try r.optionalString()
            let hasSend = try r.bool()
            let send = try r.double()
            c.firstSendTime = hasSend ? send : nil
            c.firstEventTime = try r.double()
            c.evidence = SendEvidence(types: EventTypesSeen(rawBits: UInt16(truncatingIfNeeded: try r.int() as Int)), hasMachineSignal: try r.bool())
            campaigns.append(c)
        }
        let campaignIDs = try InternTable(reading: r)
        let recipients = try InternTable(reading: r)
        let providers = try r.array(UInt8.self)
        let domains = try InternTable(reading: r)
        let domainProviders = try r.array(UInt8.self)
        guard campaignIDs.count == n, providers.count == recipients.count, domainProviders.count == domains.count else {
            throw CacheFileError("it is damaged (tables of different lengths)")
        }
        let pairs = try PairTable(reading: r, campaigns: n, recipients: recipients.count)
        let engagementHours = try UInt64Set(reading: r)
        let unverifiedOpenHours = try UInt64Set(reading: r)
        let urls = try InternTable(reading: r)
        let clickedLinks = try UInt64Set(reading: r)
        let urlCampaign = try r.array(Int32.self)
        guard urlCampaign.count == urls.count, urlCampaign.allSatisfy({ $0 >= 0 && Int($0) < n }) else {
            throw CacheFileError("it is damaged (links of unknown sends)")
        }
        var badRecipient = false
        let rc = UInt64(recipients.count)
        engagementHours.forEach { if $0 >> 32 >= rc { badRecipient = true } }
        unverifiedOpenHours.forEach { if $0 >> 32 >= rc { badRecipient = true } }
        let uc = UInt64(urls.count)
        clickedLinks.forEach { if $0 >> 32 >= uc || $0 & 0xFFFF_FFFF >= rc { badRecipient = true } }
        guard !badRecipient else { throw CacheFileError("it is damaged (an hour or click of an unknown recipient)") }
        self.init(campaignIDs: campaignIDs, recipients: recipients, domains: domains, pairs: pairs, urls: urls)
        self.campaigns = campaigns
        self.providers = providers
        self.domainProviders = domainProviders
        self.engagementHours = engagementHours
        self.unverifiedOpenHours = unverifiedOpenHours
        self.clickedLinks = clickedLinks
        self.urlCampaign = urlCampaign
        typesSeen = EventTypesSeen(rawBits: UInt16(truncatingIfNeeded: try r.int() as Int))
        newestTime = try r.double()
        eventCount = try r.int()
    }
}
