import Foundation
import ReportCore

/// Amazon SES event publishing records (and classic notifications), bare as Firehose writes them or inside
/// an SNS envelope whose `Message` is a JSON string (provider-formats.md §2).
///
/// Sources: the SES Developer Guide, "Contents of event data that Amazon SES publishes to Amazon SNS" / "to
/// Firehose" (the `bounce`, `complaint`, `open` objects and their types and subtypes) and "Amazon SES
/// notification contents"; the SNS Developer Guide, "Parsing message formats" (the HTTP/S envelope).
///
/// - Send → sent (at `mail.timestamp`); Delivery → delivered, per `delivery.recipients`.
/// - Bounce, per `bounce.bouncedRecipients`: Permanent → hard; Transient → soft (SES publishes it only after it
///   gave up retrying); Undetermined → a bounce of its own kind, counted apart, never as soft. A Permanent bounce
///   whose `bounceSubType` is `Suppressed` or `OnAccountSuppressionList` was never attempted (AWS: SES "didn't
///   attempt to send it" because the address is on a suppression list): **dropped**, not a bounce.
/// - Complaint, per `complainedRecipients` → complaint; except `complaintFeedbackType: not-spam` (the recipient
///   said it is *not* spam: no complaint) and `complaintSubType: OnAccountSuppressionList` (never attempted:
///   dropped, not a complaint).
/// - Reject → dropped. Open and Click have no recipient of their own: they go to every address of
///   `mail.destination` (send one recipient per message for exact figures). SES has no machine-open flag: an
///   open is classified by its `userAgent` and `ipAddress` (`ProxyOpens`), else it carries no signal.
/// - DeliveryDelay → a deferral of each `delayedRecipients[]` (no outcome; its reason counts); Rendering Failure
///   and subscription confirmations are ignored; a Subscription event that unsubscribes from everything →
///   unsubscribe.
/// - Bounce reasons (`BounceReason`): `bounceSubType` `NoEmail` → invalid recipient, `MailboxFull` → mailbox full,
///   `ContentRejected` and `AttachmentRejected` → content; otherwise each recipient's `status` and
///   `diagnosticCode`. A DeliveryDelay's `delayType` `MailboxFull` → mailbox full, `SpamDetected` and `IPFailure`
///   → reputation, otherwise its recipients' `status` and `diagnosticCode` (AWS, "Contents of event data …":
///   the bounce types and delay types tables).
/// - Times: the per-type object's `timestamp`; where it has none, the SNS envelope's `Timestamp`; `mail.timestamp`
///   (the send time) is the Send's time and the last resort.
/// - Campaign: the configured `mail.tags` key (default `campaign`), first value.
enum SESFormat: ProviderFormat {
    static let format = InputFormat.ses

    static func matches(_ o: [String: Any]) -> Bool {
        if JSONValue.string(o["Type"]) != nil, o["TopicArn"] != nil || o["Message"] != nil { return true }
        return (o["eventType"] != nil || o["notificationType"] != nil) && o["mail"] != nil
    }

    static func map(_ o: [String: Any], campaignField: String?) throws -> ProviderRecord {
        var record = o
        var envelopeTime: Double?
        if let envelopeType = JSONValue.string(o["Type"]) {
            envelopeTime = JSONValue.iso(o["Timestamp"])
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
            guard let t = JSONValue.iso(d["timestamp"]) ?? envelopeTime ?? JSONValue.iso(mail["timestamp"]) else {
                throw ProviderError(field: "timestamp", message: TimeField.iso)
            }
            return t
        }
        func events(_ recipients: [String], _ type: EventType, at t: Double, bounce: BounceType? = nil, machine: Bool? = nil,
                    url: String? = nil, reasons: [BounceReason?] = []) -> ProviderRecord {
            .events(recipients.enumerated().map { i, r in
                RecipientEvent(time: t, campaign: campaign, recipient: CanonicalEvents.normalizeRecipient(r), type: type,
                               bounceType: bounce, machine: machine, url: url, bounceReason: i < reasons.count ? reasons[i] : nil)
            })
        }
        /// Each listed recipient's address and reason: the record's class when it names one, else the recipient's
        /// `status` and `diagnosticCode`.
        func failed(_ list: Any?, class given: BounceReason?) -> ([String], [BounceReason?]) {
            var addresses: [String] = [], reasons: [BounceReason?] = []
            for r in JSONValue.array(list) ?? [] {
                guard let r = JSONValue.object(r), let a = JSONValue.string(r["emailAddress"]) else { continue }
                addresses.append(a)
                reasons.append(given ?? BounceReason.classify(code: JSONValue.string(r["status"]), text: JSONValue.string(r["diagnosticCode"])))
            }
            return (addresses, reasons)
        }
        switch kind {
        case "Send":
            guard let t = JSONValue.iso(mail["timestamp"]) ?? envelopeTime else {
                throw ProviderError(field: "mail.timestamp", message: TimeField.iso)
            }
            return events(destination, .sent, at: t)
        case "Delivery":
            let d = detail("delivery")
            let recipients = (JSONValue.array(d["recipients"]) ?? []).compactMap(JSONValue.string)
            return events(recipients.isEmpty ? destination : recipients, .delivered, at: try time(d))
        case "Bounce":
            let d = detail("bounce")
            let given: BounceReason? = switch JSONValue.string(d["bounceSubType"]) {
            case "NoEmail": .invalidRecipient
            case "MailboxFull": .mailboxFull
            case "ContentRejected", "AttachmentRejected": .content
            default: nil
            }
            let (recipients, reasons) = failed(d["bouncedRecipients"], class: given)
            if ["Suppressed", "OnAccountSuppressionList"].contains(JSONValue.string(d["bounceSubType"])) {
                return events(recipients, .dropped, at: try time(d))
            }
            let bounce: BounceType
            switch JSONValue.string(d["bounceType"]) {
            case "Permanent": bounce = .hard
            case "Transient": bounce = .soft
            default: bounce = .undetermined
            }
            return events(recipients, .bounce, at: try time(d), bounce: bounce, reasons: reasons)
        case "Complaint":
            let d = detail("complaint")
            if JSONValue.string(d["complaintFeedbackType"]) == "not-spam" { return .ignored }
            let recipients = (JSONValue.array(d["complainedRecipients"]) ?? []).compactMap { JSONValue.string(JSONValue.object($0)?["emailAddress"]) }
            if JSONValue.string(d["complaintSubType"]) == "OnAccountSuppressionList" {
                return events(recipients, .dropped, at: try time(d))
            }
            return events(recipients, .complaint, at: try time(d))
        case "Reject":
            return events(destination, .dropped, at: try time(detail("reject")))
        case "Open":
            let d = detail("open")
            let machine = ProxyOpens.isMachine(userAgent: JSONValue.string(d["userAgent"]), ip: JSONValue.string(d["ipAddress"]))
            return events(destination, .open, at: try time(d), machine: machine)
        case "Click":
            let d = detail("click")
            return events(destination, .click, at: try time(d), url: JSONValue.string(d["link"]))
        case "Subscription":
            let d = detail("subscription")
            let all = JSONValue.object(d["newTopicPreferences"]).flatMap { JSONValue.bool($0["unsubscribeAll"]) } ?? false
            return all ? events(destination, .unsubscribe, at: try time(d)) : .ignored
        case "DeliveryDelay":
            let d = detail("deliveryDelay")
            let given: BounceReason? = switch JSONValue.string(d["delayType"]) {
            case "MailboxFull": .mailboxFull
            case "SpamDetected", "IPFailure": .reputation
            default: nil
            }
            let (recipients, reasons) = failed(d["delayedRecipients"], class: given)
            return events(recipients, .deferred, at: try time(d), reasons: reasons)
        case "Rendering Failure", "RenderingFailure":
            return .ignored
        default:
            return .unknown(kind)
        }
    }
}
