/// Open-addressing tables for the event fold. Tens of millions of events go through these, so they work on
/// bytes and integers, never on `String` or `Dictionary`, and grow by doubling.

/// 64-bit FNV-1a over bytes: fast and good enough to spread addresses and ids.
@inline(__always)
func hashBytes(_ p: UnsafeRawBufferPointer) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in p {
        h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3
    }
    return h ^ (h >> 29)
}

@inline(__always)
func mix(_ x: UInt64) -> UInt64 {
    var z = x &+ 0x9e37_79b9_7f4a_7c15
    z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
    z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
    return z ^ (z >> 31)
}

/// Interned byte strings (recipients, campaign ids, URLs): bytes → dense id, and id → bytes. A slot holds
/// the id and 32 bits of the hash, and an entry packs start and length in one word, so a lookup costs about
/// two cache misses (slot, then the bytes) instead of one per array.
struct InternTable {
    private var slots: [UInt64]         // hash tag << 32 | (id + 1); 0 = empty
    private var mask: Int
    private var arena: [UInt8] = []
    private var entries: [UInt64] = []  // start << 24 | length
    private(set) var hashes: [UInt64] = []

    init(capacity: Int = 1024) {
        var c = 16
        while c < capacity * 2 { c <<= 1 }
        slots = [UInt64](repeating: 0, count: c)
        mask = c - 1
        arena.reserveCapacity(capacity * 16)
    }

    var count: Int { entries.count }

    /// The id of these bytes, interning them if new. `isNew` says whether they were.
    @inline(__always)
    mutating func intern(_ bytes: UnsafeRawBufferPointer) -> (id: Int32, isNew: Bool) {
        let h = hashBytes(bytes)
        let tag = h >> 32
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let s = slots[i]
            if s == 0 { break }
            if s >> 32 == tag {
                let id = Int(s & 0xFFFF_FFFF) - 1
                let e = entries[id]
                if Int(e & 0xFF_FFFF) == bytes.count && equal(Int(e >> 24), bytes) { return (Int32(id), false) }
            }
            i = (i + 1) & mask
        }
        let id = entries.count
        precondition(bytes.count < 1 << 24, "an interned value is longer than 16 MB")
        entries.append(UInt64(arena.count) << 24 | UInt64(bytes.count))
        arena.append(contentsOf: bytes)
        hashes.append(h)
        slots[i] = tag << 32 | UInt64(id + 1)
        if entries.count * 10 > slots.count * 7 { grow() }
        return (Int32(id), true)
    }

    mutating func intern(_ string: String) -> (id: Int32, isNew: Bool) {
        var s = string
        return s.withUTF8 { intern(UnsafeRawBufferPointer($0)) }
    }

    func lookup(_ string: String) -> Int32? {
        var s = string
        return s.withUTF8 { buf -> Int32? in
            let bytes = UnsafeRawBufferPointer(buf)
            let h = hashBytes(bytes)
            var i = Int(truncatingIfNeeded: h) & mask
            while slots[i] != 0 {
                let id = Int(slots[i] & 0xFFFF_FFFF) - 1
                let e = entries[id]
                if hashes[id] == h && Int(e & 0xFF_FFFF) == bytes.count && equal(Int(e >> 24), bytes) { return Int32(id) }
                i = (i + 1) & mask
            }
            return nil
        }
    }

    @inline(__always)
    private func equal(_ start: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        arena.withUnsafeBytes { a in
            memcmp(a.baseAddress! + start, bytes.baseAddress!, bytes.count) == 0
        }
    }

    func string(_ id: Int32) -> String {
        withBytes(id) { String(decoding: $0, as: UTF8.self) }
    }

    func withBytes<T>(_ id: Int32, _ body: (UnsafeRawBufferPointer) -> T) -> T {
        let e = entries[Int(id)]
        let s = Int(e >> 24), n = Int(e & 0xFF_FFFF)
        return arena.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[s..<(s + n)])) }
    }

    private mutating func grow() {
        let c = slots.count * 2
        slots = [UInt64](repeating: 0, count: c)
        mask = c - 1
        for (id, h) in hashes.enumerated() {
            var i = Int(truncatingIfNeeded: h) & mask
            while slots[i] != 0 { i = (i + 1) & mask }
            slots[i] = (h >> 32) << 32 | UInt64(id + 1)
        }
    }
}

/// The state of one recipient of one send. Times are Unix seconds (0 = never).
struct PairState {
    var flags: UInt16 = 0
    var hardBounce: UInt32 = 0
    var unsubscribe: UInt32 = 0
    var complaint: UInt32 = 0
    var firstPositive: UInt32 = 0
    var firstHumanOpen: UInt32 = 0
    var firstClick: UInt32 = 0

    @inline(__always) static func earliest(_ a: UInt32, _ t: UInt32) -> UInt32 { a == 0 || (t != 0 && t < a) ? t : a }

    /// The union of two records of the same pair.
    @inline(__always) mutating func merge(_ o: PairState) {
        flags |= o.flags
        hardBounce = Self.earliest(hardBounce, o.hardBounce)
        unsubscribe = Self.earliest(unsubscribe, o.unsubscribe)
        complaint = Self.earliest(complaint, o.complaint)
        firstPositive = Self.earliest(firstPositive, o.firstPositive)
        firstHumanOpen = Self.earliest(firstHumanOpen, o.firstHumanOpen)
        firstClick = Self.earliest(firstClick, o.firstClick)
    }
}

/// (send, recipient) → `PairState`, by open addressing on the packed key.
struct PairTable {
    private(set) var keys: [UInt64]       // campaign << 32 | recipient, plus 1; 0 = empty
    var states: [PairState]
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int = 1024) {
        var c = 16
        while c < capacity * 2 { c <<= 1 }
        keys = [UInt64](repeating: 0, count: c)
        states = [PairState](repeating: PairState(), count: c)
        mask = c - 1
    }

    static func key(_ campaign: Int32, _ recipient: Int32) -> UInt64 {
        (UInt64(UInt32(bitPattern: campaign)) << 32 | UInt64(UInt32(bitPattern: recipient))) &+ 1
    }

    /// The slot of a pair, created empty if new.
    @inline(__always)
    mutating func slot(_ campaign: Int32, _ recipient: Int32) -> Int {
        let k = Self.key(campaign, recipient)
        var i = Int(truncatingIfNeeded: mix(k)) & mask
        while true {
            let existing = keys[i]
            if existing == k { return i }
            if existing == 0 {
                keys[i] = k
                count += 1
                if count * 10 > keys.count * 7 {
                    grow()
                    return slot(campaign, recipient)
                }
                return i
            }
            i = (i + 1) & mask
        }
    }

    private mutating func grow() {
        let oldKeys = keys, oldStates = states
        let c = keys.count * 2
        keys = [UInt64](repeating: 0, count: c)
        states = [PairState](repeating: PairState(), count: c)
        mask = c - 1
        for (j, k) in oldKeys.enumerated() where k != 0 {
            var i = Int(truncatingIfNeeded: mix(k)) & mask
            while keys[i] != 0 { i = (i + 1) & mask }
            keys[i] = k
            states[i] = oldStates[j]
        }
    }

    /// Every pair: (campaign, recipient, state).
    func forEach(_ body: (Int32, Int32, PairState) -> Void) {
        for (i, k) in keys.enumerated() where k != 0 {
            let raw = k &- 1
            body(Int32(bitPattern: UInt32(raw >> 32)), Int32(bitPattern: UInt32(raw & 0xFFFF_FFFF)), states[i])
        }
    }
}

/// A set of 64-bit values (recipient-days of engagement, recipient-link clicks).
struct UInt64Set {
    private var slots: [UInt64]   // value + 1; 0 = empty
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int = 1024) {
        var c = 16
        while c < capacity * 2 { c <<= 1 }
        slots = [UInt64](repeating: 0, count: c)
        mask = c - 1
    }

    /// Inserts; true when the value was new.
    @discardableResult @inline(__always)
    mutating func insert(_ value: UInt64) -> Bool {
        let v = value &+ 1
        var i = Int(truncatingIfNeeded: mix(v)) & mask
        while true {
            let s = slots[i]
            if s == v { return false }
            if s == 0 {
                slots[i] = v
                count += 1
                if count * 10 > slots.count * 7 { grow() }
                return true
            }
            i = (i + 1) & mask
        }
    }

    private mutating func grow() {
        let old = slots
        let c = slots.count * 2
        slots = [UInt64](repeating: 0, count: c)
        mask = c - 1
        for v in old where v != 0 {
            var i = Int(truncatingIfNeeded: mix(v)) & mask
            while slots[i] != 0 { i = (i + 1) & mask }
            slots[i] = v
        }
    }

    func forEach(_ body: (UInt64) -> Void) {
        for v in slots where v != 0 { body(v &- 1) }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
