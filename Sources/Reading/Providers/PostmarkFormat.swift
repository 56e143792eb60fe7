import Foundation
import ReportCore

/// Postmark webhook bodies, one object per event (provider-formats.md §5).
///
/// - `Delivery` → delivered (Postmark sends no `sent` event: every delivered or bounced message was sent).
/// - `Bounce` by `Type`: HardBounce, BadEmailAddress → hard; SoftBounce, Transient, DnsError, Blocked,
///   DMARCPolicy → soft; ManuallyDeactivated, Unconfirmed → dropped; Unsubscribe → unsubscribe; SpamComplaint
///   → complaint; auto-replies (AutoResponder, AddressChange, ChallengeVerification) are neither a reply nor a
///   bounce and are ignored, like the other notices.
/// - `SpamComplaint` → complaint. `Open` carries no machine signal; `Click` keeps `OriginalLink`.
/// - `SubscriptionChange` is an unsubscribe only when the recipient or the sender suppressed sending
///   (`SuppressSending: true`, `SuppressionReason: ManualSuppression`). One that follows a hard bounce or a
///   complaint is its consequence, not an unsubscribe; `SuppressSending: false` is a resubscription.
/// - Times carry their own offset (often not UTC). Campaign: `Tag`, else the configured `Metadata` key.
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
            guard JSONValue.bool(o["SuppressSending"]) == true, JSONValue.string(o["SuppressionReason"]) == "ManualSuppression" else {
                return .ignored
            }
            (type, timeField) = (.unsubscribe, "ChangedAt")
        default:
            return .unknown(record)
        }
        guard let recipient = JSONValue.string(o[recipientField]) ?? JSONValue.string(o["Recipient"]) ?? JSONValue.string(o["Email"]) else {
            throw ProviderError(field: recipientField, message: "is missing")
        }
        guard let time = JSONValue.iso(o[timeField]) else { throw ProviderError(field: timeField, message: "is not an ISO 8601 date-time with offset") }
        let campaign = JSONValue.string(o["Tag"]) ?? campaignField.flatMap { JSONValue.string(JSONValue.object(o["Metadata"])?[$0]) }
        guard let campaign else {
            throw ProviderError(field: "Tag", message: "no campaign id: no Tag (set campaign_field: in report.yml to a Metadata key)")
        }
        return .events([RecipientEvent(
            time: time, campaign: campaign, recipient: CanonicalEvents.normalizeRecipient(recipient), type: type,
            bounceType: bounce, url: type == .click ? JSONValue.string(o["OriginalLink"]) : nil)])
    }
}
