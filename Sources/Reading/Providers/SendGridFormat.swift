import Foundation
import ReportCore

/// SendGrid Event Webhook posts: a JSON array of flat events, or JSON Lines (provider-formats.md §3).
///
/// Sources: Twilio SendGrid's documentation, "Event Webhook Reference" (event types, `type` of bounces,
/// `sg_machine_open`) and "Getting started with the Event Webhook" (retries, `sg_event_id`).
///
/// - `processed` → sent; `delivered`; `dropped` → dropped (never a bounce); `deferred` is ignored.
/// - `bounce` with `type: bounce` → hard; `type: blocked` → soft (a receiver block, often reputation).
/// - `deferred` → a deferral (no outcome of the message; its `response` counts among bounce reasons).
/// - Bounce reasons (`BounceReason`): `bounce_classification` (SendGrid's "Bounce and Block Classifications":
///   Invalid Address → invalid recipient, Mailbox Unavailable → mailbox full, Reputation, Content, Frequency or
///   Volume Too High → rate limited, Technical and Unclassified → by the text), else `status` and `reason`.
/// - `open`: `sg_machine_open: true` → a machine open, `false` → a person's; without the field (accounts and
///   events from before SendGrid added it) the open is classified by `useragent` and `ip` (`ProxyOpens`), else
///   it carries no signal. `click` keeps `url`; `spamreport` → complaint;
///   `unsubscribe` and `group_unsubscribe` → unsubscribe; `group_resubscribe` is ignored.
/// - Campaign: the configured custom-args key, else `marketing_campaign_id`, else `singlesend_id`, else the
///   first `category`. Retries (the same `sg_event_id`, often many times) fold into one.
enum SendGridFormat: ProviderFormat {
    static let format = InputFormat.sendgrid

    static func matches(_ o: [String: Any]) -> Bool {
        o["sg_event_id"] != nil || o["sg_message_id"] != nil || (o["event"] != nil && o["email"] != nil && o["timestamp"] != nil)
    }

    static func map(_ o: [String: Any], campaignField: String?) throws -> ProviderRecord {
        guard let event = JSONValue.string(o["event"]) else { throw ProviderError(field: "event", message: "is missing") }
        let type: EventType
        var bounce: BounceType?
        var machine: Bool?
        var reason: BounceReason?
        switch event {
        case "processed": type = .sent
        case "delivered": type = .delivered
        case "dropped": type = .dropped
        case "bounce":
            type = .bounce
            bounce = JSONValue.string(o["type"]) == "blocked" ? .soft : .hard
            reason = classification(JSONValue.string(o["bounce_classification"]))
                ?? BounceReason.classify(code: JSONValue.string(o["status"]), text: JSONValue.string(o["reason"]))
        case "deferred":
            type = .deferred
            reason = BounceReason.classify(text: JSONValue.string(o["response"]) ?? JSONValue.string(o["reason"]))
        case "open":
            type = .open
            machine = JSONValue.bool(o["sg_machine_open"])
                ?? ProxyOpens.isMachine(userAgent: JSONValue.string(o["useragent"]), ip: JSONValue.string(o["ip"]))
        case "click": type = .click
        case "spamreport": type = .complaint
        case "unsubscribe", "group_unsubscribe": type = .unsubscribe
        case "group_resubscribe": return .ignored
        default: return .unknown(event)
        }
        guard let email = JSONValue.string(o["email"]) else { throw ProviderError(field: "email", message: "is missing") }
        guard let time = JSONValue.unix(o["timestamp"]) else { throw ProviderError(field: "timestamp", message: TimeField.unix) }
        let campaign = campaignField.flatMap { JSONValue.string(o[$0]) }
            ?? JSONValue.string(o["marketing_campaign_id"]) ?? JSONValue.string(o["singlesend_id"]) ?? JSONValue.first(o["category"])
        guard let campaign else {
            throw ProviderError(field: campaignField ?? "marketing_campaign_id", message: "no campaign id: no marketing_campaign_id, singlesend_id or category (set campaign_field: in report.yml for a custom-args key)")
        }
        return .events([RecipientEvent(
            time: time, campaign: campaign, recipient: CanonicalEvents.normalizeRecipient(email), type: type,
            bounceType: bounce, machine: machine, url: type == .click ? JSONValue.string(o["url"]) : nil, bounceReason: reason)])
    }

    static func classification(_ c: String?) -> BounceReason? {
        switch c?.lowercased() {
        case "invalid address"?: return .invalidRecipient
        case "mailbox unavailable"?: return .mailboxFull
        case "reputation"?: return .reputation
        case "content"?: return .content
        case "frequency or volume too high"?: return .rateLimited
        default: return nil
        }
    }
}
