import ReportCore

/// Messages added up, one named count per rule of `Message`. Per-send counts, a mailbox provider's share of a
/// send, the messages a tier or a frequency bucket received, and the recipients of a re-activation send are all
/// tallies, filled through `add(_:in:)` only.
public struct MessageTally: Sendable, Hashable, Codable, BitwiseCopyable {
    /// Messages that went out (`Message.wentOut`): the send's `sent`.
    public var wentOut = 0
    public var delivered = 0
    public var hardBounced = 0
    public var softBounced = 0
    public var undeterminedBounced = 0
    public var dropped = 0
    public var opened = 0
    public var machineOnlyOpened = 0
    public var openedUnverified = 0
    public var engaged = 0
    public var clicked = 0
    public var forwarded = 0
    public var replied = 0
    public var unsubscribed = 0
    public var complained = 0
    public var deletedUnopened = 0

    public init() {}

    /// One message, counted by the predicates of `Message`. The one place a message becomes numbers.
    @inline(__always)
    public init(counting m: Message, in send: SendEvidence) {
        @inline(__always) func one(_ b: Bool) -> Int { b ? 1 : 0 }
        wentOut = one(m.wentOut)
        delivered = one(m.isDelivered(in: send))
        hardBounced = one(m.isHardBounce)
        softBounced = one(m.isSoftBounce)
        undeterminedBounced = one(m.isUndeterminedBounce)
        dropped = one(m.isDropped)
        opened = one(m.opened)
        machineOnlyOpened = one(m.isMachineOnlyOpen)
        openedUnverified = one(m.isOpenedUnverified)
        engaged = one(m.isEngaged)
        clicked = one(m.clicked)
        forwarded = one(m.forwarded)
        replied = one(m.replied)
        unsubscribed = one(m.unsubscribed)
        complained = one(m.complained)
        deletedUnopened = one(m.deletedUnopened)
    }

    /// Adds one message of a send with this evidence.
    @inline(__always)
    public mutating func add(_ m: Message, in send: SendEvidence) { self += MessageTally(counting: m, in: send) }

    /// Unchecked adds: a count of messages never comes near `Int.max` (every message is a record in memory),
    /// and without a trap after each of the sixteen the compiler adds them as vectors. The walks add five
    /// tallies a message; with checked adds that was a third of the message walk's time.
    @inline(__always)
    public static func += (a: inout MessageTally, b: MessageTally) {
        a.wentOut &+= b.wentOut
        a.delivered &+= b.delivered
        a.hardBounced &+= b.hardBounced
        a.softBounced &+= b.softBounced
        a.undeterminedBounced &+= b.undeterminedBounced
        a.dropped &+= b.dropped
        a.opened &+= b.opened
        a.machineOnlyOpened &+= b.machineOnlyOpened
        a.openedUnverified &+= b.openedUnverified
        a.engaged &+= b.engaged
        a.clicked &+= b.clicked
        a.forwarded &+= b.forwarded
        a.replied &+= b.replied
        a.unsubscribed &+= b.unsubscribed
        a.complained &+= b.complained
        a.deletedUnopened &+= b.deletedUnopened
    }

    /// Takes away the messages of `b`, which `a` counted too (a cached walk's part of recipients walked again,
    /// `InsightsBase`). Every field of `+=`, in the same order.
    @inline(__always)
    public static func -= (a: inout MessageTally, b: MessageTally) {
        a.wentOut &-= b.wentOut
        a.delivered &-= b.delivered
        a.hardBounced &-= b.hardBounced
        a.softBounced &-= b.softBounced
        a.undeterminedBounced &-= b.undeterminedBounced
        a.dropped &-= b.dropped
        a.opened &-= b.opened
        a.machineOnlyOpened &-= b.machineOnlyOpened
        a.openedUnverified &-= b.openedUnverified
        a.engaged &-= b.engaged
        a.clicked &-= b.clicked
        a.forwarded &-= b.forwarded
        a.replied &-= b.replied
        a.unsubscribed &-= b.unsubscribed
        a.complained &-= b.complained
        a.deletedUnopened &-= b.deletedUnopened
    }

    public var unsubscribeRate: Double? { delivered > 0 ? Double(unsubscribed) / Double(delivered) : nil }
    public var complaintRate: Double? { delivered > 0 ? Double(complained) / Double(delivered) : nil }

    /// The counts of a send (or a provider's share of one) as campaign results would state them, with what the
    /// events cannot tell left unknown: delivered without `sent` or `delivered` events, machine opens without a
    /// machine-open signal, and forwards, replies and deletes where no event of the whole input reports them.
    /// Recipients with positive engagement count opens without a signal as a person's, like the human open rate
    /// (the send is marked *no proxy signal*); tiers and outcomes keep them apart.
    public func sendCounts(_ send: SendEvidence, inputReports: EventTypesSeen) -> SendCounts {
        SendCounts(
            sent: wentOut,
            delivered: send.hasDeliveredEvents || send.hasSentEvents ? delivered : nil,
            hardBounces: hardBounced, softBounces: softBounced, undeterminedBounces: undeterminedBounced,
            dropped: dropped, uniqueOpens: opened, machineOpens: send.hasMachineSignal ? machineOnlyOpened : nil,
            uniqueClicks: clicked,
            forwards: inputReports.contains(.forward) ? forwarded : nil,
            replies: inputReports.contains(.reply) ? replied : nil,
            unsubscribes: unsubscribed, complaints: complained,
            deletedUnopened: inputReports.contains(.deletedUnopened) ? deletedUnopened : nil,
            positiveRecipients: engaged + openedUnverified)
    }
}
