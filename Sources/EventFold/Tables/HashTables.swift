import CPrefetch
import ReportCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Open-addressing tables for the event fold. Tens of millions of events go through these, so they work on
/// bytes and integers, never on `String` or `Dictionary`, and are laid out so that one event costs as few
/// cache misses as possible: the fold is bound by memory latency, not by arithmetic.

/// The hash of interned bytes: the recipients' hash (shared with the readers, which route by it).
@inline(__always)
func hashBytes(_ p: UnsafeRawBufferPointer) -> UInt64 { RecipientHash.of(p) }

@inline(__always)
func mix(_ x: UInt64) -> UInt64 { RecipientHash.mix(x) }

/// Byte equality eight at a time, inline: addresses and ids are short, and a call to `memcmp` for each
/// showed in profiles.
@inline(__always)
func bytesEqual(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ n: Int) -> Bool {
    var i = 0
    while i + 8 <= n {
        if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
        i += 8
    }
    while i < n {
        if a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
        i += 1
    }
    return true
}

/// A table's slots for the build cache as they are in memory: their number (a power of two), then the words.
func writeSlots(_ slots: UnsafeMutablePointer<UInt64>, _ count: Int, to w: CacheWriter) {
    w.int(count)
    w.raw(UnsafeRawBufferPointer(start: slots, count: count * 8))
}

/// Slots written by `writeSlots`, in memory of their own (`calloc`, freed by the table that takes them).
func readSlots(from r: CacheReader) throws -> (UnsafeMutablePointer<UInt64>, Int) {
    let c = try r.count(of: 8)
    guard c >= 16, c & (c - 1) == 0 else { throw CacheFileError("it is damaged (a table of \(c) slots)") }
    let slots = calloc(c, 8)!.assumingMemoryBound(to: UInt64.self)
    do {
        try r.raw(into: UnsafeMutableRawBufferPointer(start: slots, count: c * 8))
    } catch {
        free(slots)
        throw error
    }
    return (slots, c)
}

/// Interned byte strings (recipients, campaign ids, URLs): bytes → dense id, and id → bytes.
///
/// Each value is one record in an arena: `id` (4 bytes), `length` (4), a `note` the owner may use (4), then
/// the bytes. A slot holds 24 bits of the hash and the record's offset, so a lookup that finds its value
/// touches the slot and one record (two cache misses), and the owner's note comes with the record. The slots
/// and the arena are raw memory owned by the table (no copy-on-write checks on the hot path); the arena grows
/// with `realloc`, which moves a large block by remapping its pages.
final class InternTable {
    private var slots: UnsafeMutablePointer<UInt64>  // tag << 40 | (offset + 1); 0 = empty
    private var slotCount: Int
    private var mask: Int
    private var arena: UnsafeMutableRawPointer
    private var arenaUsed = 0
    private var arenaCapacity: Int
    private var offsets: [UInt64] = []  // record offset by id
    static let header = 12

    init(capacity: Int = 1024) {
        var c = 16
        while c < capacity * 2 { c <<= 1 }
        slotCount = c
        slots = calloc(c, MemoryLayout<UInt64>.stride)!.assumingMemoryBound(to: UInt64.self)
        mask = c - 1
        arenaCapacity = max(capacity * 24, 256)
        arena = malloc(arenaCapacity)!
    }

    deinit {
        free(slots)
        free(arena)
    }

    var count: Int { offsets.count }

    @inline(__always)
    private func matches(_ at: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let n = Int(arena.load(fromByteOffset: at + 4, as: UInt32.self))
        return n == bytes.count && (n == 0 || bytesEqual(arena + at + Self.header, bytes.baseAddress!, n))
    }

    /// The id of these bytes and the offset of their record, interning them if new. `isNew` says whether
    /// they were.
    /// Where these bytes are: the record's offset if interned, else the empty slot they would take.
    @inline(__always)
    private func probe(_ bytes: UnsafeRawBufferPointer, hash h: UInt64) -> (slot: Int, record: Int?) {
        let tag = h >> 40
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let s = slots[i]
            if s == 0 { return (i, nil) }
            if s >> 40 == tag {
                let at = Int(s & 0xFF_FFFF_FFFF) - 1
                if matches(at, bytes) { return (i, at) }
            }
            i = (i + 1) & mask
        }
    }

    /// The id of these bytes, if interned.
    @inline(__always)
    func id(of bytes: UnsafeRawBufferPointer, hash h: UInt64) -> Int32? {
        probe(bytes, hash: h).record.map { arena.load(fromByteOffset: $0, as: Int32.self) }
    }

    @inline(__always)
    func intern(_ bytes: UnsafeRawBufferPointer, hash h: UInt64) -> (id: Int32, record: Int, isNew: Bool) {
        let (i, found) = probe(bytes, hash: h)
        if let at = found { return (arena.load(fromByteOffset: at, as: Int32.self), at, false) }
        let tag = h >> 40
        precondition(bytes.count < 1 << 31, "an interned value is longer than 2 GB")
        let id = Int32(offsets.count)
        let at = arenaUsed
        // Records start on four-byte boundaries so their header words are aligned.
        let padded = (Self.header + bytes.count + 3) & ~3
        if at + padded > arenaCapacity {
            while at + padded > arenaCapacity { arenaCapacity *= 2 }
            arena = realloc(arena, arenaCapacity)!
        }
        arena.storeBytes(of: id, toByteOffset: at, as: Int32.self)
        arena.storeBytes(of: UInt32(bytes.count), toByteOffset: at + 4, as: UInt32.self)
        arena.storeBytes(of: UInt32(0), toByteOffset: at + 8, as: UInt32.self)
        if bytes.count > 0 { (arena + at + Self.header).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count) }
        arenaUsed += padded
        offsets.append(UInt64(at))
        slots[i] = tag << 40 | UInt64(at + 1)
        if offsets.count * 10 > slotCount * 7 { grow() }
        return (id, at, true)
    }

    @inline(__always)
    func intern(_ bytes: UnsafeRawBufferPointer) -> (id: Int32, isNew: Bool) {
        let r = intern(bytes, hash: hashBytes(bytes))
        return (r.id, r.isNew)
    }

    func intern(_ string: String) -> (id: Int32, isNew: Bool) {
        var s = string
        return s.withUTF8 { intern(UnsafeRawBufferPointer($0)) }
    }

    /// Starts loading the slot a value with hash `h` is looked up in first.
    @inline(__always)
    func prefetchSlot(hash h: UInt64) { inbox_prefetch(slots + (Int(truncatingIfNeeded: h) & mask)) }

    /// Starts loading the record in that slot when its tag matches (the slot should be loaded by now).
    @inline(__always)
    func prefetchRecord(hash h: UInt64) {
        let s = slots[Int(truncatingIfNeeded: h) & mask]
        if s != 0 && s >> 40 == h >> 40 { inbox_prefetch(arena + Int(s & 0xFF_FFFF_FFFF) - 1) }
    }

    /// The owner's note in the record at `record` (0 until set).
    @inline(__always)
    func note(at record: Int) -> UInt32 { arena.load(fromByteOffset: record + 8, as: UInt32.self) }

    @inline(__always)
    func setNote(_ value: UInt32, at record: Int) { arena.storeBytes(of: value, toByteOffset: record + 8, as: UInt32.self) }

    func lookup(_ string: String) -> Int32? {
        var s = string
        return s.withUTF8 { buf -> Int32? in
            let bytes = UnsafeRawBufferPointer(buf)
            return probe(bytes, hash: hashBytes(bytes)).record.map { arena.load(fromByteOffset: $0, as: Int32.self) }
        }
    }

    func string(_ id: Int32) -> String {
        withBytes(id) { String(decoding: $0, as: UTF8.self) }
    }

    func withBytes<T>(_ id: Int32, _ body: (UnsafeRawBufferPointer) -> T) -> T {
        let at = Int(offsets[Int(id)])
        let n = Int(arena.load(fromByteOffset: at + 4, as: UInt32.self))
        return body(UnsafeRawBufferPointer(start: arena + at + Self.header, count: n))
    }

    /// Room for `n` more values without growing: the slots now (while they are few to move), the arena as
    /// address space that costs nothing until it is written.
    func reserve(_ n: Int) {
        var c = slotCount
        while (count + n) * 10 > c * 7 { c <<= 1 }
        if c > slotCount { rehash(into: c) }
        let bytes = arenaUsed + n * 24
        if bytes > arenaCapacity {
            arenaCapacity = bytes
            arena = realloc(arena, arenaCapacity)!
        }
    }

    private func grow() { rehash(into: slotCount * 2) }

    // MARK: The build cache

    /// The table as it is in memory (slots, records, offsets), for `InternTable(reading:)`.
    func write(to w: CacheWriter) {
        writeSlots(slots, slotCount, to: w)
        w.int(arenaUsed)
        w.raw(UnsafeRawBufferPointer(start: arena, count: arenaUsed))
        w.array(offsets)
    }

    init(reading r: CacheReader) throws {
        let (slots, c) = try readSlots(from: r)
        self.slots = slots
        slotCount = c
        mask = c - 1
        arenaCapacity = 256
        arena = malloc(arenaCapacity)!
        let used = try r.count(of: 1)
        arenaCapacity = max(used, 256)
        arena = realloc(arena, arenaCapacity)!
        try r.raw(into: UnsafeMutableRawBufferPointer(start: arena, count: used))
        arenaUsed = used
        offsets = try r.array(UInt64.self)
        guard offsets.allSatisfy({ Int($0) + Self.header <= used }), offsets.count * 10 <= c * 7 + 10,
              (0..<c).allSatisfy({ slots[$0] == 0 || Int(slots[$0] & 0xFF_FFFF_FFFF) - 1 + Self.header <= used }) else {
            throw CacheFileError("it is damaged (an interned value outside its table)")
        }
    }

    private func rehash(into c: Int) {
        let fresh = calloc(c, MemoryLayout<UInt64>.stride)!.assumingMemoryBound(to: UInt64.self)
        let m = c - 1
        for at in offsets {
            let start = Int(at)
            let n = Int(arena.load(fromByteOffset: start + 4, as: UInt32.self))
            let h = hashBytes(UnsafeRawBufferPointer(start: arena + start + Self.header, count: n))
            var i = Int(truncatingIfNeeded: h) & m
            while fresh[i] != 0 { i = (i + 1) & m }
            fresh[i] = (h >> 40) << 40 | (at + 1)
        }
        free(slots)
        slots = fresh
        slotCount = c
        mask = m
    }
}

/// One message: a send and a recipient, and what happened to it.
struct Pair {
    var campaign: Int32
    var recipient: Int32
    var message = Message()
}

/// (send, recipient) → `Message`. The pairs live densely in the order they were first seen (walks over
/// millions of messages read memory front to back); the slots hold 32 bits of the hash and the pair's
/// index, so a lookup touches one slot and one pair.
///
/// The pairs are kept in memory from `realloc`, which on Linux grows a large block by remapping its
/// pages: no copy and no second block while the table grows.
final class PairTable {
    private var slots: UnsafeMutablePointer<UInt64>  // tag << 32 | (index + 1); 0 = empty
    private var slotCount: Int
    private var mask: Int
    private var pairs: UnsafeMutablePointer<Pair>
    private var capacity: Int
    private(set) var count = 0

    /// The message at index `k` (an index from `index(_:_:)`), read or changed in place.
    subscript(k: Int) -> Message {
        @inline(__always) get { pairs[k].message }
        @inline(__always) _modify { yield &pairs[k].message }
    }

    /// Whether the pair at index `k` (if there is one) is of this send.
    @inline(__always)
    func isPair(_ k: Int, of campaign: Int32) -> Bool { k >= 0 && k < count && pairs[k].campaign == campaign }

    init(capacity: Int = 1024) {
        var c = 16
        while c < capacity * 2 { c <<= 1 }
        slots = calloc(c, MemoryLayout<UInt64>.stride)!.assumingMemoryBound(to: UInt64.self)
        slotCount = c
        mask = c - 1
        self.capacity = max(capacity, 16)
        pairs = malloc(self.capacity * MemoryLayout<Pair>.stride)!.assumingMemoryBound(to: Pair.self)
    }

    deinit {
        free(pairs)
        free(slots)
    }

    @inline(__always)
    static func hash(_ campaign: Int32, _ recipient: Int32) -> UInt64 {
        mix(UInt64(UInt32(bitPattern: campaign)) << 32 | UInt64(UInt32(bitPattern: recipient)))
    }

    /// Starts loading the slot of a pair and, given the index the owner expects it at, the pair.
    @inline(__always)
    func prefetch(_ campaign: Int32, _ recipient: Int32, expected: Int) {
        inbox_prefetch(slots + (Int(truncatingIfNeeded: Self.hash(campaign, recipient)) & mask))
        if expected >= 0 && expected < count { inbox_prefetch(pairs + expected) }
    }

    /// The index of a pair, created empty if new.
    @inline(__always)
    func index(_ campaign: Int32, _ recipient: Int32) -> Int {
        let h = Self.hash(campaign, recipient)
        let tag = h >> 32
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let s = slots[i]
            if s == 0 { break }
            if s >> 32 == tag {
                let k = Int(s & 0xFFFF_FFFF) - 1
                if pairs[k].campaign == campaign && pairs[k].recipient == recipient { return k }
            }
            i = (i + 1) & mask
        }
        if count == capacity {
            capacity *= 2
            pairs = realloc(pairs, capacity * MemoryLayout<Pair>.stride)!.assumingMemoryBound(to: Pair.self)
        }
        let k = count
        (pairs + k).initialize(to: Pair(campaign: campaign, recipient: recipient))
        count += 1
        slots[i] = tag << 32 | UInt64(k + 1)
        if count * 10 > slotCount * 7 { grow() }
        return k
    }

    /// The table as it is in memory (slots and pairs), for `PairTable(reading:)`.
    /// The slots as they are, then the pairs in `CompactPairs`' form.
    func write(to w: CacheWriter) {
        writeSlots(slots, slotCount, to: w)
        w.int(count)
        CompactPairs.write(UnsafeBufferPointer(start: pairs, count: count), to: w)
    }

    /// A table read back; `campaigns` and `recipients` bound the ids its pairs may hold.
    init(reading r: CacheReader, campaigns: Int, recipients: Int) throws {
        let (slots, c) = try readSlots(from: r)
        self.slots = slots
        slotCount = c
        mask = c - 1
        capacity = 16
        pairs = malloc(capacity * MemoryLayout<Pair>.stride)!.assumingMemoryBound(to: Pair.self)
        let n = try r.count(of: CompactPairs.smallest)
        guard n * 10 <= c * 7 + 10 else { throw CacheFileError("it is damaged (\(n) messages in \(c) slots)") }
        capacity = max(n, 16)
        pairs = realloc(pairs, capacity * MemoryLayout<Pair>.stride)!.assumingMemoryBound(to: Pair.self)
        try CompactPairs.read(into: UnsafeMutableBufferPointer(start: pairs, count: n), from: r)
        count = n
        for k in 0..<n where pairs[k].campaign < 0 || Int(pairs[k].campaign) >= campaigns || pairs[k].recipient < 0 || Int(pairs[k].recipient) >= recipients {
            throw CacheFileError("it is damaged (a message of an unknown send or recipient)")
        }
        for i in 0..<c where slots[i] != 0 && Int(slots[i] & 0xFFFF_FFFF) > n {
            throw CacheFileError("it is damaged (a slot outside the table)")
        }
    }

    /// Room for `n` more pairs without growing (see `InternTable.reserve`).
    func reserve(_ n: Int) {
        var c = slotCount
        while (count + n) * 10 > c * 7 { c <<= 1 }
        if c > slotCount { rehash(into: c) }
        if count + n > capacity {
            capacity = count + n
            pairs = realloc(pairs, capacity * MemoryLayout<Pair>.stride)!.assumingMemoryBound(to: Pair.self)
        }
    }

    private func grow() { rehash(into: slotCount * 2) }

    private func rehash(into c: Int) {
        let fresh = calloc(c, MemoryLayout<UInt64>.stride)!.assumingMemoryBound(to: UInt64.self)
        let m = c - 1
        for k in 0..<count {
            let h = Self.hash(pairs[k].campaign, pairs[k].recipient)
            var i = Int(truncatingIfNeeded: h) & m
            while fresh[i] != 0 { i = (i + 1) & m }
            fresh[i] = (h >> 32) << 32 | UInt64(k + 1)
        }
        free(slots)
        slots = fresh
        slotCount = c
        mask = m
    }

    /// Every pair, in the order first seen, calling `lookahead` with the recipient of the pair 16 ahead (to
    /// prefetch what the body will read about it).
    /// `then` runs `thenDistance` pairs ahead, for loads that need what `lookahead` fetched.
    @inline(__always)
    func forEach(lookahead: (Int32) -> Void, then: ((Int32) -> Void)? = nil, _ body: (Int32, Int32, Message) -> Void) {
        let distance = 16, thenDistance = 6
        for k in 0..<count {
            if k + distance < count { lookahead(pairs[k + distance].recipient) }
            if let then, k + thenDistance < count { then(pairs[k + thenDistance].recipient) }
            let p = pairs[k]
            body(p.campaign, p.recipient, p.message)
        }
    }

    /// Every pair: (campaign, recipient, message), in the order first seen.
    @inline(__always)
    func forEach(_ body: (Int32, Int32, Message) -> Void) {
        for k in 0..<count {
            let p = pairs[k]
            body(p.campaign, p.recipient, p.message)
        }
    }
}

/// A set of 64-bit values (recipient-hours of engagement, recipient-link clicks).
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

    /// Starts loading the slot of a value about to be inserted.
    @inline(__always)
    func prefetch(_ value: UInt64) {
        let i = Int(truncatingIfNeeded: mix(value &+ 1)) & mask
        slots.withUnsafeBufferPointer { inbox_prefetch($0.baseAddress! + i) }
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

    /// Room for `n` more values without growing.
    mutating func reserve(_ n: Int) {
        var c = slots.count
        while (count + n) * 10 > c * 7 { c <<= 1 }
        if c > slots.count { rehash(into: c) }
    }

    private mutating func grow() { rehash(into: slots.count * 2) }

    private mutating func rehash(into c: Int) {
        let old = slots
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

    func write(to w: CacheWriter) {
        w.array(slots)
        w.int(count)
    }

    init(reading r: CacheReader) throws {
        slots = try r.array(UInt64.self)
        count = try r.count(of: 0)
        guard slots.count >= 16, slots.count & (slots.count - 1) == 0, count * 10 <= slots.count * 7 + 10 else {
            throw CacheFileError("it is damaged (a set of \(count) in \(slots.count) slots)")
        }
        mask = slots.count - 1
    }
}
