import Foundation
import ReportCore

/// Amazon SES event publishing records (and classic notifications), bare as Firehose writes them or inside
/// an SNS envelope whose `Message` is a JSON string (provider-formats.md §2).
///
/// - Send → sent (at `mail.timestamp`); Delivery → delivered, per `delivery.recipients`.
/// - Bounce: Permanent → hard; Transient and Undetermined → soft (Transient is published only after SES gave
///   up), per `bounce.bouncedRecipients`. Complaint → complaint per `complainedRecipients`.
/// - Reject → dropped. Open and Click carry no machine signal and no recipient of their own: they go to every
///   address of `mail.destination` (send one recipient per message for exact figures).
/// - DeliveryDelay, Rendering Failure and subscription confirmations are ignored; a Subscription event that
///   unsubscribes from everything → unsubscribe.
/// - Event times come from the per-type object; `mail.timestamp` is the send time.
/// - Campaign: the configured `mail.tags` key (default `campaign`), first value.
enum SESFormat: ProviderFormat {
    static let format = InputFormat.ses

    static func matches(_ o: [String: Any]) -> Bool {
        if JSONValue.string(o["Type"]) != nil, o["TopicArn"] != nil || o["Message"] != nil { return true }
        return (o["eventType"] != nil || o["notificationType"] != nil) && o["mail"] != nil
    }

    static func map(_ o: [String: Any], campaignField: String?) throws -> ProviderRecord {
        var record = o
        if let envelopeType = JSONValue.string(o["Type"]) {
            guard envelopeType == "Notification" else { return .ignored }  // SubscriptionConfirmation …
            guard let message = o["Message"] as? String, let data = message.data(using: .utf8),
                  let inner = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                return .ignored  // the plain-text message sent when a topic is confirmed
            }
            record = inner
        }
        guard let kind = JSONValue.string(record["eventType"]) ?? JSONValue.string(record["notificationType"]) else {
            throw ProviderError(field: "eventType", message: "is missing")
        }
        guard let mail = JSONValue.object(record["mail"]) else { throw ProviderError(field: "mail", message: "is missing") }
        let tagKey = campaignField ?? "campaign"
        guard let campaign = JSONValue.object(mail["tags"]).flatMap({ JSONValue.first($0[tagKey]) }) else {
            throw ProviderError(field: "mail.tags.\(tagKey)", message: "no campaign tag (set campaign_field: in report.yml to the tag that names the campaign)")
        }
        let destination = (JSONValue.array(mail["destination"]) ?? []).compactMap(JSONValue.string)
        func detail(_ key: String) -> [String: Any] { JSONValue.object(record[key]) ?? [:] }
        func time(_ d: [String: Any]) throws -> Double {
            guard let t = JSONValue.iso(d["timestamp"]) ?? JSONValue.iso(mail["timestamp"]) else {
                throw ProviderError(field: "timestamp", message: "is not an ISO 8601 date-time")
            }
            return t
        }
        func events(_ recipients: [String], _ type: EventType, at t: Double, bounce: BounceType? = nil, url: String? = nil) -> ProviderRecord {
            .events(recipients.map {
                RecipientEvent(time: t, campaign: campaign, recipient: CanonicalEvents.normalizeRecipient($0), type: type, bounceType: bounce, url: url)
            })
        }
        switch kind {
        case "Send":
            return events(destination, .sent, at: try time([:]))
        case "Delivery":
            let d = detail("delivery")
            let recipients = (JSONValue.array(d["recipients"]) ?? []).compactMap(JSONValue.string)
            return events(recipients.isEmpty ? destination : recipients, .delivered, at: try time(d))
        case "Bounce":
            let d = detail("bounce")
            let recipients = (JSONValue.array(d["bouncedRecipients"]) ?? []).compactMap { JSONValue.string(JSONValue.object($0)?["emailAddress"]) }
            let bounce: BounceType = JSONValue.string(d["bounceType"]) == "Permanent" ? .hard : .soft
            return events(recipients, .bounce, at: try time(d), bounce: bounce)
        case "Complaint":
            let d = detail("complaint")
            if JSONValue.string(d["complaintFeedbackType"]) == "not-spam" { return .ignored }
            let recipients = (JSONValue.array(d["complainedRecipients"]) ?? []).compactMap { JSONValue.string(JSONValue.object($0)?["emailAddress"]) }
            return events(recipients, .complaint, at: try time(d))
        case "Reject":
            return events(destination, .dropped, at: try time(detail("reject")))
        case "Open":
            return events(destination, .open, at: try time(detail("open")))
        case "Click":
            let d = detail("click")
            return events(destination, .click, at: try time(d), url: JSONValue.string(d["link"]))
        case "Subscription":
            let d = detail("subscription")
            let all = JSONValue.object(d["newTopicPreferences"]).flatMap { JSONValue.bool($0["unsubscribeAll"]) } ?? false
            return all ? events(destination, .unsubscribe, at: try time(d)) : .ignored
        case "DeliveryDelay", "Rendering Failure", "RenderingFailure":
            return .ignored
        default:
            return .unknown(kind)
        }
    }
}
