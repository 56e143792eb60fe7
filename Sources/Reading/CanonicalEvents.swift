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
        guard let type = bytes(eventText, EventFields.eventType) else {
            throw ReportError(
                "\"\(InputLimits.quoted(eventText))\" is not an event type (\(EventType.allCases.map(\.name).joined(separator: ", ")))",
                at: row.at("event"))
        }
        var bounceType: BounceType?
        if type == .bounce {
            guard let b = bytes(row.text("bounce_type"), EventFields.bounceType).value else {
                throw ReportError("\"\(InputLimits.quoted(row.text("bounce_type")!))\" is not \(EventFields.bounceWords)", at: row.at("bounce_type"))
            }
            bounceType = b
        }
        var machine: Bool?
        if type == .open {
            let field = bytes(row.text("machine")) { m in
                bytes(row.text("user_agent")) { ua in bytes(row.text("ip")) { EventFields.machine(m, userAgent: ua, ip: $0) } }
            }
            guard case .value(let m) = field else {
                throw ReportError("\"\(InputLimits.quoted(row.text("machine")!))\" is not \(EventFields.machineWords)", at: row.at("machine"))
            }
            machine = m
        }
        return RecipientEvent(
            time: time, campaign: row.text("campaign")!, recipient: normalizeRecipient(row.text("recipient")!),
            type: type, bounceType: bounceType, machine: machine, url: type == .click ? row.text("url") : nil,
            program: row.text("program"), domain: row.text("domain")?.lowercased()
        )
    }

    /// A field's text as the bytes the rules read.
    private static func bytes<R>(_ text: String?, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
        guard var text else { return body(nil) }
        return text.withUTF8 { body(UnsafeRawBufferPointer($0)) }
    }

    private static func bytes<R>(_ text: String, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        var text = text
        return text.withUTF8 { body(UnsafeRawBufferPointer($0)) }
    }

    /// Addresses compare after trimming and lower-casing; opaque ids (no `@`) compare exactly.
    static func normalizeRecipient(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        return trimmed.contains("@") ? trimmed.lowercased() : trimmed
    }
}
