import Foundation
import ReportCore

/// Postmark webhook bodies, one object per event (provider-formats.md §5).
///
/// Sources: Postmark's developer documentation, "Webhooks overview" and the pages of each webhook (Delivery,
/// Bounce, Spam complaint, Open tracking, Click, Subscription change), and "Bounce API" for `Type`/`TypeCode`.
///
/// - `Delivery` → delivered (Postmark sends no `sent` event: every delivered or bounced message was sent).
/// - `Bounce` by `Type`: HardBounce, BadEmailAddress → hard; SoftBounce, Transient (TypeCode 2), DnsError,
///   Blocked, DMARCPolicy → soft, unless the same message is later delivered (`Message.isSoftBounce`: a
///   Transient is a delay Postmark kept retrying); ManuallyDeactivated, Unconfirmed → dropped; Unsubscribe →
///   unsubscribe; SpamComplaint → complaint; auto-replies (AutoResponder, AddressChange, ChallengeVerification)
///   are neither a reply nor a bounce and are ignored, like the other notices. A Bounce that names no `Email`
///   (Postmark posts `Type: Unsubscribe` records without one) is skipped and reported once per file.
/// - `SpamComplaint` → complaint. `Click` keeps `OriginalLink`. `Open` has no machine flag: it is classified by
///   its `UserAgent` and `Geo.IP` (`ProxyOpens`), else it carries no signal.
/// - `SubscriptionChange` (`SuppressSending: true`) by `SuppressionReason`: `HardBounce` → a hard bounce and
///   `SpamComplaint` → a complaint of that recipient (the same message as the Bounce or SpamComplaint record when
///   both arrive, so counted once); `ManualSuppression` → an unsubscribe when `Origin` is `Recipient` (or not
///   given), but nothing when it is `Customer` or `Admin` (the sender suppressing an address is not the
///   recipient opting out). `SuppressSending: false` is a resubscription and ignored.
/// - Times carry their own offset (often not UTC). Campaign: `Tag`, else the configured `Metadata` key.
/// - Bounce reasons (`BounceReason`) by `Type` ("Bounce API", bounce types): `BadEmailAddress` → invalid
///   recipient, `DMARCPolicy` → authentication, `Blocked` → reputation; otherwise the SMTP reply in `Details`
///   (and `Description`).
enum PostmarkFormat: ProviderFormat {
    static let format = InputFormat.postmark

    static func matches(_ o: [String: Any]) -> Bool { o["RecordType"] != nil }

    static func map(_ o: [String: Any], campaignField: String?) throws -> ProviderRecord {
        guard let record = JSONValue.string(o["RecordType"]) else { throw ProviderError(field: "RecordType", message: "is missing") }
        var type: EventType
        var bounce: BounceType?
        var timeField: String
        var recipientField = "Recipient"
        switch record {
        case "Delivery": (type, timeField) = (.delivered, "DeliveredAt")
        case "Open": (type, timeField) = (.open, "ReceivedAt")
        case "Click": (type, timeField) = (.click, "ReceivedAt")
        case "SpamComplaint": (type, timeField, recipientField) = (.complaint, "BouncedAt", "Email")
        case "Bounce":
            (timeField, recipientField) = ("BouncedAt", "Email")
            switch JSONValue.string(o["Type"]) ?? "" {
            case "HardBounce", "BadEmailAddress": (type, bounce) = (.bounce, .hard)
            case "SoftBounce", "Transient", "DnsError", "Blocked", "DMARCPolicy": (type, bounce) = (.bounce, .soft)
            case "ManuallyDeactivated", "Unconfirmed": type = .dropped
            case "Unsubscribe": type = .unsubscribe
            case "SpamComplaint": type = .complaint
            case "AutoResponder", "AddressChange", "ChallengeVerification", "Subscribe", "OpenRelayTest", "SpamNotification",
                 "VirusNotification", "Unknown", "SMTPApiError", "InboundError", "TemplateRenderingFailed":
                return .ignored
            case let other: return .unknown("Bounce/\(other)")
            }
        case "SubscriptionChange":
            guard JSONValue.bool(o["SuppressSending"]) == true else { return .ignored }
            timeField = "ChangedAt"
            switch JSONValue.string(o["SuppressionReason"]) {
            case "HardBounce": (type, bounce) = (.bounce, .hard)
            case "SpamComplaint": type = .complaint
            case "ManualSuppression":
                guard ["Recipient", nil].contains(JSONValue.string(o["Origin"])) else { return .ignored }
                type = .unsubscribe
            default: return .ignored
            }
        default:
            return .unknown(record)
        }
        guard let recipient = JSONValue.string(o[recipientField]) ?? JSONValue.string(o["Recipient"]) ?? JSONValue.string(o["Email"]) else {
            if record == "Bounce" { return .noRecipient }
            throw ProviderError(field: recipientField, message: "is missing")
        }
        guard let time = JSONValue.iso(o[timeField]) else { throw ProviderError(field: timeField, message: TimeField.iso) }
        let campaign = JSONValue.string(o["Tag"]) ?? campaignField.flatMap { JSONValue.string(JSONValue.object(o["Metadata"])?[$0]) }
        guard let campaign else {
            throw ProviderError(field: "Tag", message: "no campaign id: no Tag (set campaign_field: in report.yml to a Metadata key)")
        }
        let machine = type == .open
            ? ProxyOpens.isMachine(userAgent: JSONValue.string(o["UserAgent"]), ip: JSONValue.string(JSONValue.object(o["Geo"])?["IP"]))
            : nil
        var reason: BounceReason?
        if type == .bounce, record == "Bounce" {
            switch JSONValue.string(o["Type"]) {
            case "BadEmailAddress": reason = .invalidRecipient
            case "DMARCPolicy": reason = .authentication
            case "Blocked": reason = .reputation
            default:
                let text = [JSONValue.string(o["Details"]), JSONValue.string(o["Description"])].compactMap { $0 }.joined(separator: " ")
                reason = BounceReason.classify(text: text.isEmpty ? nil : text)
            }
        }
        return .events([RecipientEvent(
            time: time, campaign: campaign, recipient: CanonicalEvents.normalizeRecipient(recipient), type: type,
            bounceType: bounce, machine: machine, url: type == .click ? JSONValue.string(o["OriginalLink"]) : nil,
            bounceReason: reason)])
    }
}
