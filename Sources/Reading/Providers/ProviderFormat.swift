import Foundation
import ReportCore

/// What one record of a provider's export maps to.
enum ProviderRecord {
    /// Canonical events (SES records can name several recipients).
    case events([RecipientEvent])
    /// A known record that is no outcome for the report (a deferral, a subscription confirmation …).
    case ignored
    /// An event type this reader does not know: counted and reported once per build.
    case unknown(String)
    /// A real record of a known type that names no recipient (Postmark sends a Bounce of `Type: Unsubscribe`
    /// without an `Email`): nothing to count, reported once per file with its lines.
    case noRecipient
}

/// A provider's native export: detection from the first record, and the mapping of each record.
protocol ProviderFormat {
    static var format: InputFormat { get }
    /// Whether a decoded JSON object looks like one of this provider's records.
    static func matches(_ object: [String: Any]) -> Bool
    /// Maps one record. `campaignField` is the project's choice of where the campaign id is (inputs.md §3).
    static func map(_ object: [String: Any], campaignField: String?) throws -> ProviderRecord
}

enum Providers {
    static let all: [ProviderFormat.Type] = [SESFormat.self, MailgunFormat.self, PostmarkFormat.self, SendGridFormat.self]

    static func format(_ f: InputFormat) -> ProviderFormat.Type? {
        all.first { $0.format == f }
    }

    static func detect(_ object: [String: Any]) -> ProviderFormat.Type? {
        all.first { $0.matches(object) }
    }
}

/// Reading JSON values of unknown type without a cascade of casts at every call site.
enum JSONValue {
    static func string(_ v: Any?) -> String? {
        switch v {
        case let s as String: return s.isEmpty ? nil : s
        case let n as NSNumber: return JSONStream.cellText(n)
        default: return nil
        }
    }

    static func object(_ v: Any?) -> [String: Any]? { v as? [String: Any] }
    static func array(_ v: Any?) -> [Any]? { v as? [Any] }

    /// A string, or the first string of an array (SendGrid `category`, SES tag values, Mailgun tags).
    static func first(_ v: Any?) -> String? {
        if let s = string(v) { return s }
        return array(v)?.lazy.compactMap(string).first
    }

    static func bool(_ v: Any?) -> Bool? {
        if let n = v as? NSNumber { return n.boolValue }
        if let s = v as? String { return ["true", "1", "yes"].contains(s.lowercased()) ? true : (["false", "0", "no", ""].contains(s.lowercased()) ? false : nil) }
        return nil
    }

    /// Unix time given as a number or a numeric string: seconds, milliseconds or microseconds by its digits,
    /// within the supported years (`InputLimits`); nil for anything else.
    static func unix(_ v: Any?) -> Double? {
        var t: Double?
        if let n = v as? NSNumber, String(cString: n.objCType) != "c" { t = TimeParsing.unixSeconds(number: n.doubleValue) }
        if let s = v as? String { t = TimeParsing.unixSeconds(Array(s.utf8)[...]) }
        return t.flatMap { InputLimits.isSupported(time: $0) ? $0 : nil }
    }

    /// An ISO 8601 date-time with its offset (providers always give one).
    static func iso(_ v: Any?) -> Double? {
        guard let s = v as? String else { return nil }
        return TimeParsing.instant(Substring(s), zone: TimeZone(identifier: "UTC")!).flatMap { InputLimits.isSupported(time: $0) ? $0 : nil }
    }
}

/// What a provider's time field must be, for its error messages.
enum TimeField {
    static let unix = "is not a Unix time (seconds, milliseconds or microseconds) within \(InputLimits.timeRange)"
    static let iso = "is not an ISO 8601 date-time within \(InputLimits.timeRange)"
}

struct ProviderError: Error {
    var field: String
    var message: String
}
