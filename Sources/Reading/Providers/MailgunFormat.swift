import Foundation
import ReportCore

/// Mailgun webhook bodies (`{"signature": …, "event-data": …}`) or bare events (provider-formats.md §4).
///
/// - `accepted` → sent; `delivered`; `rejected` → dropped.
/// - `failed` with `severity: permanent` → hard bounce, except `reason: suppress-bounce`, which is Mailgun
///   refusing an address that bounced before (dropped, not a new bounce); `severity: temporary` is a retry
///   and ignored.
/// - `opened`: a machine open where `client-info.bot` names one (`apple`, `gmail`, `generic`); `clicked` keeps
///   `url`; `unsubscribed`; `complained`.
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
            guard JSONValue.string(e["severity"]) == "permanent" else { return .ignored }
            if JSONValue.string(e["reason"]) == "suppress-bounce" {
                type = .dropped
            } else {
                type = .bounce
                bounce = .hard
            }
        case "opened":
            type = .open
            machine = JSONValue.string(JSONValue.object(e["client-info"])?["bot"]) != nil
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
        guard let time = JSONValue.unix(e["timestamp"]) else { throw ProviderError(field: "timestamp", message: "is not Unix seconds") }
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
            bounceType: bounce, machine: machine, url: type == .click ? JSONValue.string(e["url"]) : nil)])
    }
}
