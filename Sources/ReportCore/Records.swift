import Foundation

/// What a send is for: regular mail, a recurring win-back, or a one-time re-activation of a stale list.
public enum SendKind: String, Sendable, CaseIterable, Codable {
    case regular, winback, reactivation
}

/// The counts of one send as an aggregate export states them. `nil` is *unknown*, never zero.
public struct SendCounts: Sendable, Hashable, Codable {
    public var sent: Int?
    public var delivered: Int?
    public var hardBounces: Int?
    public var softBounces: Int?
    /// Bounces the provider could not classify (SES `Undetermined`): neither hard nor soft.
    public var undeterminedBounces: Int?
    public var dropped: Int?
    public var uniqueOpens: Int?
    public var machineOpens: Int?
    public var uniqueClicks: Int?
    public var forwards: Int?
    public var replies: Int?
    public var unsubscribes: Int?
    public var complaints: Int?
    public var deletedUnopened: Int?
    /// Recipients with a human open, click, reply or forward. Known only from recipient events.
    public var positiveRecipients: Int?

    public init(
        sent: Int? = nil, delivered: Int? = nil, hardBounces: Int? = nil, softBounces: Int? = nil,
        undeterminedBounces: Int? = nil, dropped: Int? = nil, uniqueOpens: Int? = nil, machineOpens: Int? = nil, uniqueClicks: Int? = nil,
        forwards: Int? = nil, replies: Int? = nil, unsubscribes: Int? = nil, complaints: Int? = nil,
        deletedUnopened: Int? = nil, positiveRecipients: Int? = nil
    ) {
        self.sent = sent
        self.delivered = delivered
        self.hardBounces = hardBounces
        self.softBounces = softBounces
        self.undeterminedBounces = undeterminedBounces
        self.dropped = dropped
        self.uniqueOpens = uniqueOpens
        self.machineOpens = machineOpens
        self.uniqueClicks = uniqueClicks
        self.forwards = forwards
        self.replies = replies
        self.unsubscribes = unsubscribes
        self.complaints = complaints
        self.deletedUnopened = deletedUnopened
        self.positiveRecipients = positiveRecipients
    }
}

/// One row of campaign results: one send's metadata and, where the export has them, its counts.
public struct CampaignRow: Sendable, Hashable, Codable {
    public var campaign: String
    public var program: String?
    public var sentAt: Date?
    public var name: String?
    public var subject: String?
    public var segment: String?
    public var kind: SendKind
    public var from: String?
    /// The cohort (frequency test) or variant (subject-line test) this send belongs to, from `experiment_group`.
    public var experimentGroup: String?
    /// The subject-line test this send is a variant of, from `test`.
    public var test: String?
    public var counts: SendCounts
    /// Whether the export had any count column at all (a metadata-only row has none).
    public var hasCounts: Bool
    public var location: SourceLocation

    public init(
        campaign: String, program: String? = nil, sentAt: Date? = nil, name: String? = nil,
        subject: String? = nil, segment: String? = nil, kind: SendKind = .regular, from: String? = nil,
        counts: SendCounts = SendCounts(), hasCounts: Bool = false, location: SourceLocation
    ) {
        self.campaign = campaign
        self.program = program
        self.sentAt = sentAt
        self.name = name
        self.subject = subject
        self.segment = segment
        self.kind = kind
        self.from = from
        self.counts = counts
        self.hasCounts = hasCounts
        self.location = location
    }
}

/// The canonical recipient event types of `inputs.md` §2.
public enum EventType: UInt8, Sendable, CaseIterable, Codable {
    case sent, delivered, bounce, dropped, open, click, forward, reply, unsubscribe, complaint, deletedUnopened
    /// A temporary failure the provider will retry (SendGrid `deferred`, SES `DeliveryDelay`): no outcome of the
    /// message, only its diagnostic (bounce reasons count deferrals apart).
    case deferred

    public var name: String {
        switch self {
        case .deletedUnopened: return "deleted_unopened"
        default: return String(describing: self)
        }
    }

    public init?(name: String) {
        switch name {
        case "sent": self = .sent
        case "delivered": self = .delivered
        case "bounce": self = .bounce
        case "dropped": self = .dropped
        case "open": self = .open
        case "click": self = .click
        case "forward": self = .forward
        case "reply": self = .reply
        case "unsubscribe": self = .unsubscribe
        case "complaint": self = .complaint
        case "deleted_unopened": self = .deletedUnopened
        case "deferred": self = .deferred
        default: return nil
        }
    }
}

/// A permanent failure, a temporary one, or one the provider could not classify (SES `Undetermined`).
public enum BounceType: UInt8, Sendable, Codable { case hard, soft, undetermined }

/// One recipient event, already mapped onto the canonical model. `time` is seconds since 1970 (UTC).
public struct RecipientEvent: Sendable, Hashable {
    public var time: Double
    public var campaign: String
    public var recipient: String
    public var type: EventType
    public var bounceType: BounceType?
    /// `true` machine/privacy proxy, `false` a person, `nil` the source cannot tell.
    public var machine: Bool?
    public var url: String?
    public var program: String?
    public var domain: String?
    /// Why a bounce or deferral happened, from the diagnostic the source gives (nil: none given).
    public var bounceReason: BounceReason?

    public init(
        time: Double, campaign: String, recipient: String, type: EventType, bounceType: BounceType? = nil,
        machine: Bool? = nil, url: String? = nil, program: String? = nil, domain: String? = nil, bounceReason: BounceReason? = nil
    ) {
        self.bounceReason = bounceReason
        self.time = time
        self.campaign = campaign
        self.recipient = recipient
        self.type = type
        self.bounceType = bounceType
        self.machine = machine
        self.url = url
        self.program = program
        self.domain = domain
    }
}
