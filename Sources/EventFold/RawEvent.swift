import ReportCore

/// One event as a reader hands it to the fold: fields are bytes in the reader's buffer, valid only during the
/// `add(batch:file:)` call. `recipient` is already trimmed and, for an address, lower-cased. A reader that
/// decoded a `RecipientEvent` hands it over with `add(_:at:)`, which makes one of these from its text.
public struct RawEvent {
    public var time: Double
    public var campaign: UnsafeRawBufferPointer
    public var recipient: UnsafeRawBufferPointer
    public var type: EventType
    public var bounce: BounceType?
    /// `true` a machine or privacy proxy opened, `false` a person, `nil` the source cannot tell.
    public var machine: Bool?
    public var url: UnsafeRawBufferPointer?
    public var program: UnsafeRawBufferPointer?
    public var domain: UnsafeRawBufferPointer?
    public var line: Int
    /// `RecipientHash.of(recipient)` when the reader already computed it.
    public var recipientHash: UInt64?
    /// A bounce's or deferral's reason, classified by the reader from its diagnostic.
    public var reason: BounceReason?

    public init(time: Double, campaign: UnsafeRawBufferPointer, recipient: UnsafeRawBufferPointer, type: EventType,
                bounce: BounceType? = nil, machine: Bool? = nil, url: UnsafeRawBufferPointer? = nil,
                program: UnsafeRawBufferPointer? = nil, domain: UnsafeRawBufferPointer? = nil, line: Int,
                recipientHash: UInt64? = nil, reason: BounceReason? = nil) {
        self.reason = reason
        self.time = time
        self.campaign = campaign
        self.recipient = recipient
        self.type = type
        self.bounce = bounce
        self.machine = machine
        self.url = url
        self.program = program
        self.domain = domain
        self.line = line
        self.recipientHash = recipientHash
    }
}

/// Where readers put recipient events: in batches (a sink may look several events up in stages so their
/// memory loads overlap), one at a time as a batch of one, or decoded.
public protocol RawEventSink: AnyObject {
    /// Events in the order read; their bytes are valid only during the call.
    func add(batch: UnsafeBufferPointer<RawEvent>, file: String)

    /// About this many events are coming (a reader's estimate from a file's size): a sink may size its tables
    /// now rather than grow them while they fill.
    func expect(events: Int)
}

extension RawEventSink {
    public func expect(events: Int) {}

    /// One event: a batch of one.
    public func add(_ event: RawEvent, file: String) {
        var e = event
        withUnsafePointer(to: &e) { add(batch: UnsafeBufferPointer(start: $0, count: 1), file: file) }
    }

    /// A decoded event, its text handed over as bytes.
    public func add(_ e: RecipientEvent, at location: SourceLocation) {
        e.campaign.withUTF8Bytes { campaign in e.recipient.withUTF8Bytes { recipient in e.url.withUTF8Bytes { url in
            e.program.withUTF8Bytes { program in e.domain.withUTF8Bytes { domain in
                add(RawEvent(time: e.time, campaign: campaign, recipient: recipient, type: e.type, bounce: e.bounceType,
                             machine: e.machine, url: url, program: program, domain: domain, line: location.line ?? 0,
                             reason: e.bounceReason),
                    file: location.file)
            } }
        } } }
    }
}

/// A sink split by recipient: every event of one recipient goes to part `RecipientHash.part`, so the parts
/// can be filled on separate threads without a lock and are never merged. A reader on one thread may use the
/// sink itself, which sends each event to its part.
public protocol PartitionedEventSink: RawEventSink {
    var parts: [RawEventSink] { get }
}

/// The hash of a recipient (bytes as `RawEventSink` receives them: trimmed, an address lower-cased) and the
/// part of a partitioned sink it belongs to. Readers and sinks must agree on both, so they live here.
public enum RecipientHash {
    /// A 64-bit hash of bytes, eight at a time.
    @inlinable @inline(__always)
    public static func of(_ p: UnsafeRawBufferPointer) -> UInt64 {
        let n = p.count
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ (UInt64(n) &* 0xFF51_AFD7_ED55_8CCD)
        guard n > 0, let base = p.baseAddress else { return mix(h) }
        var i = 0
        while i + 8 <= n {
            h = (h ^ base.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 29
            i += 8
        }
        if i < n {
            // The last 1…7 bytes: the final eight of the buffer when it has them (overlap is harmless), else
            // byte by byte.
            var w: UInt64 = 0
            if n >= 8 {
                w = base.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            } else {
                for k in 0..<n { w |= UInt64(base.load(fromByteOffset: k, as: UInt8.self)) << (k * 8) }
            }
            h = (h ^ w) &* 0x94D0_49BB_1331_11EB
        }
        return mix(h)
    }

    /// A 64-bit finaliser (`HashMix.splitmix64`).
    @inlinable @inline(__always)
    public static func mix(_ x: UInt64) -> UInt64 { HashMix.splitmix64(x) }

    /// The part (of `n`) a recipient with hash `h` belongs to. A multiplicative spread of the hash (the tables
    /// inside a part index by its low bits and tag by its top bits, so the part must not be either), scaled to
    /// 0..<n by a multiply and a shift rather than a division.
    @inlinable @inline(__always)
    public static func part(_ h: UInt64, of n: Int) -> Int {
        n == 1 ? 0 : Int(truncatingIfNeeded: (((h &* 0x9E37_79B9_7F4A_7C15) >> 32) &* UInt64(n)) >> 32)
    }
}
