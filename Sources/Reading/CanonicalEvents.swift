import Foundation
import ReportCore

/// Canonical recipient events (`inputs.md` §2): one row per event.
enum CanonicalEvents {
    static let required = ["time", "campaign", "recipient", "event"]

    static func parse(_ row: Row, zone: TimeZone) throws -> RecipientEvent {
        for field in required where row.text(field) == nil {
            throw ReportError("is missing", at: row.at(field))
        }
        let timeText = row.text("time")!
        guard let time = TimeParsing.instant(Substring(timeText), zone: zone) else {
            throw ReportError("\"\(timeText)\" is not an ISO 8601 date-time or Unix seconds", at: row.at("time"))
        }
        let eventText = row.text("event")!
        guard let type = EventType(name: eventText.lowercased()) else {
            throw ReportError(
                "\"\(eventText)\" is not an event type (\(EventType.allCases.map(\.name).joined(separator: ", ")))",
                at: row.at("event"))
        }
        var bounceType: BounceType?
        if type == .bounce {
            switch row.text("bounce_type")?.lowercased() {
            case nil, "hard": bounceType = .hard
            case "soft": bounceType = .soft
            case let other?:
                throw ReportError("\"\(other)\" is not hard or soft", at: row.at("bounce_type"))
            }
        }
        var machine: Bool?
        if type == .open, let text = row.text("machine") {
            switch text.lowercased() {
            case "true", "1", "yes": machine = true
            case "false", "0", "no": machine = false
            default: throw ReportError("\"\(text)\" is not true, false or empty", at: row.at("machine"))
            }
        }
        return RecipientEvent(
            time: time, campaign: row.text("campaign")!, recipient: normalizeRecipient(row.text("recipient")!),
            type: type, bounceType: bounceType, machine: machine, url: type == .click ? row.text("url") : nil,
            program: row.text("program"), domain: row.text("domain")?.lowercased()
        )
    }

    /// Addresses compare after trimming and lower-casing; opaque ids (no `@`) compare exactly.
    static func normalizeRecipient(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        return trimmed.contains("@") ? trimmed.lowercased() : trimmed
    }
}
