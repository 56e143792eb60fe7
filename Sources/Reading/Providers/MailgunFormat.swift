import Foundation
import ReportCore

/// Mailgun webhook bodies (`{"signature": …, "event-data": …}`) or bare events (provider-formats.md §4).
///
/// Sources: Mailgun's documentation, "Events" (event types, `severity`, `reason`, `client-info`) and "Webhooks"
/// (the `signature` / `event-data` body); "Tracking Opens" on `client-info.bot`.
///
/// - `accepted` → sent; `delivered`; `rejected` → dropped.
/// - `failed` with `severity: permanent` → hard bounce, except the `reason`s `suppress-bounce`,
///   `suppress-unsubscribe` and `suppress-complaint`: Mailgun refusing an address on one of its suppression
///   lists before sending (dropped, not a bounce).
/// - `failed` with `severity: temporary` → a soft bounce of that message. Mailgun retries; a later `delivered`
///   (or permanent failure) of the same message supersedes it (`Message.isSoftBounce`), so only a message whose
///   last word is a temporary failure counts as soft-bounced.
/// - `opened`: a machine open where `client-info.bot` names one (`apple`, `gmail`, `generic`), a person's where
///   `client-info` is there without one, no signal where `client-info` is absent; `clicked` keeps `url`;
///   `unsubscribed`; `complained`.
/// - `timestamp` is fractional Unix seconds. Campaign: the configured `user-variables` key, else the first tag
///   (legacy `campaigns` after that).
enum MailgunFormat: ProviderFormat {
    static let format = InputFormat.mailgun

    static func matches(_ o: [String: Any]) -> Bool {
        if o["event-data"] is [String: Any] { return true }
        return o["event"] != nil && o["recipient"] != nil && o["timestamp"] != nil && (o["log-level"] != nil || o["user-variables"] != nil || o["delivery-status"] != nil || o["id"] != nil)
    }

    static func map(_ o: [String: Any], campaignField: String?) throws -> ProviderRecord {
        let e = JSONValue.object(o["event-data"]) ?? o
        guard let event = JSONValue.string(e["event"]) else { throw ProviderError(field: "event", message: "is missing") }
        let type: EventType
        var bounce: BounceType?
        var machine: Bool?
        switch event {
        case "accepted": type = .sent
        case "delivered": type = .delivered
        case "rejected": type = .dropped
        case "failed":
            switch JSONValue.string(e["severity"]) {
            case "permanent":
                if ["suppress-bounce", "suppress-unsubscribe", "suppress-complaint"].contains(JSONValue.string(e["reason"])) {
                    type = .dropped
                } else {
                    type = .bounce
                    bounce = .hard
                }
            case "temporary":
                type = .bounce
                bounce = .soft
            default:
                return .ignored
            }
        case "opened":
            type = .open
            machine = JSONValue.object(e["client-info"]).map { JSONValue.string($0["bot"]) != nil }
        case "clicked": type = .click
        case "unsubscribed": type = .unsubscribe
        case "complained": type = .complaint
        case "stored", "list_member_uploaded", "list_uploaded": return .ignored
        default: return .unknown(event)
        }
        var recipient = JSONValue.string(e["recipient"])
        if recipient == nil, type == .dropped {
            recipient = JSONValue.string(JSONValue.object(JSONValue.object(e["message"])?["headers"])?["to"])
        }
        guard let recipient else { throw ProviderError(field: "recipient", message: "is missing") }
        guard let time = JSONValue.unix(e["timestamp"]) else { throw ProviderError(field: "timestamp", message: TimeField.unix) }
        var campaign: String?
        if let field = campaignField, let vars = JSONValue.object(e["user-variables"]) {
            campaign = JSONValue.string(vars[field])
        }
        campaign = campaign ?? JSONValue.first(e["tags"]) ?? JSONValue.first(e["campaigns"])
        guard let campaign else {
            throw ProviderError(field: "tags", message: "no campaign id: no tag (set campaign_field: in report.yml to a user-variables key)")
        }
        return .events([RecipientEvent(
            time: time, campaign: campaign, recipient: CanonicalEvents.normalizeRecipient(recipient), type: type,
            bounceType: bounce, machine: machine, url: type == .click ? JSONValue.string(e["url"]) : nil,
            bounceReason: type == .bounce ? reason(e) : nil)])
    }

    /// A failure's reason from `delivery-status` (`code`, `enhanced-code` where given, `message`, `description`);
    /// Mailgun's own `reason` (`bounce`, `generic`, `old`) says too little to classify.
    static func reason(_ e: [String: Any]) -> BounceReason? {
        let status = JSONValue.object(e["delivery-status"]) ?? [:]
        let text = [JSONValue.string(status["message"]), JSONValue.string(status["description"])].compactMap { $0 }.joined(separator: " ")
        let code = JSONValue.string(status["enhanced-code"]) ?? JSONValue.string(status["code"])
        return BounceReason.classify(code: code, text: text.isEmpty ? nil : text)
    }
}
