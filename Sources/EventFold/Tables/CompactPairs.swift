import ReportCore

/// The build cache's form of a shard's messages (`PairTable.write`): per pair its send and recipient as
/// variable-length integers, the message's facts, one byte saying which of its times (and whether its bounce
/// reasons) follow, then those. Most messages were sent, delivered and perhaps opened: 7 to 11 bytes instead
/// of the 40 a pair has in memory. On the 10M-event bench project that is the difference between writing
/// 233 MB of pairs on every build that folds a new file, and about a quarter of it.
///
/// Pairs go in blocks (a count, a byte length, the bytes), so neither side needs more than one block's room.
enum CompactPairs {
    /// The fewest bytes a pair takes (send, recipient, facts, which times follow): bounds a count read back.
    static let smallest = 5
    /// The most a pair takes: two 5-byte integers, facts, the byte of what follows, 7 times, 2 reasons.
    static let largest = 5 + 5 + 2 + 1 + 7 * 4 + 2
    static let pairsPerBlock = 1 << 15

    static func write(_ pairs: UnsafeBufferPointer<Pair>, to w: CacheWriter) {
        var block = [UInt8](repeating: 0, count: pairsPerBlock * largest)
        var start = 0
        while start < pairs.count {
            let end = min(start + pairsPerBlock, pairs.count)
            let used = block.withUnsafeMutableBufferPointer { out -> Int in
                var at = 0
                for k in start..<end { encode(pairs[k], into: out, at: &at) }
                return at
            }
            w.int(end - start)
            w.int(used)
            block.withUnsafeBytes { w.raw(UnsafeRawBufferPointer(rebasing: $0[..<used])) }
            start = end
        }
    }

    /// Fills `pairs` (its whole length) from blocks written by `write`; throws when a block does not add up.
    static func read(into pairs: UnsafeMutableBufferPointer<Pair>, from r: CacheReader) throws {
        var block = [UInt8]()
        var start = 0
        while start < pairs.count {
            let n = try r.count(of: 0), bytes = try r.count(of: 1)
            guard n > 0, n <= min(pairsPerBlock, pairs.count - start), bytes >= n * smallest, bytes <= n * largest else {
                throw CacheFileError("it is damaged (a block of \(n) messages in \(bytes) bytes)")
            }
            if block.count < bytes { block = [UInt8](repeating: 0, count: bytes) }
            try block.withUnsafeMutableBytes { try r.raw(into: UnsafeMutableRawBufferPointer(rebasing: $0[..<bytes])) }
            try block.withUnsafeBufferPointer { input in
                let input = UnsafeBufferPointer(rebasing: input[..<bytes])
                var at = 0
                for k in start..<(start + n) { pairs[k] = try decode(input, at: &at) }
                guard at == bytes else { throw CacheFileError("it is damaged (a block of messages of the wrong length)") }
            }
            start += n
        }
    }

    /// The byte of what follows: bit i for the i-th of a message's times (in the order below) when it is set,
    /// bit 7 when it has a bounce or deferral reason.
    @inline(__always)
    static func encode(_ p: Pair, into out: UnsafeMutableBufferPointer<UInt8>, at: inout Int) {
        put(UInt32(bitPattern: p.campaign), out, &at)
        put(UInt32(bitPattern: p.recipient), out, &at)
        let m = p.message
        out[at] = UInt8(truncatingIfNeeded: m.facts.rawValue)
        out[at + 1] = UInt8(truncatingIfNeeded: m.facts.rawValue >> 8)
        let presentAt = at + 2
        at += 3
        var present: UInt8 = 0
        func time(_ t: UInt32, _ bit: UInt8) {
            guard t != 0 else { return }
            present |= bit
            out[at] = UInt8(truncatingIfNeeded: t)
            out[at + 1] = UInt8(truncatingIfNeeded: t >> 8)
            out[at + 2] = UInt8(truncatingIfNeeded: t >> 16)
            out[at + 3] = UInt8(truncatingIfNeeded: t >> 24)
            at += 4
        }
        time(m.hardBounceAt, 1)
        time(m.unsubscribeAt, 2)
        time(m.complaintAt, 4)
        time(m.firstEngagedAt, 8)
        time(m.firstOpenAt, 16)
        time(m.firstUnverifiedOpenAt, 32)
        time(m.firstClickAt, 64)
        if m.bounceReasonCode != 0 || m.deferralReasonCode != 0 {
            present |= 0x80
            out[at] = m.bounceReasonCode
            out[at + 1] = m.deferralReasonCode
            at += 2
        }
        out[presentAt] = present
    }

    @inline(__always)
    static func decode(_ input: UnsafeBufferPointer<UInt8>, at: inout Int) throws -> Pair {
        let campaign = try get(input, &at), recipient = try get(input, &at)
        guard at + 3 <= input.count else { throw cut }
        var m = Message()
        m.facts = MessageFacts(rawValue: UInt16(input[at]) | UInt16(input[at + 1]) << 8)
        let present = input[at + 2]
        at += 3
        func time(_ bit: UInt8) throws -> UInt32 {
            guard present & bit != 0 else { return 0 }
            guard at + 4 <= input.count else { throw cut }
            defer { at += 4 }
            return UInt32(input[at]) | UInt32(input[at + 1]) << 8 | UInt32(input[at + 2]) << 16 | UInt32(input[at + 3]) << 24
        }
        m.hardBounceAt = try time(1)
        m.unsubscribeAt = try time(2)
        m.complaintAt = try time(4)
        m.firstEngagedAt = try time(8)
        m.firstOpenAt = try time(16)
        m.firstUnverifiedOpenAt = try time(32)
        m.firstClickAt = try time(64)
        if present & 0x80 != 0 {
            guard at + 2 <= input.count else { throw cut }
            m.bounceReasonCode = input[at]
            m.deferralReasonCode = input[at + 1]
            at += 2
        }
        return Pair(campaign: Int32(bitPattern: campaign), recipient: Int32(bitPattern: recipient), message: m)
    }

    static let cut = CacheFileError("it is damaged (a message cut short)")

    @inline(__always)
    static func put(_ v: UInt32, _ out: UnsafeMutableBufferPointer<UInt8>, _ at: inout Int) {
        var v = v
        while v >= 0x80 {
            out[at] = UInt8(truncatingIfNeeded: v) | 0x80
            v >>= 7
            at += 1
        }
        out[at] = UInt8(v)
        at += 1
    }

    @inline(__always)
    static func get(_ input: UnsafeBufferPointer<UInt8>, _ at: inout Int) throws -> UInt32 {
        var v: UInt32 = 0, shift: UInt32 = 0
        while true {
            guard at < input.count, shift <= 28 else { throw cut }
            let b = input[at]
            at += 1
            v |= UInt32(b & 0x7F) << shift
            if b < 0x80 { return v }
            shift += 7
        }
    }
}
