import ReportCore

/// What the events of one message (one send to one recipient) said. A fact is set by an event and never
/// cleared, so repeated events (webhook retries, a `sent` reported twice) change nothing. The *rules* that read
/// these facts are the predicates of `Message`: nothing else decides what a message counts as.
public struct MessageFacts: OptionSet, Sendable, Hashable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let sent = MessageFacts(rawValue: 1 << 0)
    public static let delivered = MessageFacts(rawValue: 1 << 1)
    public static let hardBounce = MessageFacts(rawValue: 1 << 2)
    public static let softBounce = MessageFacts(rawValue: 1 << 3)
    /// A bounce the provider could not classify (SES `Undetermined`): counted apart, never as soft.
    public static let undeterminedBounce = MessageFacts(rawValue: 1 << 4)
    /// Suppressed by the provider before sending: the message never went out.
    public static let dropped = MessageFacts(rawValue: 1 << 5)
    /// An open the source says a person made.
    public static let humanOpen = MessageFacts(rawValue: 1 << 6)
    /// An open the source says a machine made (a privacy proxy such as Apple Mail Privacy Protection, a scanner).
    public static let machineOpen = MessageFacts(rawValue: 1 << 7)
    /// An open that carries no signal either way: it may be a person's or a proxy's.
    public static let unverifiedOpen = MessageFacts(rawValue: 1 << 8)
    public static let click = MessageFacts(rawValue: 1 << 9)
    public static let forward = MessageFacts(rawValue: 1 << 10)
    public static let reply = MessageFacts(rawValue: 1 << 11)
    public static let unsubscribe = MessageFacts(rawValue: 1 << 12)
    public static let complaint = MessageFacts(rawValue: 1 << 13)
    public static let deletedUnopened = MessageFacts(rawValue: 1 << 14)

    static let anyBounce: MessageFacts = [.hardBounce, .softBounce, .undeterminedBounce]
    /// Any sign that the message was handed to a receiving server.
    static let attempted: MessageFacts = [.sent, .delivered, .hardBounce, .softBounce, .undeterminedBounce]
    static let anyOpen: MessageFacts = [.humanOpen, .machineOpen, .unverifiedOpen]
    /// What only a person does: open (as the source says), click, reply, forward.
    static let engagement: MessageFacts = [.humanOpen, .click, .forward, .reply]
}

/// The event types one send (or a whole input) reported at all. Some counts are unknown rather than zero when
/// their kind of event never occurs (most sources never report replies).
public struct EventTypesSeen: Sendable, Hashable {
    private var bits: UInt16 = 0
    public init() {}
    /// The set as bits by `EventType.rawValue` (the build cache stores it so).
    init(rawBits: UInt16) { bits = rawBits }
    var rawBits: UInt16 { bits }

    public func contains(_ t: EventType) -> Bool { bits & (1 << t.rawValue) != 0 }
    @inline(__always) mutating func insert(_ t: EventType) { bits |= 1 << t.rawValue }
    mutating func formUnion(_ o: EventTypesSeen) { bits |= o.bits }
}

/// What the events of a whole send say, which some rules of a single message need: whether the send reports
/// deliveries at all decides what "delivered" means for each of its messages.
public struct SendEvidence: Sendable, Hashable {
    /// Event types this send's events had.
    public var types: EventTypesSeen
    /// Some open of this send carried a machine-open signal (true or false). Without one, machine opens are
    /// unknown and the send is marked *no proxy signal*.
    public var hasMachineSignal: Bool

    public init(types: EventTypesSeen = EventTypesSeen(), hasMachineSignal: Bool = false) {
        self.types = types
        self.hasMachineSignal = hasMachineSignal
    }

    public var hasSentEvents: Bool { types.contains(.sent) }
    public var hasDeliveredEvents: Bool { types.contains(.delivered) }
}

/// One message: its facts and the times the report needs (Unix seconds, 0 = never; within 1970…2106).
///
/// Every rule of counting that looks at one message is a predicate here, in words, so that per-send counts,
/// mailbox-provider tables, tiers and re-activation outcomes cannot disagree: they all add messages up through
/// `MessageTally.add(_:in:)`, which reads only these predicates.
public struct Message: Sendable, Hashable {
    public internal(set) var facts: MessageFacts = []
    /// The reason (`BounceReason.rawValue`) of the message's most definite bounce — permanent over undetermined
    /// over temporary (`failureRank`), the first of its kind — `Message.reasonNotGiven` when the source gave no
    /// diagnostic, 0 before any bounce.
    /// (Two bytes that sit in the padding after `facts`: the message stays 32 bytes.)
    public internal(set) var bounceReasonCode: UInt8 = 0
    /// The same for the message's first temporary failure (a deferral, or a soft bounce).
    public internal(set) var deferralReasonCode: UInt8 = 0
    public internal(set) var hardBounceAt: UInt32 = 0
    public internal(set) var unsubscribeAt: UInt32 = 0
    public internal(set) var complaintAt: UInt32 = 0
    /// The first engagement only a person makes (`MessageFacts.engagement`).
    public internal(set) var firstEngagedAt: UInt32 = 0
    /// The first open that was not a machine's (a person's, or one without a signal): the hourly curve's.
    public internal(set) var firstOpenAt: UInt32 = 0
    public internal(set) var firstUnverifiedOpenAt: UInt32 = 0
    public internal(set) var firstClickAt: UInt32 = 0

    public init() {}

    // MARK: The fold of one event

    /// Whether an event is engagement only a person makes: a click, reply or forward, or an open the source says
    /// a person made. An open without a signal is not (it may be a privacy proxy's prefetch).
    @inline(__always)
    public static func isEngagement(_ type: EventType, machine: Bool?) -> Bool {
        switch type {
        case .click, .forward, .reply: return true
        case .open: return machine == false
        default: return false
        }
    }

    /// Whether an event is an open that carries no machine-open signal either way.
    @inline(__always)
    public static func isUnverifiedOpen(_ type: EventType, machine: Bool?) -> Bool { type == .open && machine == nil }

    /// What one event says about this message, at Unix second `t`. A bounce without a type is hard (inputs.md §2).
    @inline(__always)
    public mutating func record(_ type: EventType, bounce: BounceType?, machine: Bool?, at t: UInt32, reason: BounceReason? = nil) {
        switch type {
        case .sent: facts.formUnion(.sent)
        case .delivered: facts.formUnion(.delivered)
        case .bounce:
            let code = reason?.rawValue ?? Self.reasonNotGiven
            let fact: MessageFacts
            switch bounce ?? .hard {
            case .hard:
                fact = .hardBounce
                hardBounceAt = Self.earliest(hardBounceAt, t)
            case .soft:
                fact = .softBounce
                if deferralReasonCode == 0 { deferralReasonCode = code }
            case .undetermined: fact = .undeterminedBounce
            }
            if Self.failureRank(fact) > Self.failureRank(facts) { bounceReasonCode = code }
            facts.formUnion(fact)
        case .deferred:
            if deferralReasonCode == 0 { deferralReasonCode = reason?.rawValue ?? Self.reasonNotGiven }
        case .dropped: facts.formUnion(.dropped)
        case .open:
            switch machine {
            case true?: facts.formUnion(.machineOpen)
            case false?:
                facts.formUnion(.humanOpen)
                firstOpenAt = Self.earliest(firstOpenAt, t)
            case nil:
                facts.formUnion(.unverifiedOpen)
                firstOpenAt = Self.earliest(firstOpenAt, t)
                firstUnverifiedOpenAt = Self.earliest(firstUnverifiedOpenAt, t)
            }
        case .click:
            facts.formUnion(.click)
            firstClickAt = Self.earliest(firstClickAt, t)
        case .forward: facts.formUnion(.forward)
        case .reply: facts.formUnion(.reply)
        case .unsubscribe:
            facts.formUnion(.unsubscribe)
            unsubscribeAt = Self.earliest(unsubscribeAt, t)
        case .complaint:
            facts.formUnion(.complaint)
            complaintAt = Self.earliest(complaintAt, t)
        case .deletedUnopened: facts.formUnion(.deletedUnopened)
        }
        if Self.isEngagement(type, machine: machine) { firstEngagedAt = Self.earliest(firstEngagedAt, t) }
    }

    @inline(__always) static func earliest(_ a: UInt32, _ t: UInt32) -> UInt32 { a == 0 || (t != 0 && t < a) ? t : a }

    /// An event time as the message keeps it: whole seconds, clamped to what a `UInt32` holds (readers reject
    /// times outside their documented range; this only keeps a stray value from trapping).
    @inline(__always)
    public static func seconds(_ time: Double) -> UInt32 {
        guard time > 0 else { return 0 }
        return time < 4_294_967_295 ? UInt32(time) : UInt32.max
    }

    // MARK: What the message counts as

    /// The message went out: it was sent, delivered or bounced, and the provider did not drop it before sending
    /// (SendGrid and SES report a suppressed message as processed, then dropped: it was not sent).
    @inline(__always)
    public var wentOut: Bool { !facts.contains(.dropped) && !facts.isDisjoint(with: MessageFacts.attempted) }

    /// **Where delivered is decided.** In a send that reports deliveries, a message that went out and has its
    /// `delivered` event; in a send that reports none (a sent-only log), a message that went out and did not
    /// bounce. (Whether the send's delivered *count* is known at all is `MessageTally.sendCounts`' concern.)
    /// This is all the walks of the insights read of a send's evidence: `InsightsBase.update` compares only it.
    @inline(__always)
    public func isDelivered(in send: SendEvidence) -> Bool {
        guard wentOut else { return false }
        return send.hasDeliveredEvents ? facts.contains(.delivered) : facts.isDisjoint(with: MessageFacts.anyBounce)
    }

    @inline(__always) public var isHardBounce: Bool { wentOut && facts.contains(.hardBounce) }

    /// A temporary failure that was the message's last word: no delivery and no permanent failure as well.
    /// Temporary failures the provider retried until the message was delivered are nothing (Mailgun
    /// `failed`/`temporary`, Postmark `Transient` followed by a `Delivery`).
    @inline(__always)
    public var isSoftBounce: Bool {
        wentOut && facts.contains(.softBounce) && facts.isDisjoint(with: [.hardBounce, .delivered])
    }

    /// A bounce the provider could not classify, and nothing more definite.
    @inline(__always)
    public var isUndeterminedBounce: Bool {
        wentOut && facts.contains(.undeterminedBounce) && facts.isDisjoint(with: [.hardBounce, .softBounce, .delivered])
    }

    @inline(__always) public var isDropped: Bool { facts.contains(.dropped) }

    /// Opened at all, by anyone or anything.
    @inline(__always) public var opened: Bool { !facts.isDisjoint(with: MessageFacts.anyOpen) }

    /// Every open was a machine's: the recipient did not open it (as far as the source can tell).
    @inline(__always)
    public var isMachineOnlyOpen: Bool { facts.contains(.machineOpen) && facts.isDisjoint(with: [.humanOpen, .unverifiedOpen]) }

    /// A person engaged: an open the source says was theirs, a click, a reply or a forward.
    @inline(__always) public var isEngaged: Bool { !facts.isDisjoint(with: MessageFacts.engagement) }

    /// Opened only by opens that carry no signal, and no other engagement: *opened, unverified*. Never counted as
    /// a person's engagement in tiers or outcomes; counted as an open (and as human, with the send marked
    /// *no proxy signal*) in the send's rates, as `metrics.md` says for sources that cannot tell.
    @inline(__always)
    public var isOpenedUnverified: Bool { facts.contains(.unverifiedOpen) && !isEngaged }

    @inline(__always) public var clicked: Bool { facts.contains(.click) }
    @inline(__always) public var forwarded: Bool { facts.contains(.forward) }
    @inline(__always) public var replied: Bool { facts.contains(.reply) }
    @inline(__always) public var unsubscribed: Bool { facts.contains(.unsubscribe) }
    @inline(__always) public var complained: Bool { facts.contains(.complaint) }
    @inline(__always) public var deletedUnopened: Bool { facts.contains(.deletedUnopened) }

    /// `bounceReasonCode` of a bounce or deferral whose source gave no diagnostic.
    public static let reasonNotGiven: UInt8 = 255

    /// How definite the message's bounces are: 3 permanent, 2 undetermined, 1 temporary, 0 none. The reason kept
    /// is the most definite bounce's.
    @inline(__always)
    static func failureRank(_ f: MessageFacts) -> Int {
        f.contains(.hardBounce) ? 3 : f.contains(.undeterminedBounce) ? 2 : f.contains(.softBounce) ? 1 : 0
    }

    /// Why the message bounced, when it bounced and the source said (`isHardBounce`, `isSoftBounce` or
    /// `isUndeterminedBounce`): nil for a bounce without a diagnostic, and for no bounce.
    public var bounceReason: BounceReason? { BounceReason(rawValue: bounceReasonCode) }
    /// Whether a temporary failure was reported at all (a deferral or a soft bounce), whatever followed.
    public var wasDeferred: Bool { deferralReasonCode != 0 }
    public var deferralReason: BounceReason? { BounceReason(rawValue: deferralReasonCode) }

    /// When the recipient opted out with this message (unsubscribed or complained), or 0. A hard bounce is no
    /// opt-out: the 48-hour rule is about honouring a person's request.
    public var optedOutAt: UInt32 { Self.earliest(unsubscribeAt, complaintAt) }

    /// When this message made its recipient unmailable (a hard bounce, an unsubscribe or a complaint), or 0.
    public var suppressedAt: UInt32 {
        Self.earliest(Self.earliest(isHardBounce ? hardBounceAt : 0, unsubscribeAt), complaintAt)
    }
}
