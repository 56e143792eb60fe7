import Foundation
import Testing
@testable import EventFold
import ReportCore

/// The build cache's compact form of the messages gives back every field of every pair, across blocks, and a
/// block that does not add up is an error, never a wrong message.
@Suite struct CompactPairsTests {
    /// Messages with every field somewhere at its edge: no times, all times, the largest ids and times.
    func pairs(_ n: Int) -> [Pair] {
        var rng = SystemRandomNumberGenerator()
        return (0..<n).map { k in
            var m = Message()
            m.facts = MessageFacts(rawValue: k % 5 == 0 ? UInt16.max : UInt16.random(in: 0...0x7FFF, using: &rng))
            let time = { (bit: Int) -> UInt32 in (k >> bit) & 1 == 1 ? (k % 7 == 0 ? UInt32.max : UInt32.random(in: 1...UInt32.max, using: &rng)) : 0 }
            m.hardBounceAt = time(0)
            m.unsubscribeAt = time(1)
            m.complaintAt = time(2)
            m.firstEngagedAt = time(3)
            m.firstOpenAt = time(4)
            m.firstUnverifiedOpenAt = time(5)
            m.firstClickAt = time(6)
            if k % 3 == 0 { m.bounceReasonCode = UInt8(k % 256) }
            if k % 4 == 0 { m.deferralReasonCode = 255 }
            let campaign = k % 11 == 0 ? Int32.max : Int32(k % 300)
            let recipient = k % 13 == 0 ? Int32.max : Int32(k)
            return Pair(campaign: campaign, recipient: recipient, message: m)
        }
    }

    func roundTrip(_ pairs: [Pair], damage: ((inout [UInt8]) -> Void)? = nil) throws -> [Pair] {
        let url = FileManager.default.temporaryDirectory.appending(path: "compact-\(UUID().uuidString).bin")
        defer { try? FileManager.default.removeItem(at: url) }
        let w = try CacheWriter(url)
        pairs.withUnsafeBufferPointer { CompactPairs.write($0, to: w) }
        try w.commit()
        if let damage {
            // Rewritten with a fresh checksum, so that only the block's own checks can catch it.
            let bytes = [UInt8](try Data(contentsOf: url))
            let header = 16  // magic and format version; the checksum is the last 8 bytes
            var body = Array(bytes[header..<(bytes.count - 8)])
            damage(&body)
            let w = try CacheWriter(url)
            body.withUnsafeBytes { w.raw($0) }
            try w.commit()
        }
        guard let r = try CacheReader(url) else { throw CacheFileError("no file") }
        var out = [Pair](repeating: Pair(campaign: 0, recipient: 0), count: pairs.count)
        try out.withUnsafeMutableBufferPointer { try CompactPairs.read(into: $0, from: r) }
        try r.finish()
        return out
    }

    @Test func everyFieldComesBackAcrossBlocks() throws {
        let original = pairs(CompactPairs.pairsPerBlock * 2 + 17)
        let back = try roundTrip(original)
        #expect(back.count == original.count)
        for (a, b) in zip(original, back) {
            #expect(a.campaign == b.campaign && a.recipient == b.recipient && a.message == b.message)
        }
        // Smaller than the pairs in memory, and typical messages far smaller.
        #expect(CompactPairs.largest < MemoryLayout<Pair>.stride + 10)
    }

    @Test func aTypicalMessageTakesAFewBytes() throws {
        var m = Message()
        m.record(.sent, bounce: nil, machine: nil, at: 1_700_000_000)
        m.record(.delivered, bounce: nil, machine: nil, at: 1_700_000_001)
        var out = [UInt8](repeating: 0, count: CompactPairs.largest)
        var at = 0
        out.withUnsafeMutableBufferPointer { CompactPairs.encode(Pair(campaign: 120, recipient: 400_000, message: m), into: $0, at: &at) }
        #expect(at == 1 + 3 + 2 + 1)
    }

    @Test func aBlockThatDoesNotAddUpIsAnError() throws {
        let original = pairs(100)
        // The byte length of the first block (after its pair count) one short, then one long.
        #expect(throws: CacheFileError.self) { _ = try roundTrip(original) { $0[8] &-= 1 } }
        #expect(throws: CacheFileError.self) { _ = try roundTrip(original) { $0[8] &+= 1 } }
        // A pair count larger than the table.
        #expect(throws: CacheFileError.self) { _ = try roundTrip(original) { $0[0] &+= 1 } }
    }
}
