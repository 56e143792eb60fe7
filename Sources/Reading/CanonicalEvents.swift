import Foundation
import ReportCore

/// Canonical recipient events (`inputs.md` §2): one row per event. The rules of each field are `EventFields`,
/// shared with the byte path (`FastEvents`).
enum CanonicalEvents {
    static let required = ["time", "campaign", "recipient", "event"]

    static func parse(_ row: Row, zone: TimeZone) throws -> RecipientEvent {
        for field in required where row.text(field) == nil {
            throw ReportError("is missing", at: row.at(field))
        }
        let timeText = row.text("time")!
        guard let time = TimeParsing.instant(Substring(timeText), zone: zone) else {
            throw ReportError("\"\(InputLimits.quoted(timeText))\" is not an ISO 8601 date-time or Unix time (10 digits seconds, 13 milliseconds, 16 microseconds)", at: row.at("time"))
        }
        guard InputLimits.isSupported(time: time) else {
            throw ReportError("\"\(InputLimits.quoted(timeText))\" is outside the supported years (\(InputLimits.timeRange))", at: row.at("time"))
        }
        let eventText = row.text("event")!
        guard let type = eventText.withUTF8Bytes(EventFields.eventType) else {
            throw ReportError(
                "\"\(InputLimits.quoted(eventText))\" is not an event type (\(EventType.allCases.map(\.name).joined(separator: ", ")))",
                at: row.at("event"))
        }
        var bounceType: BounceType?
        if type == .bounce {
            guard let b = row.text("bounce_type").withUTF8Bytes(EventFields.bounceType).value else {
                throw ReportError("\"\(InputLimits.quoted(row.text("bounce_type")!))\" is not \(EventFields.bounceWords)", at: row.at("bounce_type"))
            }
            bounceType = b
        }
        var machine: Bool?
        if type == .open {
            let field = row.text("machine").withUTF8Bytes { m in
                row.text("user_agent").withUTF8Bytes { ua in row.text("ip").withUTF8Bytes { EventFields.machine(m, userAgent: ua, ip: $0) } }
            }
            guard case .value(let m) = field else {
                throw ReportError("\"\(InputLimits.quoted(row.text("machine")!))\" is not \(EventFields.machineWords)", at: row.at("machine"))
            }
            machine = m
        }
        return RecipientEvent(
            time: time, campaign: row.text("campaign")!, recipient: normalizeRecipient(row.text("recipient")!),
            type: type, bounceType: bounceType, machine: machine, url: type == .click ? row.text("url") : nil,
            program: row.text("program"), domain: row.text("domain")?.lowercased(),
            bounceReason: type == .bounce || type == .deferred ? BounceReason.classify(text: row.text("diagnostic")) : nil
        )
    }

    /// Addresses compare after trimming and lower-casing; opaque ids (no `@`) compare exactly.
    static func normalizeRecipient(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        return trimmed.contains("@") ? trimmed.lowercased() : trimmed
    }
}
