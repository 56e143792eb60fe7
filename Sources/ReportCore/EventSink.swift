/// Where readers put recipient events. The byte-level entry point lets a reader of a large file hand over
/// fields without making a `String` per field; `add(_:at:)` serves every other reader.
public protocol RawEventSink: AnyObject {
    func add(_ event: RecipientEvent, at location: SourceLocation)

    /// One event from bytes. `recipient` is already trimmed and, for an address, lower-cased.
    func add(time: Double, campaign: UnsafeRawBufferPointer, recipient: UnsafeRawBufferPointer, type: EventType,
             bounce: BounceType?, machine: Bool?, url: UnsafeRawBufferPointer?, program: UnsafeRawBufferPointer?,
             domain: UnsafeRawBufferPointer?, file: String, line: Int)
}

/// A sink split by recipient: every event of one recipient goes to the same part, so the parts can be filled
/// on separate threads without a lock and are never merged. A reader on one thread may use the sink itself,
/// which sends each event to its part.
public protocol PartitionedEventSink: RawEventSink {
    var parts: [RawEventSink] { get }
    /// The part that takes a recipient's events (bytes as `RawEventSink` receives them).
    func part(forRecipient recipient: UnsafeRawBufferPointer) -> Int
}

/// One event as a fast reader hands it over: fields are bytes in the reader's buffer, valid only during the
/// `add(batch:file:)` call. `recipient` is already trimmed and, for an address, lower-cased.
public struct RawEvent {
    public var time: Double
    public var campaign: UnsafeRawBufferPointer
    public var recipient: UnsafeRawBufferPointer
    public var type: EventType
    public var bounce: BounceType?
    public var machine: Bool?
    public var url: UnsafeRawBufferPointer?
    public var program: UnsafeRawBufferPointer?
    public var domain: UnsafeRawBufferPointer?
    public var line: Int

    public init(time: Double, campaign: UnsafeRawBufferPointer, recipient: UnsafeRawBufferPointer, type: EventType,
                bounce: BounceType?, machine: Bool?, url: UnsafeRawBufferPointer?, program: UnsafeRawBufferPointer?,
                domain: UnsafeRawBufferPointer?, line: Int) {
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
    }
}

public protocol BatchEventSink: RawEventSink {
    /// Several events at once, in order: a sink may look them up in stages so their memory loads overlap.
    func add(batch: UnsafeBufferPointer<RawEvent>, file: String)
}
